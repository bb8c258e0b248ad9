// The buffer of one row along the append axis: every chunk of the row
// stored contiguously, chunk after chunk (ChunkGrid's order), in the on-disk
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

  // Copies one plane of a frame (already checked against the grid) into
  // plane `plane` of the tiles of plane chunk `plane_chunk`; `swap_bytes`
  // reverses each sample's bytes (a big-endian source).
  void copy_plane(std::size_t plane_chunk, std::uint64_t plane, const PlaneView& source, bool swap_bytes);
  // Zeroes that plane: the padding of a last, partial row in a buffer that
  // held an earlier row.
  void clear_plane(std::size_t plane_chunk, std::uint64_t plane);

  // The first `planes` planes of chunk `index` of this row.
  std::span<const std::byte> chunk(std::size_t index, std::uint64_t planes) const;

  std::size_t bytes() const { return bytes_; }

  // Faults the memory in (see LargeBuffer::populate); safe while filling.
  void populate() const { data_.populate(); }

  // Which row the buffer holds and how many frames are in it.
  std::uint64_t row = 0;
  std::uint64_t frames = 0;

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
