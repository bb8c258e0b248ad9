/* Records the chunking tutorial from C: ten 1920x1080 radial-sine frames at
 * 50 ms, into a Zarr dataset with 960x540 tiles and chunks of at most 32 MiB.
 *
 *   build/examples/chunked chunked.zarr
 */
#include <gst/gst.h>

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  const char* location = argc > 1 ? argv[1] : "chunked.zarr";

  GstElement* pipeline = gst_pipeline_new("chunked");
  GstElement* camera = gst_element_factory_make("acqsrc", NULL);
  GstElement* caps = gst_element_factory_make("capsfilter", NULL);
  GstElement* sink = gst_element_factory_make("zarrsink", NULL);
  if (!camera || !caps || !sink) {
    g_printerr("acqsrc or zarrsink not found: set GST_PLUGIN_PATH_1_0 to the build's gst/ folder\n");
    return 1;
  }

  g_object_set(camera, "camera", "simulated: radial sin", "exposure-time-us", 50000.0, "num-buffers", 10, NULL);
  GstCaps* frame_caps = gst_caps_from_string("video/x-raw,format=GRAY8,width=1920,height=1080");
  g_object_set(caps, "caps", frame_caps, NULL);
  gst_caps_unref(frame_caps);
  g_object_set(sink, "location", location, "tile-width", 1920u / 2, "tile-height", 1080u / 2, "max-bytes-per-chunk",
               (guint64)32 << 20, NULL);

  gst_bin_add_many(GST_BIN(pipeline), camera, caps, sink, NULL);
  if (!gst_element_link_many(camera, caps, sink, NULL)) {
    g_printerr("cannot link acqsrc ! capsfilter ! zarrsink\n");
    return 1;
  }

  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  /* EOS arrives once zarrsink has written every frame and the metadata. */
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state(pipeline, GST_STATE_NULL);

  int status = 0;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* error = NULL;
    gchar* debug = NULL;
    gst_message_parse_error(message, &error, &debug);
    g_printerr("recording failed: %s\n%s\n", error->message, debug ? debug : "");
    g_error_free(error);
    g_free(debug);
    status = 1;
  } else {
    g_print("recorded into %s\n", location);
  }
  gst_message_unref(message);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  return status;
}
