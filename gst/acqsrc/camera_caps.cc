#include "gst/acqsrc/camera_caps.hh"

namespace acqsrc {

GstVideoFormat video_format(PixelFormat format) {
  return format == PixelFormat::Gray8 ? GST_VIDEO_FORMAT_GRAY8 : GST_VIDEO_FORMAT_GRAY16_LE;
}

namespace {

// The camera's frame-rate range as a caps fraction range; open when the
// camera has none. Rounded inwards so that every rate in the caps is one the
// camera accepts.
void set_frame_rate_range(GstStructure* s, const CameraCapabilities& capabilities) {
  int min_n = 0, min_d = 1, max_n = G_MAXINT, max_d = 1;
  if (capabilities.max_frame_rate > 0) {
    gst_util_double_to_fraction(capabilities.min_frame_rate, &min_n, &min_d);
    gst_util_double_to_fraction(capabilities.max_frame_rate, &max_n, &max_d);
    if (gst_util_fraction_compare(min_n, min_d, max_n, max_d) > 0) {
      min_n = max_n;
      min_d = max_d;
    }
  }
  if (min_n == max_n && min_d == max_d)
    gst_structure_set(s, "framerate", GST_TYPE_FRACTION, min_n, min_d, nullptr);
  else
    gst_structure_set(s, "framerate", GST_TYPE_FRACTION_RANGE, min_n, min_d, max_n, max_d, nullptr);
}

void set_int_range(GstStructure* s, const char* field, int min, int max) {
  if (min == max)
    gst_structure_set(s, field, G_TYPE_INT, min, nullptr);
  else
    gst_structure_set(s, field, GST_TYPE_INT_RANGE, min, max, nullptr);
}

}  // namespace

GstCaps* caps_for(const CameraCapabilities& capabilities) {
  GValue formats = G_VALUE_INIT;
  gst_value_list_init(&formats, capabilities.formats.size());
  for (PixelFormat format : capabilities.formats) {
    GValue name = G_VALUE_INIT;
    g_value_init(&name, G_TYPE_STRING);
    g_value_set_static_string(&name, gst_video_format_to_string(video_format(format)));
    gst_value_list_append_and_take_value(&formats, &name);
  }
  GstCaps* caps = gst_caps_new_empty_simple("video/x-raw");
  GstStructure* s = gst_caps_get_structure(caps, 0);
  gst_structure_take_value(s, "format", &formats);
  set_int_range(s, "width", capabilities.min_width, capabilities.max_width);
  set_int_range(s, "height", capabilities.min_height, capabilities.max_height);
  set_frame_rate_range(s, capabilities);
  return caps;
}

}  // namespace acqsrc
