// "simulated: radial sin" frames against the formula of issue 3, evaluated
// independently here in double precision at every pixel.
#include "tests/gst/acqsrc/acqsrc_harness.hh"

#include <cmath>

namespace {

constexpr GstClockTime frame_period = 13 * GST_MSECOND;  // 13 ms: no two frames alike

double expected_value(int x, int y, int width, int height, double t, double amplitude) {
  const double cx = width / 2.0, cy = height / 2.0;
  const double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
  return std::floor(amplitude * (1.0 + std::sin(2.0 * M_PI * (10.0 * t + 0.01 * r2))));
}

void check_frames(const char* format, int width, int height, int frames) {
  gchar* caps = g_strdup_printf("video/x-raw,format=%s,width=%d,height=%d", format, width, height);
  GstHarness* h = acqsrc_harness(caps);
  g_object_set(h->element, "is-live", FALSE, "exposure-time-us", 13000.0, nullptr);
  gst_harness_play(h);
  for (int n = 0; n < frames; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    fail_unless(buffer != nullptr);
    const GstVideoInfo info = negotiated_info(h);
    fail_unless_equals_uint64(GST_BUFFER_PTS(buffer), n * frame_period);
    const double t = GST_BUFFER_PTS(buffer) / 1e9;
    const double amplitude = GST_VIDEO_INFO_FORMAT(&info) == GST_VIDEO_FORMAT_GRAY8 ? 127.0 : 32767.0;
    GstVideoFrame frame;
    fail_unless(gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ));
    guint64 mismatches = 0;
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const double expected = expected_value(x, y, width, height, t, amplitude);
        const unsigned got = sample_at(frame, x, y);
        if (std::fabs(got - expected) > 1.0) {
          if (mismatches == 0)
            GST_ERROR("%s %dx%d frame %d pixel (%d,%d): got %u, formula %g", format, width, height, n, x, y, got,
                      expected);
          ++mismatches;
        }
      }
    }
    gst_video_frame_unmap(&frame);
    fail_unless(mismatches == 0, "%s %dx%d frame %d: %" G_GUINT64_FORMAT " pixels off the formula", format, width,
                height, n, mismatches);
    gst_buffer_unref(buffer);
  }
  gst_harness_teardown(h);
  g_free(caps);
}

}  // namespace

GST_START_TEST(test_gray8_sizes) {
  check_frames("GRAY8", 1920, 1080, 3);
  check_frames("GRAY8", 1921, 1081, 3);  // stride 1924, quarter-pixel centre
  check_frames("GRAY8", 1, 1, 3);
  check_frames("GRAY8", 7, 5, 4);
  check_frames("GRAY8", 250, 333, 4);
}
GST_END_TEST;

GST_START_TEST(test_gray16_sizes) {
  check_frames("GRAY16_LE", 1920, 1080, 3);
  check_frames("GRAY16_LE", 1921, 1081, 3);
  check_frames("GRAY16_LE", 33, 17, 4);
}
GST_END_TEST;

GST_START_TEST(test_frames_differ_over_time) {
  // A frame in the wrong place must not pass: consecutive 13 ms frames differ.
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY8,width=64,height=48");
  g_object_set(h->element, "is-live", FALSE, "exposure-time-us", 13000.0, nullptr);
  gst_harness_play(h);
  GstBuffer* first = gst_harness_pull(h);
  GstBuffer* second = gst_harness_pull(h);
  fail_if(same_pixels(negotiated_info(h), first, second));
  gst_buffer_unref(first);
  gst_buffer_unref(second);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_two_runs_identical) {
  GstBuffer* runs[2][3];
  GstVideoInfo info;
  for (auto& run : runs) {
    GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY16_LE,width=1921,height=101");
    g_object_set(h->element, "is-live", FALSE, "exposure-time-us", 13000.0, nullptr);
    gst_harness_play(h);
    for (GstBuffer*& buffer : run) buffer = gst_harness_pull(h);
    info = negotiated_info(h);
    gst_harness_teardown(h);
  }
  for (int n = 0; n < 3; ++n) {
    fail_unless(same_pixels(info, runs[0][n], runs[1][n]), "frame %d differs between runs", n);
    gst_buffer_unref(runs[0][n]);
    gst_buffer_unref(runs[1][n]);
  }
}
GST_END_TEST;

static Suite* acqsrc_radial_sin_suite() {
  Suite* s = suite_create("acqsrc_radial_sin");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_gray8_sizes);
  tcase_add_test(tc, test_gray16_sizes);
  tcase_add_test(tc, test_frames_differ_over_time);
  tcase_add_test(tc, test_two_runs_identical);
  return s;
}

GST_CHECK_MAIN(acqsrc_radial_sin);
