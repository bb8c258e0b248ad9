// Helpers shared by the acqsrc tests: a harness around one acqsrc whose
// output is pulled by the test, and the negotiated video info.
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <cstring>
#include <initializer_list>

// An acqsrc whose src pad feeds the harness, with downstream caps `caps`.
// Properties are set by the caller before gst_harness_play().
inline GstHarness* acqsrc_harness(const char* caps) {
  GstHarness* h = gst_harness_new_with_padnames("acqsrc", nullptr, "src");
  gst_harness_set_sink_caps_str(h, caps);
  return h;
}

inline GstVideoInfo negotiated_info(GstHarness* h) {
  GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(caps != nullptr, "no caps negotiated");
  GstVideoInfo info;
  fail_unless(gst_video_info_from_caps(&info, caps));
  gst_caps_unref(caps);
  return info;
}

// Sample (x, y) of a mapped GRAY8 or GRAY16_LE frame.
inline unsigned sample_at(const GstVideoFrame& frame, int x, int y) {
  const guint8* row = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                      static_cast<gsize>(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
  if (GST_VIDEO_FRAME_FORMAT(&frame) == GST_VIDEO_FORMAT_GRAY8) return row[x];
  return GST_READ_UINT16_LE(row + 2 * x);
}

// True when the visible pixels (not the row padding) of two frames are equal.
inline bool same_pixels(const GstVideoInfo& info, GstBuffer* a, GstBuffer* b) {
  GstVideoFrame fa, fb;
  fail_unless(gst_video_frame_map(&fa, &info, a, GST_MAP_READ));
  fail_unless(gst_video_frame_map(&fb, &info, b, GST_MAP_READ));
  const gsize row_bytes = GST_VIDEO_INFO_WIDTH(&info) * GST_VIDEO_INFO_COMP_PSTRIDE(&info, 0);
  bool same = true;
  for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(&info) && same; ++y) {
    same = memcmp(static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&fa, 0)) + y * GST_VIDEO_FRAME_PLANE_STRIDE(&fa, 0),
                  static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&fb, 0)) + y * GST_VIDEO_FRAME_PLANE_STRIDE(&fb, 0),
                  row_bytes) == 0;
  }
  gst_video_frame_unmap(&fa);
  gst_video_frame_unmap(&fb);
  return same;
}
