// Assembles the Zarr v3 shards of one row buffer. A row buffer holds one
// shard row along the append axis (the axis's shard count of inner chunks
// along it), every inner chunk contiguous, so each is encoded in place. A
// shard is its stored inner chunks back to back, then its index (see
// ShardIndex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/codec_chain.hh"
#include "zarr/image_axes.hh"
#include "zarr/large_buffer.hh"

namespace zarr {

// One shard ready to store. Its chunks view the row buffer (stored as they
// are) or the scratch buffer given to assemble(): both must outlive it.
struct Shard {
  std::vector<std::span<const std::byte>> chunks;  // the stored inner chunks, in C order of their positions
  std::vector<std::byte> index;                    // ShardIndex::encode()

  // Nothing but fill values: not written, a missing shard reads the same.
  bool empty() const { return chunks.empty(); }
  // What the store puts under the shard's key: the chunks, then the index.
  std::vector<std::span<const std::byte>> parts() const;
  std::uint64_t bytes() const;
};

class ShardWriter {
 public:
  // `row_grid` is the lattice of a row buffer, laid out as FramePlacement
  // says for `axes`; `codecs` encode each inner chunk (or store it as is).
  // Both must outlive the writer.
  ShardWriter(const ChunkGrid& row_grid, const ImageAxes& axes, const CodecChain& codecs);

  std::size_t shards_per_row() const { return shards_per_row_; }
  // The shard's indices along every axis of the array (storage order; along
  // the append axis, the row): its key.
  std::vector<std::uint64_t> shard_indices(std::uint64_t row, std::size_t shard) const;

  // Shard number `shard` of `row`, whose inner chunks hold `planes_stored`
  // planes each (fewer than a chunk's for a recording shorter than one).
  // Leaves out inner chunks outside the array (ragged edges, inner chunks
  // along the append axis past row.frames) and those all 0 (the fill value).
  // Encodes into `scratch`, grown as needed. Throws the codec's errors.
  Shard assemble(const ChunkRow& row, std::size_t shard, std::uint64_t planes_stored, LargeBuffer& scratch) const;

 private:
  const ChunkGrid& row_grid_;
  const CodecChain& codecs_;
  const std::size_t sample_size_;
  const std::size_t append_;
  const std::uint64_t frames_per_inner_chunk_;  // along the append axis
  std::vector<std::uint32_t> counts_;           // inner chunks of a row along each axis
  std::vector<std::uint32_t> shape_;            // inner chunks per shard along each axis
  std::vector<std::uint32_t> shards_;           // shards of a row along each axis
  std::size_t shards_per_row_ = 1;
  std::size_t inner_chunks_ = 1;
};

}  // namespace zarr
