#include "zarr/shard_writer.hh"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "zarr/codec_registry.hh"
#include "zarr/crc32c.hh"
#include "zarr/frame_placement.hh"
#include "zarr/settings.hh"
#include "zarr/shard_index.hh"

namespace zarr {
namespace {

// 2 channels of 4 x 6 samples (uint8), inner chunks of 2 planes x 1
// channel x 2 x 2, shards of 2 x 1 x 2 x 2 inner chunks: a row buffer of 4
// frames, 2 x 2 x 3 inner chunks per channel, 2 shards per channel whose
// second is half outside the array (inner chunk column 3 does not exist).
constexpr std::uint32_t inner_planes = 2;
struct ShardShape {
  std::uint32_t t, y, x;
  std::size_t inner_chunks() const { return std::size_t(t) * y * x; }
};
constexpr ShardShape shape{2, 2, 2};
// Where a shard is: its indices along c, y and x.
struct ShardPosition {
  std::uint64_t c, y, x;
};
const CodecChain as_is;  // inner chunks stored as they are

ImageAxes axes_of(std::uint32_t shard_t) {
  Settings s;
  s.width = 6;
  s.height = 4;
  s.channels = 2;
  s.tile_width = s.tile_height = 2;
  s.tile_planes = inner_planes;
  s.zarr_version = 3;
  s.chunks_per_shard_t = shard_t;
  s.chunks_per_shard_y = s.chunks_per_shard_x = 2;
  return image_axes(s);
}
const ImageAxes axes = axes_of(shape.t);
const FramePlacement placement(axes);
const ChunkGrid row_grid(placement.plane_chunks_per_row(), 4, 6, {placement.planes_per_chunk(), 2, 2});

ShardPosition position(const ShardWriter& writer, std::size_t shard) {
  const std::vector<std::uint64_t> at = writer.shard_indices(0, shard);
  return {at[1], at[2], at[3]};
}

void copy_frame(ChunkRow& row, const FramePlacement& where, std::uint64_t frame, const FrameView& view) {
  for (std::uint32_t c = 0; c < view.channels.size(); ++c) {
    const FramePlacement::Spot spot = where.place(frame, c);
    row.copy_plane(spot.plane_chunk, spot.plane, view.channels[c], false);
  }
}

// Frame f's sample: never 0, except channel 0's tile (1, 1) in every frame
// and its tile (0, 0) in frames 2 and 3 (inner t-chunk 1): all-fill chunks.
std::uint8_t value(std::uint32_t f, std::uint32_t c, std::uint32_t y, std::uint32_t x) {
  if (c == 0 && y / 2 == 1 && x / 2 == 1) return 0;
  if (c == 0 && y / 2 == 0 && x / 2 == 0 && f >= 2) return 0;
  return std::uint8_t(1 + f * 40 + c * 20 + y * 5 + x);
}

void fill(ChunkRow& row, std::uint32_t frames) {
  for (std::uint32_t f = 0; f < frames; ++f) {
    std::vector<std::vector<std::byte>> planes(2, std::vector<std::byte>(24));
    std::vector<PlaneView> views;
    for (std::uint32_t c = 0; c < 2; ++c) {
      for (std::uint32_t y = 0; y < 4; ++y)
        for (std::uint32_t x = 0; x < 6; ++x) planes[c][y * 6 + x] = std::byte(value(f, c, y, x));
      views.push_back({planes[c].data(), 6, 1});
    }
    copy_frame(row, placement, f, FrameView{views});
  }
  row.frames = frames;
}

// The samples of an inner chunk as the array has them: planes of frames not
// recorded are 0.
std::vector<std::byte> expected_chunk(ShardPosition at, std::uint32_t t, std::uint32_t y, std::uint32_t x,
                                      std::uint32_t frames, std::uint32_t planes_stored) {
  std::vector<std::byte> chunk;
  for (std::uint32_t p = 0; p < planes_stored; ++p)
    for (std::uint32_t r = 0; r < 2; ++r)
      for (std::uint32_t q = 0; q < 2; ++q) {
        const std::uint32_t f = t * inner_planes + p;
        const std::uint32_t sample_y = (at.y * shape.y + y) * 2 + r, sample_x = (at.x * shape.x + x) * 2 + q;
        chunk.push_back(std::byte(f < frames ? value(f, at.c, sample_y, sample_x) : 0));
      }
  return chunk;
}

bool all_zero(const std::vector<std::byte>& bytes) {
  for (std::byte b : bytes)
    if (b != std::byte{0}) return false;
  return true;
}

std::uint64_t read_le(const std::vector<std::byte>& bytes, std::size_t at, int size) {
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) value = (value << 8) | std::uint64_t(bytes[at + i]);
  return value;
}

// Checks a shard against the samples, as an independent reader would:
// index entries, their checksum, and every stored chunk (decoded by `codec`).
void expect_shard(const Shard& shard, ShardPosition at, std::uint32_t frames, std::uint32_t planes_stored,
                  const CodecChain& codecs) {
  const std::size_t n = shape.inner_chunks();
  ASSERT_EQ(shard.index.size(), ShardIndex::encoded_size(n));
  EXPECT_EQ(read_le(shard.index, 16 * n, 4), crc32c({shard.index.data(), 16 * n})) << "index checksum";

  std::vector<std::byte> stored;  // the shard's bytes before its index
  for (const auto& chunk : shard.chunks) stored.insert(stored.end(), chunk.begin(), chunk.end());
  EXPECT_EQ(shard.bytes(), stored.size() + shard.index.size());
  const auto parts = shard.parts();
  ASSERT_EQ(parts.size(), shard.chunks.size() + 1);
  EXPECT_EQ(parts.back().data(), shard.index.data());

  std::uint64_t next_offset = 0;
  std::size_t present = 0;
  for (std::uint32_t t = 0; t < shape.t; ++t)
    for (std::uint32_t y = 0; y < shape.y; ++y)
      for (std::uint32_t x = 0; x < shape.x; ++x) {
        const std::size_t entry = (t * shape.y + y) * shape.x + x;
        const std::uint64_t offset = read_le(shard.index, 16 * entry, 8);
        const std::uint64_t nbytes = read_le(shard.index, 16 * entry + 8, 8);
        const bool inside = at.x * shape.x + x < 3 && t * inner_planes < frames;
        const std::vector<std::byte> expected = expected_chunk(at, t, y, x, frames, planes_stored);
        SCOPED_TRACE("inner chunk (" + std::to_string(t) + "," + std::to_string(y) + "," + std::to_string(x) + ")");
        if (!inside || all_zero(expected)) {
          EXPECT_EQ(offset, ShardIndex::absent);
          EXPECT_EQ(nbytes, ShardIndex::absent);
          continue;
        }
        ++present;
        EXPECT_EQ(offset, next_offset) << "chunks back to back, in order";
        next_offset = offset + nbytes;
        ASSERT_LE(offset + nbytes, stored.size());
        std::vector<std::byte> got(stored.begin() + offset, stored.begin() + offset + nbytes);
        if (!codecs.stores_as_is()) {
          std::vector<std::byte> decoded(expected.size());
          codecs.decode(got, decoded);
          got = decoded;
        }
        EXPECT_EQ(got, expected);
      }
  EXPECT_EQ(present, shard.chunks.size());
  EXPECT_EQ(next_offset, stored.size());
}

TEST(ShardWriter, ShardsOfARowInCOrder) {
  const ShardWriter writer(row_grid, axes, as_is);
  EXPECT_EQ(writer.shards_per_row(), 4u);
  EXPECT_EQ(writer.shard_indices(0, 0), (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(writer.shard_indices(0, 1), (std::vector<std::uint64_t>{0, 0, 0, 1}));
  EXPECT_EQ(writer.shard_indices(0, 2), (std::vector<std::uint64_t>{0, 1, 0, 0}));
  EXPECT_EQ(writer.shard_indices(7, 3), (std::vector<std::uint64_t>{7, 1, 0, 1}));
}

TEST(ShardWriter, IndexMatchesTheStoredChunksAndLeavesOutFillAndOutside) {
  ChunkRow row(row_grid, 1);
  fill(row, 4);
  const ShardWriter writer(row_grid, axes, as_is);
  LargeBuffer scratch;
  for (std::size_t s = 0; s < writer.shards_per_row(); ++s) {
    SCOPED_TRACE("shard " + std::to_string(s));
    const Shard shard = writer.assemble(row, s, inner_planes, scratch);
    expect_shard(shard, position(writer, s), 4, inner_planes, as_is);
  }
  // Channel 0's first shard: of its 8 inner chunks, tile (1, 1) is fill at
  // both t and tile (0, 0) at t = 1, so 5 are stored, uncompressed.
  const Shard first = writer.assemble(row, 0, inner_planes, scratch);
  EXPECT_EQ(first.chunks.size(), 5u);
  EXPECT_EQ(first.bytes(), 5u * 8 + 16 * 8 + 4);
  // Channel 1's second shard: only column 2 lies inside, at both t and y.
  EXPECT_EQ(writer.assemble(row, 3, inner_planes, scratch).chunks.size(), 4u);
}

TEST(ShardWriter, PartialRowLeavesOutInnerTChunksPastItsFrames) {
  const ShardWriter writer(row_grid, axes, as_is);
  LargeBuffer scratch;
  for (std::uint32_t frames : {1u, 2u, 3u}) {
    ChunkRow row(row_grid, 1);
    fill(row, frames);
    for (std::size_t s = 0; s < writer.shards_per_row(); ++s) {
      SCOPED_TRACE("frames " + std::to_string(frames) + " shard " + std::to_string(s));
      expect_shard(writer.assemble(row, s, inner_planes, scratch), position(writer, s), frames, inner_planes, as_is);
    }
  }
}

TEST(ShardWriter, ShardOfNothingButFillIsEmpty) {
  ChunkRow row(row_grid, 1);  // zeroed, never filled
  row.frames = 4;
  const ShardWriter writer(row_grid, axes, as_is);
  LargeBuffer scratch;
  for (std::size_t s = 0; s < writer.shards_per_row(); ++s) {
    const Shard shard = writer.assemble(row, s, inner_planes, scratch);
    EXPECT_TRUE(shard.empty());
    EXPECT_TRUE(shard.index.empty());
  }
}

TEST(ShardWriter, CompressedChunksDecodeToTheSamples) {
  const CodecChain codecs = make_codec_chain({"blosc-zstd", 5, Shuffle::byte}, DataType::uint8);
  ChunkRow row(row_grid, 1);
  fill(row, 4);
  const ShardWriter writer(row_grid, axes, codecs);
  LargeBuffer scratch;
  for (std::size_t s = 0; s < writer.shards_per_row(); ++s) {
    SCOPED_TRACE("shard " + std::to_string(s));
    expect_shard(writer.assemble(row, s, inner_planes, scratch), position(writer, s), 4, inner_planes, codecs);
  }
}

TEST(ShardWriter, ShortRecordingStoresOnlyThePlanesRecorded) {
  // One inner t-chunk per shard (as when chunks_per_shard_t is 1) holding 1
  // frame of 2 planes: stored chunks are 1 plane deep.
  const ImageAxes flat = axes_of(1);
  const FramePlacement flat_placement(flat);
  const ChunkGrid flat_grid(flat_placement.plane_chunks_per_row(), 4, 6, {flat_placement.planes_per_chunk(), 2, 2});
  ChunkRow row(flat_grid, 1);
  const std::vector<std::byte> plane(24, std::byte{7});
  const PlaneView views[] = {{plane.data(), 6, 1}, {plane.data(), 6, 1}};
  copy_frame(row, flat_placement, 0, FrameView{views});
  row.frames = 1;
  const ShardWriter writer(flat_grid, flat, as_is);
  LargeBuffer scratch;
  const Shard shard = writer.assemble(row, 0, 1, scratch);
  ASSERT_EQ(shard.chunks.size(), 4u);
  for (const auto& chunk : shard.chunks) {
    ASSERT_EQ(chunk.size(), 4u);
    for (std::byte b : chunk) EXPECT_EQ(b, std::byte{7});
  }
  EXPECT_EQ(read_le(shard.index, 8, 8), 4u);
  EXPECT_EQ(read_le(shard.index, 16 * 3, 8), 12u);
}

}  // namespace
}  // namespace zarr
