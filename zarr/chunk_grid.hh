// The chunk lattice of a (t, c, y, x) array: how many chunks a t-chunk row
// holds, where each one sits and how much of it lies inside the frame.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zarr {

// Chunk extent along (t, y, x); along c a chunk is always one channel.
struct ChunkShape {
  std::uint32_t planes = 0;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  bool operator==(const ChunkShape&) const = default;
};

// Position of one chunk within a t-chunk row.
struct ChunkPosition {
  std::uint32_t c = 0;
  std::uint32_t y = 0;  // chunk index along y
  std::uint32_t x = 0;  // chunk index along x
  bool operator==(const ChunkPosition&) const = default;
};

class ChunkGrid {
 public:
  ChunkGrid(std::uint32_t channels, std::uint32_t height, std::uint32_t width, ChunkShape chunk);

  const ChunkShape& chunk() const { return chunk_; }
  std::uint32_t channels() const { return channels_; }
  std::uint32_t height() const { return height_; }
  std::uint32_t width() const { return width_; }

  std::uint32_t chunks_along_y() const { return chunks_y_; }
  std::uint32_t chunks_along_x() const { return chunks_x_; }
  std::size_t chunks_per_row() const { return std::size_t(channels_) * chunks_y_ * chunks_x_; }
  std::size_t samples_per_chunk() const { return std::size_t(chunk_.planes) * chunk_.height * chunk_.width; }
  std::size_t samples_per_plane_of_chunk() const { return std::size_t(chunk_.height) * chunk_.width; }

  // Chunks of a row are numbered in C order of (c, y, x).
  std::size_t index(ChunkPosition position) const {
    return (std::size_t(position.c) * chunks_y_ + position.y) * chunks_x_ + position.x;
  }
  ChunkPosition position(std::size_t index) const;

  // Rows and columns of a chunk that hold frame data; the rest is padding
  // (ragged right and bottom edges).
  std::uint32_t valid_height(std::uint32_t chunk_y) const;
  std::uint32_t valid_width(std::uint32_t chunk_x) const;

  // The t-chunk holding frame number `frame`, and the plane within it.
  std::uint64_t row_of_frame(std::uint64_t frame) const { return frame / chunk_.planes; }
  std::uint32_t plane_of_frame(std::uint64_t frame) const { return std::uint32_t(frame % chunk_.planes); }

 private:
  std::uint32_t channels_, height_, width_;
  ChunkShape chunk_;
  std::uint32_t chunks_y_, chunks_x_;
};

}  // namespace zarr
