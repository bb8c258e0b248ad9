// A borrowed view of one frame in the caller's memory layout.
#pragma once

#include <cstddef>
#include <span>

namespace zarr {

// One channel of a frame: sample (x, y) is at data + y * row_stride + x * pixel_stride.
// pixel_stride equals the sample size for planar data and is larger for
// interleaved data (e.g. 3 or 4 for packed RGB).
struct PlaneView {
  const std::byte* data = nullptr;
  std::ptrdiff_t row_stride = 0;
  std::ptrdiff_t pixel_stride = 0;
};

// One PlaneView per channel, in channel order. Samples are in the array's
// data type, little-endian unless swap_bytes says they are big-endian.
struct FrameView {
  std::span<const PlaneView> channels;
  bool swap_bytes = false;
};

}  // namespace zarr
