// "simulated: empty": zeros, shared between buffers so a frame costs nothing,
// and safe against a downstream element writing into it.
#include "tests/gst/acqsrc/acqsrc_harness.hh"

GST_START_TEST(test_zeros_shared_and_read_only) {
  for (const char* format : {"GRAY8", "GRAY16_LE"}) {
    gchar* caps = g_strdup_printf("video/x-raw,format=%s,width=1921,height=1081", format);
    GstHarness* h = acqsrc_harness(caps);
    g_object_set(h->element, "camera", "simulated: empty", "is-live", FALSE, nullptr);
    gst_harness_play(h);
    GstBuffer* first = gst_harness_pull(h);
    GstBuffer* second = gst_harness_pull(h);
    const GstVideoInfo info = negotiated_info(h);

    GstVideoFrame frame;
    fail_unless(gst_video_frame_map(&frame, &info, second, GST_MAP_READ));
    guint64 nonzero = 0;
    for (int y = 0; y < 1081; ++y)
      for (int x = 0; x < 1921; ++x) nonzero += sample_at(frame, x, y) != 0;
    gst_video_frame_unmap(&frame);
    fail_unless(nonzero == 0, "%s: %" G_GUINT64_FORMAT " pixels not zero", format, nonzero);
    fail_unless_equals_uint64(GST_BUFFER_OFFSET(second), 1);

    // No per-frame work: both buffers hold the same memory.
    fail_unless(gst_buffer_peek_memory(first, 0) == gst_buffer_peek_memory(second, 0));
    // A writer gets its own copy; the shared zeros stay zeros.
    GstBuffer* writable = gst_buffer_make_writable(gst_buffer_ref(first));
    GstMapInfo map;
    fail_unless(gst_buffer_map(writable, &map, GST_MAP_WRITE));
    map.data[0] = 0xff;
    gst_buffer_unmap(writable, &map);
    fail_unless(gst_buffer_map(second, &map, GST_MAP_READ));
    fail_unless_equals_int(map.data[0], 0);
    gst_buffer_unmap(second, &map);

    gst_buffer_unref(writable);
    gst_buffer_unref(first);
    gst_buffer_unref(second);
    gst_harness_teardown(h);
    g_free(caps);
  }
}
GST_END_TEST;

static Suite* acqsrc_empty_suite() {
  Suite* s = suite_create("acqsrc_empty");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_zeros_shared_and_read_only);
  return s;
}

GST_CHECK_MAIN(acqsrc_empty);
