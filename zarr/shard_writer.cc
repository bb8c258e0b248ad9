#include "zarr/shard_writer.hh"

#include <cstring>

#include "zarr/shard_index.hh"

namespace zarr {

namespace {

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

bool all_zero(std::span<const std::byte> bytes) {
  // memcmp against itself shifted by one byte: libc's vectorised compare.
  return bytes.empty() ||
         (bytes[0] == std::byte{0} && std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0);
}

}  // namespace

std::vector<std::span<const std::byte>> Shard::parts() const {
  std::vector<std::span<const std::byte>> all = chunks;
  all.push_back(index);
  return all;
}

std::uint64_t Shard::bytes() const {
  std::uint64_t total = index.size();
  for (const auto& chunk : chunks) total += chunk.size();
  return total;
}

ShardWriter::ShardWriter(const ChunkGrid& row_grid, std::uint32_t inner_planes, ShardShape shape,
                         std::size_t sample_size, const CodecChain& codecs)
    : row_grid_(row_grid),
      inner_planes_(inner_planes),
      shape_(shape),
      sample_size_(sample_size),
      codecs_(codecs),
      shards_y_(ceil_div(row_grid.chunks_along_y(), shape.y)),
      shards_x_(ceil_div(row_grid.chunks_along_x(), shape.x)) {}

ShardPosition ShardWriter::position(std::size_t shard) const {
  return {std::uint32_t(shard / shards_x_ / shards_y_), std::uint32_t(shard / shards_x_ % shards_y_),
          std::uint32_t(shard % shards_x_)};
}

Shard ShardWriter::assemble(const ChunkRow& row, std::size_t shard, std::uint32_t inner_planes_stored,
                            LargeBuffer& scratch) const {
  const ShardPosition at = position(shard);
  const std::size_t plane_bytes = row_grid_.samples_per_plane_of_chunk() * sample_size_;
  const std::size_t inner_bytes = std::size_t(inner_planes_stored) * plane_bytes;
  if (!codecs_.stores_as_is()) scratch.grow_to(shape_.inner_chunks() * codecs_.max_encoded_size(inner_bytes));
  std::size_t scratch_used = 0;

  Shard out;
  ShardIndex index(shape_.inner_chunks());
  std::uint64_t offset = 0;
  for (std::uint32_t t = 0; t < shape_.t; ++t) {
    // Inner t-chunks past the frames of a last, partial row lie outside the array.
    if (std::uint64_t(t) * inner_planes_ >= row.frames) break;
    for (std::uint32_t y = 0; y < shape_.y; ++y) {
      const std::uint32_t chunk_y = at.y * shape_.y + y;
      if (chunk_y >= row_grid_.chunks_along_y()) break;  // ragged bottom: outside the array
      for (std::uint32_t x = 0; x < shape_.x; ++x) {
        const std::uint32_t chunk_x = at.x * shape_.x + x;
        if (chunk_x >= row_grid_.chunks_along_x()) break;  // ragged right edge
        const std::span<const std::byte> raw =
            row.chunk(row_grid_.index({at.c, chunk_y, chunk_x}), row_grid_.chunk().planes)
                .subspan(std::size_t(t) * inner_planes_ * plane_bytes, inner_bytes);
        if (all_zero(raw)) continue;  // reads as the fill value 0
        std::span<const std::byte> stored = raw;
        if (!codecs_.stores_as_is()) {
          std::span<std::byte> encoded{scratch.data() + scratch_used, codecs_.max_encoded_size(inner_bytes)};
          stored = encoded.first(codecs_.encode(raw, encoded));
          scratch_used += stored.size();
        }
        index.set((std::size_t(t) * shape_.y + y) * shape_.x + x, offset, stored.size());
        out.chunks.push_back(stored);
        offset += stored.size();
      }
    }
  }
  if (!out.empty()) out.index = index.encode();
  return out;
}

}  // namespace zarr
