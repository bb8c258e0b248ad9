// Settings a user can get wrong fail with an error that says what to fix.
#include <gst/check/gstcheck.h>

#include <string>

namespace {

// Runs `description` to PLAYING and returns the text of the first error
// (empty when it reached EOS instead).
std::string run_for_error(const char* description, GstStateChangeReturn* change) {
  GstElement* pipeline = gst_parse_launch(description, nullptr);
  fail_unless(pipeline != nullptr);
  *change = gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message =
      gst_bus_timed_pop_filtered(bus, 30 * GST_SECOND, GstMessageType(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
  fail_unless(message != nullptr, "neither error nor EOS from %s", description);
  std::string text;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* error = nullptr;
    gst_message_parse_error(message, &error, nullptr);
    text = error->message;
    g_error_free(error);
  }
  gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return text;
}

}  // namespace

GST_START_TEST(test_unknown_camera) {
  GstStateChangeReturn change;
  const std::string text = run_for_error("acqsrc camera=\"simulated: spiral\" ! fakesink", &change);
  fail_unless_equals_int(change, GST_STATE_CHANGE_FAILURE);
  for (const char* expected :
       {"\"simulated: spiral\"", "\"simulated:radial-sin\"", "\"simulated:uniform-random\"", "\"simulated:empty\""})
    fail_unless(text.find(expected) != std::string::npos, "'%s' not in error '%s'", expected, text.c_str());
}
GST_END_TEST;

GST_START_TEST(test_exposure_longer_than_fixed_period) {
  GstStateChangeReturn change;
  const std::string text = run_for_error(
      "acqsrc is-live=false num-buffers=3 exposure-time-us=20000 ! video/x-raw,framerate=100/1,width=8,height=8 ! "
      "fakesink",
      &change);
  fail_unless(text.find("exposure-time-us=20000") != std::string::npos, "error was '%s'", text.c_str());
  fail_unless(text.find("100/1") != std::string::npos, "error was '%s'", text.c_str());
}
GST_END_TEST;

GST_START_TEST(test_exposure_equal_to_fixed_period) {
  GstStateChangeReturn change;
  const std::string text = run_for_error(
      "acqsrc is-live=false num-buffers=3 exposure-time-us=10000 ! video/x-raw,framerate=100/1,width=8,height=8 ! "
      "fakesink",
      &change);
  fail_unless(text.empty(), "unexpected error '%s'", text.c_str());
}
GST_END_TEST;

static Suite* acqsrc_errors_suite() {
  Suite* s = suite_create("acqsrc_errors");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_unknown_camera);
  tcase_add_test(tc, test_exposure_longer_than_fixed_period);
  tcase_add_test(tc, test_exposure_equal_to_fixed_period);
  return s;
}

GST_CHECK_MAIN(acqsrc_errors);
