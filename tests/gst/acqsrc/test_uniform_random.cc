// "simulated: uniform random": full-range uniform samples, reproducible
// from `seed`.
#include "tests/gst/acqsrc/acqsrc_harness.hh"

#include <cmath>
#include <vector>

namespace {

// Frames 0..count-1 of the uniform random camera.
std::vector<GstBuffer*> pull_frames(const char* caps, guint64 seed, int count, GstVideoInfo* info) {
  GstHarness* h = acqsrc_harness(caps);
  g_object_set(h->element, "camera", "simulated: uniform random", "is-live", FALSE, "seed", seed, nullptr);
  gst_harness_play(h);
  std::vector<GstBuffer*> frames;
  for (int n = 0; n < count; ++n) frames.push_back(gst_harness_pull(h));
  *info = negotiated_info(h);
  gst_harness_teardown(h);
  return frames;
}

void unref_all(std::vector<GstBuffer*>& frames) {
  for (GstBuffer* b : frames) gst_buffer_unref(b);
}

// Mean and 256-bin histogram (of the top 8 bits) against the uniform law.
void check_uniform(const GstVideoInfo& info, GstBuffer* buffer, unsigned max_value) {
  GstVideoFrame frame;
  fail_unless(gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ));
  const int width = GST_VIDEO_INFO_WIDTH(&info), height = GST_VIDEO_INFO_HEIGHT(&info);
  const int shift = max_value == 255 ? 0 : 8;
  std::vector<guint64> bins(256, 0);
  double sum = 0;
  unsigned lowest = max_value, highest = 0;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const unsigned v = sample_at(frame, x, y);
      sum += v;
      bins[v >> shift]++;
      lowest = MIN(lowest, v);
      highest = MAX(highest, v);
    }
  }
  gst_video_frame_unmap(&frame);

  const double n = double(width) * height;
  const double mean = sum / n;
  const double expected_mean = max_value / 2.0;
  const double mean_sigma = (max_value + 1) / std::sqrt(12.0 * n);
  fail_unless(std::fabs(mean - expected_mean) < 6 * mean_sigma, "mean %g, expected %g", mean, expected_mean);
  const double expected_bin = n / 256, bin_sigma = std::sqrt(expected_bin);
  for (int b = 0; b < 256; ++b)
    fail_unless(std::fabs(bins[b] - expected_bin) < 6 * bin_sigma, "bin %d has %" G_GUINT64_FORMAT ", expected %g", b,
                bins[b], expected_bin);
  // The full range is used.
  fail_unless(lowest < 16 && highest > max_value - 16, "range %u..%u", lowest, highest);
}

}  // namespace

GST_START_TEST(test_gray8_uniform) {
  GstVideoInfo info;
  auto frames = pull_frames("video/x-raw,format=GRAY8,width=1921,height=1081", 0, 2, &info);
  for (GstBuffer* b : frames) check_uniform(info, b, 255);
  unref_all(frames);
}
GST_END_TEST;

GST_START_TEST(test_gray16_uniform) {
  GstVideoInfo info;
  auto frames = pull_frames("video/x-raw,format=GRAY16_LE,width=1920,height=1080", 7, 2, &info);
  for (GstBuffer* b : frames) check_uniform(info, b, 65535);
  unref_all(frames);
}
GST_END_TEST;

GST_START_TEST(test_seed_reproducible) {
  const char* caps = "video/x-raw,format=GRAY8,width=333,height=77";
  GstVideoInfo info;
  auto first = pull_frames(caps, 42, 3, &info);
  auto again = pull_frames(caps, 42, 3, &info);
  auto other = pull_frames(caps, 43, 3, &info);
  for (int n = 0; n < 3; ++n) {
    fail_unless(same_pixels(info, first[n], again[n]), "seed 42 frame %d not reproduced", n);
    fail_if(same_pixels(info, first[n], other[n]), "seeds 42 and 43 gave the same frame %d", n);
  }
  fail_if(same_pixels(info, first[0], first[1]), "frames 0 and 1 are equal");
  unref_all(first);
  unref_all(again);
  unref_all(other);
}
GST_END_TEST;

static Suite* acqsrc_uniform_random_suite() {
  Suite* s = suite_create("acqsrc_uniform_random");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_gray8_uniform);
  tcase_add_test(tc, test_gray16_uniform);
  tcase_add_test(tc, test_seed_reproducible);
  return s;
}

GST_CHECK_MAIN(acqsrc_uniform_random);
