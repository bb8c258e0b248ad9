#include "zarr/chunk_row.hh"

#include <algorithm>
#include <cstring>

namespace zarr {

namespace {

// Copies `count` samples of N bytes from a source `pixel_stride` bytes
// apart, reversing the bytes of each when the source is big-endian.
template <std::size_t N>
void copy_samples(std::byte* dst, const std::byte* src, std::size_t count, std::ptrdiff_t pixel_stride,
                  bool swap_bytes) {
  if (!swap_bytes && pixel_stride == std::ptrdiff_t(N)) {
    std::memcpy(dst, src, count * N);
    return;
  }
  for (std::size_t i = 0; i < count; ++i, dst += N, src += pixel_stride) {
    if (swap_bytes) {
      for (std::size_t b = 0; b < N; ++b) dst[b] = src[N - 1 - b];
    } else {
      std::memcpy(dst, src, N);
    }
  }
}

using CopySamples = void (*)(std::byte*, const std::byte*, std::size_t, std::ptrdiff_t, bool);

CopySamples copier_for(std::size_t sample_size) {
  switch (sample_size) {
    case 1: return copy_samples<1>;
    case 2: return copy_samples<2>;
    default: return copy_samples<4>;
  }
}

}  // namespace

ChunkRow::ChunkRow(const ChunkGrid& grid, std::size_t sample_size)
    : grid_(grid),
      sample_size_(sample_size),
      plane_bytes_(grid.samples_per_plane_of_chunk() * sample_size),
      chunk_bytes_(grid.samples_per_chunk() * sample_size),
      bytes_(chunk_bytes_ * grid.chunks_per_row()),
      data_(bytes_) {}

void ChunkRow::copy_plane(std::size_t plane_chunk, std::uint64_t plane, const PlaneView& source, bool swap_bytes) {
  const CopySamples copy = copier_for(sample_size_);
  const bool swap = swap_bytes && sample_size_ > 1;
  const ChunkShape& shape = grid_.chunk();
  for (std::uint32_t y = 0; y < grid_.height(); ++y) {
    const std::uint32_t chunk_y = y / shape.height;
    const std::size_t row_in_chunk = y - chunk_y * shape.height;
    const std::byte* source_row = source.data + std::ptrdiff_t(y) * source.row_stride;
    for (std::uint32_t chunk_x = 0; chunk_x < grid_.chunks_along_x(); ++chunk_x) {
      std::byte* destination = chunk_begin(grid_.index({plane_chunk, chunk_y, chunk_x})) + plane * plane_bytes_ +
                               row_in_chunk * shape.width * sample_size_;
      const std::byte* from = source_row + std::ptrdiff_t(chunk_x) * shape.width * source.pixel_stride;
      copy(destination, from, grid_.valid_width(chunk_x), source.pixel_stride, swap);
    }
  }
}

void ChunkRow::clear_plane(std::size_t plane_chunk, std::uint64_t plane) {
  for (std::uint32_t chunk_y = 0; chunk_y < grid_.chunks_along_y(); ++chunk_y)
    for (std::uint32_t chunk_x = 0; chunk_x < grid_.chunks_along_x(); ++chunk_x)
      std::memset(chunk_begin(grid_.index({plane_chunk, chunk_y, chunk_x})) + plane * plane_bytes_, 0, plane_bytes_);
}

std::span<const std::byte> ChunkRow::chunk(std::size_t index, std::uint64_t planes) const {
  return {chunk_begin(index), std::size_t(planes) * plane_bytes_};
}

}  // namespace zarr
