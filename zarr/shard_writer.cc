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

ShardWriter::ShardWriter(const ChunkGrid& row_grid, const ImageAxes& axes, const CodecChain& codecs)
    : row_grid_(row_grid),
      codecs_(codecs),
      sample_size_(axes.sample_size),
      append_(axes.append),
      frames_per_inner_chunk_(axes.axes[axes.append].chunk * axes.frames_per_step()) {
  counts_ = axes.plane_chunk_counts();
  counts_.push_back(row_grid.chunks_along_y());
  counts_.push_back(row_grid.chunks_along_x());
  for (std::size_t j = 0; j < counts_.size(); ++j) {
    shape_.push_back(axes.axes[j].shard);
    shards_.push_back(ceil_div(counts_[j], shape_[j]));
    shards_per_row_ *= shards_[j];
    inner_chunks_ *= shape_[j];
  }
}

std::vector<std::uint64_t> ShardWriter::shard_indices(std::uint64_t row, std::size_t shard) const {
  std::vector<std::uint64_t> indices(counts_.size());
  for (std::size_t j = counts_.size(); j-- > 0;) {
    indices[j] = shard % shards_[j];
    shard /= shards_[j];
  }
  indices[append_] = row;
  return indices;
}

Shard ShardWriter::assemble(const ChunkRow& row, std::size_t shard, std::uint64_t planes_stored,
                            LargeBuffer& scratch) const {
  const std::vector<std::uint64_t> at = shard_indices(0, shard);
  const std::size_t plane_bytes = row_grid_.samples_per_plane_of_chunk() * sample_size_;
  const std::size_t inner_bytes = std::size_t(planes_stored) * plane_bytes;
  if (!codecs_.stores_as_is()) scratch.grow_to(inner_chunks_ * codecs_.max_encoded_size(inner_bytes));
  std::size_t scratch_used = 0;

  Shard out;
  ShardIndex index(inner_chunks_);
  std::uint64_t offset = 0;
  std::vector<std::uint32_t> local(counts_.size(), 0);  // the inner chunk's position within the shard
  for (std::size_t inner = 0; inner < inner_chunks_; ++inner) {
    for (std::size_t j = counts_.size(), rest = inner; j-- > 0;) {
      local[j] = std::uint32_t(rest % shape_[j]);
      rest /= shape_[j];
    }
    // Its position in the row buffer's lattice; outside the array: left out.
    bool inside = std::uint64_t(local[append_]) * frames_per_inner_chunk_ < row.frames;
    std::size_t buffer_chunk = 0;
    for (std::size_t j = 0; j < counts_.size() && inside; ++j) {
      const std::uint64_t global = at[j] * shape_[j] + local[j];
      inside = global < counts_[j];
      buffer_chunk = buffer_chunk * counts_[j] + global;
    }
    if (!inside) continue;
    const std::span<const std::byte> raw = row.chunk(buffer_chunk, planes_stored);
    if (all_zero(raw)) continue;  // reads as the fill value 0
    std::span<const std::byte> stored = raw;
    if (!codecs_.stores_as_is()) {
      std::span<std::byte> encoded{scratch.data() + scratch_used, codecs_.max_encoded_size(inner_bytes)};
      stored = encoded.first(codecs_.encode(raw, encoded));
      scratch_used += stored.size();
    }
    index.set(inner, offset, stored.size());
    out.chunks.push_back(stored);
    offset += stored.size();
  }
  if (!out.empty()) out.index = index.encode();
  return out;
}

}  // namespace zarr
