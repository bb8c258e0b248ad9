// Caps from camera capabilities, shared by the element (caps queries) and
// the device provider (the caps each device advertises).
#pragma once

#include "gst/acqsrc/camera.hh"

#include <gst/video/video.h>

namespace acqsrc {

GstVideoFormat video_format(PixelFormat format);

// video/x-raw with the camera's formats, size ranges and frame-rate range.
GstCaps* caps_for(const CameraCapabilities& capabilities);

}  // namespace acqsrc
