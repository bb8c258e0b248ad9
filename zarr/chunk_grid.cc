#include "zarr/chunk_grid.hh"

#include <algorithm>

namespace zarr {

namespace {

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

}  // namespace

ChunkGrid::ChunkGrid(std::size_t plane_chunks, std::uint32_t height, std::uint32_t width, ChunkShape chunk)
    : plane_chunks_(plane_chunks),
      height_(height),
      width_(width),
      chunk_(chunk),
      chunks_y_(ceil_div(height, chunk.height)),
      chunks_x_(ceil_div(width, chunk.width)) {}

ChunkPosition ChunkGrid::position(std::size_t index) const {
  ChunkPosition position;
  position.x = std::uint32_t(index % chunks_x_);
  index /= chunks_x_;
  position.y = std::uint32_t(index % chunks_y_);
  position.plane_chunk = index / chunks_y_;
  return position;
}

std::uint32_t ChunkGrid::valid_height(std::uint32_t chunk_y) const {
  return std::min(chunk_.height, height_ - chunk_y * chunk_.height);
}

std::uint32_t ChunkGrid::valid_width(std::uint32_t chunk_x) const {
  return std::min(chunk_.width, width_ - chunk_x * chunk_.width);
}

}  // namespace zarr
