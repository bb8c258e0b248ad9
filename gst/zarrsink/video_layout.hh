// How negotiated video caps map onto a Zarr array (data type, channels,
// byte order) and how one mapped GstVideoFrame becomes a zarr::FrameView.
#pragma once

#include <gst/video/video.h>

#include <array>
#include <cstdint>
#include <optional>

#include "zarr/frame.hh"
#include "zarr/settings.hh"

// The formats zarrsink accepts, as a caps string for its pad template.
#define ZARR_SINK_VIDEO_FORMATS \
  "{ GRAY8, GRAY16_LE, GRAY16_BE, RGB, BGR, RGBA, BGRA, RGBx, BGRx, xRGB, xBGR, ARGB, ABGR }"

struct VideoLayout {
  zarr::DataType data_type = zarr::DataType::uint8;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 1;  // colour components; padding bytes are not channels
  bool big_endian = false;
};

// The array layout for these caps, or nothing when the format is not one we record.
std::optional<VideoLayout> video_layout_from_info(const GstVideoInfo& info);

// True when two caps would produce the same array (format and size; the
// framerate may differ).
bool same_array_shape(const GstVideoInfo& a, const GstVideoInfo& b);

// True when every row the mapped frame describes (its GstVideoMeta may set
// offsets and strides, negative for a bottom-up image) lies inside the memory
// mapped for it, so reading it stays in bounds.
bool frame_within_buffer(const GstVideoFrame& frame);

// Channel views into a mapped frame, in R, G, B(, A) order for colour formats.
class FrameChannels {
 public:
  explicit FrameChannels(const GstVideoFrame& frame, const VideoLayout& layout);
  zarr::FrameView view() const;

 private:
  std::array<zarr::PlaneView, 4> planes_{};
  std::uint32_t count_ = 0;
  bool swap_bytes_ = false;
};
