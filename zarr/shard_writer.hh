// Assembles the Zarr v3 shards of one row buffer. A row buffer holds one
// shard row: chunks_per_shard.t inner t-chunks of every tile, each tile's
// planes contiguous, so every inner chunk is a contiguous slice of the
// buffer and is encoded in place. A shard is its stored inner chunks back to
// back, then its index (see ShardIndex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/codec_chain.hh"
#include "zarr/large_buffer.hh"

namespace zarr {

// Inner chunks per shard along t, y and x.
struct ShardShape {
  std::uint32_t t = 1, y = 1, x = 1;
  std::size_t inner_chunks() const { return std::size_t(t) * y * x; }
};

// Where a shard sits in its row: channel, and shard index along y and x.
struct ShardPosition {
  std::uint32_t c = 0, y = 0, x = 0;
  bool operator==(const ShardPosition&) const = default;
};

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
  // `row_grid` is the lattice of a row buffer: shard-row planes (inner
  // planes × shape.t) by the inner chunk's height and width. `codecs`
  // encode each inner chunk (or store it as is). Both must outlive the writer.
  ShardWriter(const ChunkGrid& row_grid, std::uint32_t inner_planes, ShardShape shape, std::size_t sample_size,
              const CodecChain& codecs);

  std::size_t shards_per_row() const { return std::size_t(row_grid_.channels()) * shards_y_ * shards_x_; }
  // Shards of a row are numbered in C order of (c, y, x).
  ShardPosition position(std::size_t shard) const;

  // Shard number `shard` of `row` whose inner chunks hold
  // `inner_planes_stored` planes each (fewer than the inner chunk's for a
  // recording shorter than one). Leaves out inner chunks outside the array
  // (ragged edges, inner t-chunks past row.frames) and those all 0 (the fill
  // value). Encodes into `scratch`, grown as needed. Throws the codec's errors.
  Shard assemble(const ChunkRow& row, std::size_t shard, std::uint32_t inner_planes_stored, LargeBuffer& scratch) const;

 private:
  const ChunkGrid& row_grid_;
  const std::uint32_t inner_planes_;
  const ShardShape shape_;
  const std::size_t sample_size_;
  const CodecChain& codecs_;
  const std::uint32_t shards_y_, shards_x_;
};

}  // namespace zarr
