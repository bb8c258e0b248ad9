// The buffers of one t-chunk row: every chunk of planes [row*planes,
// (row+1)*planes) stored contiguously, chunk after chunk, in the on-disk
// sample order, so a finished chunk is compressed and written in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "zarr/chunk_grid.hh"
#include "zarr/frame.hh"
#include "zarr/large_buffer.hh"

namespace zarr {

class ChunkRow {
 public:
  // Allocates zeroed memory for chunks_per_row full chunks. Padding outside
  // the frame is never written, so it stays at the fill value 0 for reuse.
  ChunkRow(const ChunkGrid& grid, std::size_t sample_size);

  // Copies one frame (already checked against the grid) into `plane`.
  void copy_frame(std::uint32_t plane, const FrameView& frame);
  // Zeroes planes [first_plane, planes) of every chunk: the padding of a
  // last, partial row in a buffer that held an earlier row.
  void clear_planes_from(std::uint32_t first_plane);

  // The first `planes` planes of chunk `index` of this row.
  std::span<const std::byte> chunk(std::size_t index, std::uint32_t planes) const;

  std::size_t bytes() const { return bytes_; }

  // Faults the memory in (see LargeBuffer::populate); safe while filling.
  void populate() const { data_.populate(); }

  // Which t-chunk the buffer holds and how many frames are in it.
  std::uint64_t row = 0;
  std::uint32_t frames = 0;

 private:
  std::byte* chunk_begin(std::size_t index) const { return data_.data() + index * chunk_bytes_; }

  const ChunkGrid& grid_;
  std::size_t sample_size_;
  std::size_t plane_bytes_;  // one plane of one chunk
  std::size_t chunk_bytes_;
  std::size_t bytes_;
  LargeBuffer data_;
};

}  // namespace zarr
