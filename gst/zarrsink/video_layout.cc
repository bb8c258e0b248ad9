#include "gst/zarrsink/video_layout.hh"

std::optional<VideoLayout> video_layout_from_info(const GstVideoInfo& info) {
  VideoLayout layout;
  layout.width = GST_VIDEO_INFO_WIDTH(&info);
  layout.height = GST_VIDEO_INFO_HEIGHT(&info);
  // GStreamer numbers the components of RGB-family formats R, G, B, A
  // whatever their byte order in memory, and does not count padding (x).
  layout.channels = GST_VIDEO_INFO_N_COMPONENTS(&info);
  switch (GST_VIDEO_INFO_FORMAT(&info)) {
    case GST_VIDEO_FORMAT_GRAY8: layout.data_type = zarr::DataType::uint8; return layout;
    case GST_VIDEO_FORMAT_GRAY16_LE: layout.data_type = zarr::DataType::uint16; return layout;
    case GST_VIDEO_FORMAT_GRAY16_BE:
      layout.data_type = zarr::DataType::uint16;
      layout.big_endian = true;
      return layout;
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGR:
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_xRGB:
    case GST_VIDEO_FORMAT_xBGR:
    case GST_VIDEO_FORMAT_ARGB:
    case GST_VIDEO_FORMAT_ABGR: layout.data_type = zarr::DataType::uint8; return layout;
    default: return std::nullopt;
  }
}

bool same_array_shape(const GstVideoInfo& a, const GstVideoInfo& b) {
  return GST_VIDEO_INFO_FORMAT(&a) == GST_VIDEO_INFO_FORMAT(&b) &&
         GST_VIDEO_INFO_WIDTH(&a) == GST_VIDEO_INFO_WIDTH(&b) && GST_VIDEO_INFO_HEIGHT(&a) == GST_VIDEO_INFO_HEIGHT(&b);
}

FrameChannels::FrameChannels(const GstVideoFrame& frame, const VideoLayout& layout)
    : count_(layout.channels), swap_bytes_(layout.big_endian) {
  // The COMP_ macros take a non-const frame but only read it.
  auto* f = const_cast<GstVideoFrame*>(&frame);
  for (std::uint32_t c = 0; c < count_; ++c) {
    planes_[c].data = reinterpret_cast<const std::byte*>(GST_VIDEO_FRAME_COMP_DATA(f, c));
    planes_[c].row_stride = GST_VIDEO_FRAME_COMP_STRIDE(f, c);
    planes_[c].pixel_stride = GST_VIDEO_FRAME_COMP_PSTRIDE(f, c);
  }
}

zarr::FrameView FrameChannels::view() const {
  return zarr::FrameView{std::span<const zarr::PlaneView>(planes_.data(), count_), swap_bytes_};
}

bool frame_within_buffer(const GstVideoFrame& frame) {
  // Every accepted format is packed into one plane.
  const GstVideoInfo& info = frame.info;
  const guint64 row_bytes = guint64(GST_VIDEO_INFO_COMP_WIDTH(&info, 0)) * GST_VIDEO_INFO_COMP_PSTRIDE(&info, 0);
  const gint stride = GST_VIDEO_INFO_PLANE_STRIDE(&info, 0);
  const guint64 rows = GST_VIDEO_INFO_COMP_HEIGHT(&info, 0);
  const guint64 step = stride < 0 ? guint64(-gint64(stride)) : guint64(stride);
  if (step < row_bytes || rows == 0) return false;
  // Where row 0 starts within the memory mapped for it.
  const guint64 start = guint64(static_cast<const guint8*>(frame.data[0]) - frame.map[0].data);
  if (stride >= 0) return start + (rows - 1) * step + row_bytes <= frame.map[0].size;
  // A bottom-up image: row 0 is the last in memory, each next row |stride| bytes before it.
  return (rows - 1) * step <= start && start + row_bytes <= frame.map[0].size;
}
