// The z step of a pyramid level (Settings::downsample_z): the level above's
// frames come in acquisition order, and planes z = 2i and 2i + 1 of the same
// stack become this level's plane i (an odd last plane stays as it is).
// Between the two planes of a pair come the frames of the dimensions after z
// (other channels, say): each waits in its own slot, so the memory is one
// frame per such position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "zarr/frame.hh"
#include "zarr/image_axes.hh"
#include "zarr/settings.hh"

namespace zarr {

class ZPairs {
 public:
  // `above`: the axes of the level whose frames come in (their y and x
  // already halved to `width` x `height`); `z`: its z axis.
  ZPairs(const ImageAxes& above, std::size_t z, std::uint32_t width, std::uint32_t height, DataType type,
         DownsampleMethod method);
  ZPairs(const ZPairs&) = delete;  // the views point into its own frames
  ZPairs& operator=(const ZPairs&) = delete;

  // Frame `frame` of the level above (its number in that level's sequence):
  // the frame this level gets from it, or nullptr while it waits for its
  // pair (or, decimating, when it is an odd plane). The view is valid until
  // the next call, and may be `planes` itself (a plane passed through), so
  // `planes` must outlive its use.
  const FrameView* add(std::uint64_t frame, const FrameView& planes);

 private:
  struct Frame {
    std::vector<std::vector<std::byte>> memory;  // one per colour
    std::vector<PlaneView> views;
    FrameView view;
  };
  void copy_into(Frame& target, const FrameView& planes);

  const DataType type_;
  const DownsampleMethod method_;
  const std::uint32_t width_, height_;
  const std::size_t sample_size_;
  std::uint64_t frames_per_step_ = 1;
  std::uint64_t z_size_ = 1;
  std::uint64_t after_z_ = 1;  // frames between two z planes of a stack
  std::vector<Frame> waiting_;  // [position among those frames]: the even plane of a pair
  Frame out_;
};

}  // namespace zarr
