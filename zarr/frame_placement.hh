// Where each frame goes in the array: the acquisition sequence (frame n is
// at the indices its position in the dimensions gives, the last dimension
// fastest, the frame's own channels fastest of all) mapped onto a row
// buffer's chunks, and each buffer chunk back to its chunk of the array.
//
// A row buffer holds one row along the append axis (steps_per_row() steps,
// frames_per_row() frames). Its chunks are numbered in C order of their
// chunk indices along the plane axes (along the append axis: within the
// row), then y, then x; a chunk holds planes_per_chunk() planes in C order
// of their offsets along the plane axes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "zarr/image_axes.hh"

namespace zarr {

class FramePlacement {
 public:
  explicit FramePlacement(const ImageAxes& axes);

  struct Spot {
    std::size_t plane_chunk = 0;  // C-order index of the chunk along the plane axes
    std::uint64_t plane = 0;      // plane within that chunk
    bool operator==(const Spot&) const = default;
  };
  // Where colour plane `colour` of frame `frame_in_row` of a row goes.
  Spot place(std::uint64_t frame_in_row, std::uint32_t colour) const;

  // The chunk indices along every plane axis of the array (storage order)
  // of plane chunk `plane_chunk` of row `row`.
  std::vector<std::uint64_t> chunk_indices(std::uint64_t row, std::size_t plane_chunk) const;

  std::size_t plane_chunks_per_row() const { return plane_chunks_; }
  std::uint64_t planes_per_chunk() const { return planes_per_chunk_; }
  std::uint64_t frames_per_row() const { return frames_per_row_; }

 private:
  const ImageAxes axes_;
  std::vector<std::uint32_t> counts_;        // chunks of a row along each plane axis
  std::vector<std::size_t> chunk_stride_;    // C-order strides over counts_
  std::vector<std::uint64_t> plane_stride_;  // C-order strides over the plane axes' chunks
  std::size_t plane_chunks_ = 1;
  std::uint64_t planes_per_chunk_ = 1;
  std::uint64_t frames_per_step_ = 1;
  std::uint64_t frames_per_row_ = 1;
};

}  // namespace zarr
