// Every camera through NULL -> READY -> PAUSED -> PLAYING and back, several
// times, live and not (as gst-plugins-good's generic/states test does).
#include <gst/check/gstcheck.h>

#include <initializer_list>

namespace {

const char* const camera_names[] = {"simulated: radial sin", "simulated: uniform random", "simulated: empty"};
const GstState states_up[] = {GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING};
const GstState down[] = {GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL};

void set_and_wait(GstElement* pipeline, GstState state) {
  const GstStateChangeReturn ret = gst_element_set_state(pipeline, state);
  fail_if(ret == GST_STATE_CHANGE_FAILURE, "change to %s failed", gst_element_state_get_name(state));
  fail_if(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND) == GST_STATE_CHANGE_FAILURE);
}

}  // namespace

GST_START_TEST(test_state_cycles) {
  for (const char* camera : camera_names) {
    for (const char* live : {"true", "false"}) {
      gchar* description = g_strdup_printf(
          "acqsrc camera=\"%s\" is-live=%s exposure-time-us=1000 ! video/x-raw,width=320,height=240 ! fakesink", camera,
          live);
      GstElement* pipeline = gst_parse_launch(description, nullptr);
      fail_unless(pipeline != nullptr, "%s", description);
      for (int round = 0; round < 3; ++round) {
        for (GstState state : states_up) set_and_wait(pipeline, state);
        g_usleep(20 * 1000);  // let a few frames through
        for (GstState state : down) set_and_wait(pipeline, state);
      }
      GstBus* bus = gst_element_get_bus(pipeline);
      GstMessage* error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
      fail_unless(error == nullptr, "%s posted an error", description);
      gst_object_unref(bus);
      gst_object_unref(pipeline);
      g_free(description);
    }
  }
}
GST_END_TEST;

static Suite* acqsrc_states_suite() {
  Suite* s = suite_create("acqsrc_states");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_state_cycles);
  return s;
}

GST_CHECK_MAIN(acqsrc_states);
