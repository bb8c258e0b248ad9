// The chunk lattice of one row buffer (zarr/frame_placement.hh): its plane
// chunks (the chunks along the axes above y and x, numbered by
// FramePlacement), each cut into tiles along y and x; how much of each tile
// lies inside the frame.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zarr {

// A chunk's extent: planes (along the axes above y and x), then y and x.
struct ChunkShape {
  std::uint64_t planes = 0;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  bool operator==(const ChunkShape&) const = default;
};

// Position of one chunk within a row buffer.
struct ChunkPosition {
  std::size_t plane_chunk = 0;
  std::uint32_t y = 0;  // chunk index along y
  std::uint32_t x = 0;  // chunk index along x
  bool operator==(const ChunkPosition&) const = default;
};

class ChunkGrid {
 public:
  ChunkGrid(std::size_t plane_chunks, std::uint32_t height, std::uint32_t width, ChunkShape chunk);

  const ChunkShape& chunk() const { return chunk_; }
  std::size_t plane_chunks() const { return plane_chunks_; }
  std::uint32_t height() const { return height_; }
  std::uint32_t width() const { return width_; }

  std::uint32_t chunks_along_y() const { return chunks_y_; }
  std::uint32_t chunks_along_x() const { return chunks_x_; }
  std::size_t chunks_per_row() const { return plane_chunks_ * chunks_y_ * chunks_x_; }
  std::size_t samples_per_chunk() const { return std::size_t(chunk_.planes) * chunk_.height * chunk_.width; }
  std::size_t samples_per_plane_of_chunk() const { return std::size_t(chunk_.height) * chunk_.width; }

  // Chunks of a row are numbered in C order of (plane chunk, y, x).
  std::size_t index(ChunkPosition position) const {
    return (position.plane_chunk * chunks_y_ + position.y) * chunks_x_ + position.x;
  }
  ChunkPosition position(std::size_t index) const;

  // Rows and columns of a chunk that hold frame data; the rest is padding
  // (ragged right and bottom edges).
  std::uint32_t valid_height(std::uint32_t chunk_y) const;
  std::uint32_t valid_width(std::uint32_t chunk_x) const;

 private:
  std::size_t plane_chunks_;
  std::uint32_t height_, width_;
  ChunkShape chunk_;
  std::uint32_t chunks_y_, chunks_x_;
};

}  // namespace zarr
