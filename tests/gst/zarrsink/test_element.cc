// zarrsink driven by GstHarness with crafted frames; every dataset is read
// back by zarr-python (read_back.py) and compared value by value.
// Standard headers first: gstcheck.h defines a `fail` macro that would
// otherwise rewrite std::ios::fail().
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

namespace fs = std::filesystem;

namespace {

// A fresh directory per test; the dataset goes to <dir>/out.zarr.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::path(g_get_tmp_dir()) / "zarrsink-test-XXXXXX").string();
    fail_unless(g_mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string location() const { return (path / "out.zarr").string(); }
};

GstElement* make_sink(const std::string& location) {
  GstElement* sink = gst_element_factory_make("zarrsink", nullptr);
  fail_unless(sink != nullptr, "zarrsink not found: is GST_PLUGIN_PATH_1_0 set?");
  if (!location.empty()) g_object_set(sink, "location", location.c_str(), nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(sink, bus);
  gst_object_unref(bus);
  return sink;
}

// Messages left on the sink's bus hold references to the sink (their source),
// and the bus belongs to the sink: drop them so the sink is freed (valgrind
// found every sink of these tests definitely lost).
void drop_bus_messages(GstElement* sink) {
  GstBus* bus = gst_element_get_bus(sink);
  gst_bus_set_flushing(bus, TRUE);
  gst_object_unref(bus);
}

// The harness does not take over make_sink's reference (transfer none).
void teardown(GstHarness* h) {
  GstElement* sink = h->element;
  drop_bus_messages(sink);
  gst_harness_teardown(h);
  gst_object_unref(sink);
}

// The harness sets the sink to PLAYING; properties must be set before.
GstHarness* harness_for(GstElement* sink, const std::string& caps) {
  GstHarness* h = gst_harness_new_with_element(sink, "sink", nullptr);
  gst_harness_set_src_caps_str(h, caps.c_str());
  return h;
}

// Pops the next message of this type from the element's bus (or nullptr).
GstMessage* pop_message(GstElement* sink, GstMessageType type) {
  GstBus* bus = gst_element_get_bus(sink);
  GstMessage* message = gst_bus_pop_filtered(bus, type);
  gst_object_unref(bus);
  return message;
}

void expect_error(GstElement* sink, GQuark domain, int code, const char* words) {
  GstMessage* message = pop_message(sink, GST_MESSAGE_ERROR);
  fail_unless(message != nullptr, "no error message on the bus");
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  fail_unless_equals_string(g_quark_to_string(error->domain), g_quark_to_string(domain));
  fail_unless_equals_int(error->code, code);
  fail_unless(strstr(error->message, words) != nullptr, "error \"%s\" does not say \"%s\"", error->message, words);
  g_error_free(error);
  g_free(debug);
  gst_message_unref(message);
}

void expect_no_error(GstElement* sink) {
  GstMessage* message = pop_message(sink, GST_MESSAGE_ERROR);
  if (message) {
    GError* error = nullptr;
    gst_message_parse_error(message, &error, nullptr);
    fail("unexpected error: %s", error->message);
  }
}

// Runs the independent reader; expected is array 0 in (t, c, y, x) order, little-endian.
void expect_dataset(const TempDir& dir, const std::vector<uint8_t>& expected, const char* dtype, std::vector<int> shape,
                    std::vector<int> chunks = {}) {
  const std::string expected_path = (dir.path / "expected.raw").string();
  std::ofstream(expected_path, std::ios::binary)
      .write(reinterpret_cast<const char*>(expected.data()), std::streamsize(expected.size()));
  std::vector<std::string> args = {g_getenv("ZARRSINK_TEST_PYTHON"), g_getenv("ZARRSINK_TEST_READ_BACK"),
                                   dir.location(), expected_path, dtype};
  for (int v : shape) args.push_back(std::to_string(v));
  for (int v : chunks) args.push_back(std::to_string(v));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  gchar* err = nullptr;
  gint status = 0;
  GError* error = nullptr;
  fail_unless(
      g_spawn_sync(nullptr, argv.data(), nullptr, G_SPAWN_DEFAULT, nullptr, nullptr, nullptr, &err, &status, &error),
      "cannot run the reader");
  fail_unless(g_spawn_check_wait_status(status, nullptr), "read-back failed: %s", err);
  g_free(err);
}

// Builds one frame buffer laid out as GStreamer defines the format (stride
// from GstVideoInfo), every byte not covered by `fill` set to 0xEE so that
// padding read as data shows up as a wrong value.
GstBuffer* make_frame(const GstVideoInfo& info, const std::function<void(uint8_t* row, int y)>& fill) {
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  GstMapInfo map;
  gst_buffer_map(buffer, &map, GST_MAP_WRITE);
  memset(map.data, 0xEE, map.size);
  for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(&info); ++y)
    fill(map.data + GST_VIDEO_INFO_PLANE_OFFSET(&info, 0) + y * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), y);
  gst_buffer_unmap(buffer, &map);
  return buffer;
}

GstVideoInfo video_info(const std::string& caps_string) {
  GstCaps* caps = gst_caps_from_string(caps_string.c_str());
  GstVideoInfo info;
  fail_unless(gst_video_info_from_caps(&info, caps));
  gst_caps_unref(caps);
  return info;
}

uint8_t u8_value(int t, int c, int y, int x) { return uint8_t(x * 7 + y * 13 + c * 61 + t * 29 + 1); }

// Pushes n GRAY8 frames of u8_value and returns what array 0 must hold.
std::vector<uint8_t> push_gray8(GstHarness* h, const GstVideoInfo& info, int first, int n) {
  const int w = GST_VIDEO_INFO_WIDTH(&info), hgt = GST_VIDEO_INFO_HEIGHT(&info);
  std::vector<uint8_t> expected;
  for (int t = first; t < first + n; ++t) {
    GstBuffer* frame = make_frame(info, [&](uint8_t* row, int y) {
      for (int x = 0; x < w; ++x) row[x] = u8_value(t, 0, y, x);
    });
    fail_unless_equals_int(gst_harness_push(h, frame), GST_FLOW_OK);
    for (int y = 0; y < hgt; ++y)
      for (int x = 0; x < w; ++x) expected.push_back(u8_value(t, 0, y, x));
  }
  return expected;
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

GST_START_TEST(test_states) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  const GstState cycle[] = {GST_STATE_READY,  GST_STATE_PAUSED, GST_STATE_PLAYING,
                            GST_STATE_PAUSED, GST_STATE_READY,  GST_STATE_NULL};
  for (int round = 0; round < 3; ++round)
    for (GstState state : cycle) fail_if(gst_element_set_state(sink, state) == GST_STATE_CHANGE_FAILURE);
  expect_no_error(sink);
  // No caps, no frames: nothing was created.
  fail_if(fs::exists(dir.location()));
  gst_object_unref(sink);
}
GST_END_TEST;

GST_START_TEST(test_gray8_stride_padded) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "tile-planes", 2u, nullptr);
  // 1921 is padded to a stride of 1924 bytes.
  const std::string caps = "video/x-raw,format=GRAY8,width=1921,height=7,framerate=10/1";
  GstVideoInfo info = video_info(caps);
  fail_unless_equals_int(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), 1924);
  GstHarness* h = harness_for(sink, caps);
  auto expected = push_gray8(h, info, 0, 3);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  expect_no_error(sink);
  expect_dataset(dir, expected, "uint8", {3, 1, 7, 1921}, {2, 1, 7, 1921});
  teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_gray16_be) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  const std::string caps = "video/x-raw,format=GRAY16_BE,width=33,height=17,framerate=10/1";
  GstVideoInfo info = video_info(caps);
  GstHarness* h = harness_for(sink, caps);
  std::vector<uint8_t> expected;  // little-endian, as stored
  for (int t = 0; t < 3; ++t) {
    auto value = [t](int y, int x) { return uint16_t(x * 7 + y * 257 + t * 1031 + 300); };
    GstBuffer* frame = make_frame(info, [&](uint8_t* row, int y) {
      for (int x = 0; x < 33; ++x) {
        row[2 * x] = uint8_t(value(y, x) >> 8);
        row[2 * x + 1] = uint8_t(value(y, x) & 0xff);
      }
    });
    fail_unless_equals_int(gst_harness_push(h, frame), GST_FLOW_OK);
    for (int y = 0; y < 17; ++y)
      for (int x = 0; x < 33; ++x) {
        expected.push_back(uint8_t(value(y, x) & 0xff));
        expected.push_back(uint8_t(value(y, x) >> 8));
      }
  }
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  expect_no_error(sink);
  expect_dataset(dir, expected, "uint16", {3, 1, 17, 33});
  teardown(h);
}
GST_END_TEST;

// Byte offsets of R, G, B(, A) inside one pixel, written out by hand from
// the format names so the test does not reuse GStreamer's tables.
struct RgbFormat {
  const char* name;
  int pixel_bytes;
  std::vector<int> offsets;
};

GST_START_TEST(test_rgb_family) {
  const RgbFormat formats[] = {
      {"RGB", 3, {0, 1, 2}},     {"BGR", 3, {2, 1, 0}},     {"RGBA", 4, {0, 1, 2, 3}}, {"BGRA", 4, {2, 1, 0, 3}},
      {"RGBx", 4, {0, 1, 2}},    {"BGRx", 4, {2, 1, 0}},    {"xRGB", 4, {1, 2, 3}},    {"xBGR", 4, {3, 2, 1}},
      {"ARGB", 4, {1, 2, 3, 0}}, {"ABGR", 4, {3, 2, 1, 0}},
  };
  const int width = 13, height = 5, frames = 2;
  for (const RgbFormat& format : formats) {
    TempDir dir;
    GstElement* sink = make_sink(dir.location());
    const std::string caps = std::string("video/x-raw,framerate=10/1,width=13,height=5,format=") + format.name;
    GstVideoInfo info = video_info(caps);
    GstHarness* h = harness_for(sink, caps);
    const int channels = int(format.offsets.size());
    for (int t = 0; t < frames; ++t) {
      GstBuffer* frame = make_frame(info, [&](uint8_t* row, int y) {
        for (int x = 0; x < width; ++x)
          for (int c = 0; c < channels; ++c) row[x * format.pixel_bytes + format.offsets[c]] = u8_value(t, c, y, x);
      });
      fail_unless_equals_int(gst_harness_push(h, frame), GST_FLOW_OK);
    }
    std::vector<uint8_t> expected;
    for (int t = 0; t < frames; ++t)
      for (int c = 0; c < channels; ++c)
        for (int y = 0; y < height; ++y)
          for (int x = 0; x < width; ++x) expected.push_back(u8_value(t, c, y, x));
    fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
    expect_no_error(sink);
    GST_INFO("checking %s", format.name);
    expect_dataset(dir, expected, "uint8", {frames, channels, height, width});
    teardown(h);
  }
}
GST_END_TEST;

GST_START_TEST(test_caps_change_refused) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  const std::string caps = "video/x-raw,format=GRAY8,width=16,height=8,framerate=10/1";
  GstVideoInfo info = video_info(caps);
  GstHarness* h = harness_for(sink, caps);
  auto expected = push_gray8(h, info, 0, 2);
  gst_harness_set_src_caps_str(h, "video/x-raw,format=GRAY8,width=32,height=8,framerate=10/1");
  GstVideoInfo wider = video_info("video/x-raw,format=GRAY8,width=32,height=8,framerate=10/1");
  fail_if(gst_harness_push(h, make_frame(wider, [](uint8_t*, int) {})) == GST_FLOW_OK);
  expect_error(sink, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT, "changed mid-recording");
  teardown(h);  // stop() finishes what was recorded
  expect_dataset(dir, expected, "uint8", {2, 1, 8, 16});
}
GST_END_TEST;

GST_START_TEST(test_identical_caps_accepted) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=16,height=8,framerate=10/1");
  GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=16,height=8,framerate=10/1");
  auto first = push_gray8(h, info, 0, 2);
  // Same format and size, another framerate: the same array goes on.
  gst_harness_set_src_caps_str(h, "video/x-raw,format=GRAY8,width=16,height=8,framerate=20/1");
  auto second = push_gray8(h, info, 2, 2);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  expect_no_error(sink);
  expect_dataset(dir, concat(first, second), "uint8", {4, 1, 8, 16});
  teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_eos_means_on_disk) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "tile-planes", 2u, "compressor", 1 /* blosc-lz4 */, nullptr);
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  auto expected = push_gray8(h, info, 0, 5);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  GstMessage* eos = pop_message(sink, GST_MESSAGE_EOS);
  fail_unless(eos != nullptr, "no EOS on the bus");
  gst_message_unref(eos);
  // Read while the element is still PLAYING: EOS alone put everything on disk.
  expect_dataset(dir, expected, "uint8", {5, 1, 32, 64}, {2, 1, 32, 64});
  teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_stop_without_eos_keeps_frames) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "tile-planes", 2u, nullptr);
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  auto expected = push_gray8(h, info, 0, 5);
  teardown(h);  // to NULL without EOS, like gst-launch-1.0 without -e on Ctrl-C
  expect_dataset(dir, expected, "uint8", {5, 1, 32, 64}, {2, 1, 32, 64});
}
GST_END_TEST;

GST_START_TEST(test_progress_and_stats) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "tile-planes", 2u, nullptr);
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  push_gray8(h, info, 0, 5);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));

  guint64 previous = 0, last_bytes = 0;
  int progress = 0;
  while (GstMessage* message = pop_message(sink, GST_MESSAGE_ELEMENT)) {
    const GstStructure* s = gst_message_get_structure(message);
    if (gst_structure_has_name(s, "zarrsink-progress")) {
      guint64 frames = 0, bytes = 0;
      double ratio = 0;
      fail_unless(gst_structure_get_uint64(s, "frames", &frames));
      fail_unless(gst_structure_get_uint64(s, "bytes-written", &bytes));
      fail_unless(gst_structure_get_double(s, "compression-ratio", &ratio));
      fail_unless(frames >= previous && frames <= 5);
      fail_unless(bytes > 0 && ratio > 0);
      previous = frames;
      last_bytes = bytes;
      ++progress;
    }
    gst_message_unref(message);
  }
  fail_unless(progress >= 2, "only %d progress messages for 3 chunk rows", progress);
  fail_unless(last_bytes > 0);

  GstStructure* stats = nullptr;
  g_object_get(sink, "stats", &stats, nullptr);
  guint64 frames = 0, bytes_in = 0, chunks = 0;
  fail_unless(gst_structure_get_uint64(stats, "frames", &frames));
  fail_unless(gst_structure_get_uint64(stats, "bytes-in", &bytes_in));
  fail_unless(gst_structure_get_uint64(stats, "chunks-written", &chunks));
  fail_unless_equals_uint64(frames, 5);
  fail_unless_equals_uint64(bytes_in, 5 * 64 * 32);
  fail_unless_equals_uint64(chunks, 3);
  gst_structure_free(stats);
  teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_tile_larger_than_frame_clamped) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "tile-width", 5000u, "tile-height", 16u, "tile-planes", 4u, nullptr);
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=64,height=32,framerate=10/1");
  auto expected = push_gray8(h, info, 0, 5);  // more than one t-chunk, so the chunk keeps 4 planes
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  GstMessage* warning = pop_message(sink, GST_MESSAGE_WARNING);
  fail_unless(warning != nullptr, "no warning about tile-width");
  GError* error = nullptr;
  gst_message_parse_warning(warning, &error, nullptr);
  fail_unless(strstr(error->message, "tile-width") != nullptr, "%s", error->message);
  g_error_free(error);
  gst_message_unref(warning);
  expect_dataset(dir, expected, "uint8", {5, 1, 32, 64}, {4, 1, 16, 64});
  teardown(h);
}
GST_END_TEST;

// start() refuses, naming the setting, before any frame.
static void expect_start_refused(GstElement* sink, int code, const char* words) {
  fail_unless_equals_int(gst_element_set_state(sink, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  expect_error(sink, GST_RESOURCE_ERROR, code, words);
  gst_element_set_state(sink, GST_STATE_NULL);
  drop_bus_messages(sink);
  gst_object_unref(sink);
}

GST_START_TEST(test_error_no_location) {
  expect_start_refused(make_sink(""), GST_RESOURCE_ERROR_NOT_FOUND, "\"location\"");
}
GST_END_TEST;

GST_START_TEST(test_error_bad_metadata) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "metadata", "{\"lens\": ", nullptr);
  expect_start_refused(sink, GST_RESOURCE_ERROR_SETTINGS, "\"metadata\": is not valid JSON");
  sink = make_sink(dir.location());
  g_object_set(sink, "metadata", "[1, 2]", nullptr);
  expect_start_refused(sink, GST_RESOURCE_ERROR_SETTINGS, "must be a JSON object");
  // A number beyond double (the fuzzer's find): once an uncaught exception.
  sink = make_sink(dir.location());
  g_object_set(sink, "metadata", "{\"exposure\": 1e400}", nullptr);
  expect_start_refused(sink, GST_RESOURCE_ERROR_SETTINGS, "\"metadata\": is not valid JSON");
}
GST_END_TEST;

GST_START_TEST(test_error_chunk_depth_unknown) {
  TempDir dir;
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "max-bytes-per-chunk", G_GUINT64_CONSTANT(0), "tile-planes", 0u, nullptr);
  expect_start_refused(sink, GST_RESOURCE_ERROR_SETTINGS, "\"max-bytes-per-chunk\"");
}
GST_END_TEST;

GST_START_TEST(test_error_existing_data_without_overwrite) {
  TempDir dir;
  fs::create_directories(dir.location());
  std::ofstream(fs::path(dir.location()) / "notes.txt") << "precious";
  expect_start_refused(make_sink(dir.location()), GST_RESOURCE_ERROR_OPEN_WRITE, "already holds data");
  fail_unless(fs::exists(fs::path(dir.location()) / "notes.txt"));
}
GST_END_TEST;

// Errors the library finds when the dataset is created at the first caps.
GST_START_TEST(test_error_overwrite_refuses_non_zarr) {
  TempDir dir;
  fs::create_directories(dir.location());
  std::ofstream(fs::path(dir.location()) / "notes.txt") << "precious";
  GstElement* sink = make_sink(dir.location());
  g_object_set(sink, "overwrite", TRUE, nullptr);
  expect_start_refused(sink, GST_RESOURCE_ERROR_OPEN_WRITE, "not a Zarr dataset");
  fail_unless(fs::exists(fs::path(dir.location()) / "notes.txt"), "overwrite removed a non-Zarr directory");
}
GST_END_TEST;

GST_START_TEST(test_error_parent_is_a_file) {
  TempDir dir;
  std::ofstream(dir.path / "plain-file") << "x";
  GstElement* sink = make_sink((dir.path / "plain-file" / "out.zarr").string());
  // Known without frames (the dataset's lock file cannot be made): refused at start.
  expect_start_refused(sink, GST_RESOURCE_ERROR_OPEN_WRITE, "plain-file");
}
GST_END_TEST;

GST_START_TEST(test_overwrite_replaces_a_zarr_dataset) {
  TempDir dir;
  GstVideoInfo info = video_info("video/x-raw,format=GRAY8,width=16,height=8,framerate=10/1");
  for (int run = 0; run < 2; ++run) {
    GstElement* sink = make_sink(dir.location());
    g_object_set(sink, "overwrite", TRUE, nullptr);
    GstHarness* h = harness_for(sink, "video/x-raw,format=GRAY8,width=16,height=8,framerate=10/1");
    auto expected = push_gray8(h, info, run * 10, 3 - run);
    fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
    expect_no_error(sink);
    expect_dataset(dir, expected, "uint8", {3 - run, 1, 8, 16});
    teardown(h);
  }
}
GST_END_TEST;

static Suite* zarrsink_suite(void) {
  Suite* s = suite_create("zarrsink");
  TCase* tc = tcase_create("element");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_states);
  tcase_add_test(tc, test_gray8_stride_padded);
  tcase_add_test(tc, test_gray16_be);
  tcase_add_test(tc, test_rgb_family);
  tcase_add_test(tc, test_caps_change_refused);
  tcase_add_test(tc, test_identical_caps_accepted);
  tcase_add_test(tc, test_eos_means_on_disk);
  tcase_add_test(tc, test_stop_without_eos_keeps_frames);
  tcase_add_test(tc, test_progress_and_stats);
  tcase_add_test(tc, test_tile_larger_than_frame_clamped);
  tcase_add_test(tc, test_error_no_location);
  tcase_add_test(tc, test_error_bad_metadata);
  tcase_add_test(tc, test_error_chunk_depth_unknown);
  tcase_add_test(tc, test_error_existing_data_without_overwrite);
  tcase_add_test(tc, test_error_overwrite_refuses_non_zarr);
  tcase_add_test(tc, test_error_parent_is_a_file);
  tcase_add_test(tc, test_overwrite_replaces_a_zarr_dataset);
  return s;
}

GST_CHECK_MAIN(zarrsink);
