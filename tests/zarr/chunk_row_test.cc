#include "zarr/chunk_row.hh"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace zarr {
namespace {

// Frame `frame`'s sample of channel c at (y, x): every sample different.
std::uint16_t value(int frame, std::uint32_t c, std::uint32_t y, std::uint32_t x) {
  return std::uint16_t((frame + 1) * 1000 + c * 100 + y * 10 + x);
}

std::uint16_t little_endian_u16(std::span<const std::byte> bytes, std::size_t at) {
  return std::uint16_t(std::uint16_t(bytes[at]) | std::uint16_t(bytes[at + 1]) << 8);
}

// 2 plane chunks (here: one per channel) of 5 x 7 in chunks of 2 planes x
// 3 x 4: 2 x 2 tiles per plane chunk, ragged at the bottom (5 = 3 + 2) and
// the right (7 = 4 + 3).
const ChunkGrid grid(2, 5, 7, {2, 3, 4});

// Channel c of the frame into plane `plane` of plane chunk c.
void copy_frame(ChunkRow& row, std::uint32_t plane, const FrameView& frame) {
  for (std::size_t c = 0; c < frame.channels.size(); ++c) row.copy_plane(c, plane, frame.channels[c], frame.swap_bytes);
}

// Checks every sample of every chunk: plane p holds frame frames[p] where
// the frame is, 0 elsewhere (padding, or a plane not filled: frames[p] < 0).
void expect_row_holds(const ChunkRow& row, const std::vector<int>& frames) {
  const ChunkShape& shape = grid.chunk();
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t cy = 0; cy < 2; ++cy)
      for (std::uint32_t cx = 0; cx < 2; ++cx) {
        const std::span<const std::byte> chunk = row.chunk(grid.index({c, cy, cx}), 2);
        ASSERT_EQ(chunk.size(), 2u * 3 * 4 * 2);
        for (std::uint32_t p = 0; p < 2; ++p)
          for (std::uint32_t r = 0; r < shape.height; ++r)
            for (std::uint32_t q = 0; q < shape.width; ++q) {
              const std::uint32_t y = cy * shape.height + r, x = cx * shape.width + q;
              const bool inside = y < 5 && x < 7 && frames[p] >= 0;
              const std::uint16_t expected = inside ? value(frames[p], c, y, x) : 0;
              ASSERT_EQ(little_endian_u16(chunk, ((p * shape.height + r) * shape.width + q) * 2), expected)
                  << "chunk (" << c << "," << cy << "," << cx << ") plane " << p << " y " << y << " x " << x;
            }
      }
}

TEST(ChunkRow, InterleavedBigEndianFrameWithRowPaddingLandsInOnDiskOrder) {
  ChunkRow row(grid, 2);
  EXPECT_EQ(row.bytes(), 8u * 2 * 3 * 4 * 2);
  // Channels interleaved (pixel stride 4), big-endian, rows 36 bytes apart
  // (28 bytes of samples, 8 of padding that must not be read as samples).
  const std::ptrdiff_t row_stride = 36;
  std::vector<std::byte> memory(5 * row_stride, std::byte{0xEE});
  for (std::uint32_t y = 0; y < 5; ++y)
    for (std::uint32_t x = 0; x < 7; ++x)
      for (std::uint32_t c = 0; c < 2; ++c) {
        const std::uint16_t v = value(1, c, y, x);
        std::byte* sample = memory.data() + y * row_stride + x * 4 + c * 2;
        sample[0] = std::byte(v >> 8);
        sample[1] = std::byte(v & 0xFF);
      }
  const PlaneView planes[] = {{memory.data(), row_stride, 4}, {memory.data() + 2, row_stride, 4}};
  copy_frame(row, 1, FrameView{planes, true});
  expect_row_holds(row, {-1, 1});
}

TEST(ChunkRow, PlanarFrameStoredBottomUpWithNegativeRowStride) {
  ChunkRow row(grid, 2);
  // Native little-endian planes, last row first in memory.
  std::vector<std::vector<std::byte>> memory(2, std::vector<std::byte>(5 * 7 * 2));
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t y = 0; y < 5; ++y)
      for (std::uint32_t x = 0; x < 7; ++x) {
        const std::uint16_t v = value(0, c, y, x);
        std::byte* sample = memory[c].data() + ((4 - y) * 7 + x) * 2;
        sample[0] = std::byte(v & 0xFF);
        sample[1] = std::byte(v >> 8);
      }
  const PlaneView planes[] = {{memory[0].data() + 4 * 14, -14, 2}, {memory[1].data() + 4 * 14, -14, 2}};
  copy_frame(row, 0, FrameView{planes, false});
  expect_row_holds(row, {0, -1});
}

TEST(ChunkRow, FourByteSamplesAreReversedWhenSwapped) {
  const ChunkGrid one_tile(1, 1, 3, {1, 1, 4});
  ChunkRow row(one_tile, 4);
  const std::vector<std::uint8_t> big_endian = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const PlaneView plane{reinterpret_cast<const std::byte*>(big_endian.data()), 12, 4};
  copy_frame(row, 0, FrameView{std::span(&plane, 1), true});
  const std::span<const std::byte> chunk = row.chunk(0, 1);
  const std::vector<std::uint8_t> expected = {4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 0, 0, 0, 0};
  ASSERT_EQ(chunk.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(std::uint8_t(chunk[i]), expected[i]) << "byte " << i;
}

TEST(ChunkRow, ClearPlaneZeroesOnlyThatPlaneOfEveryTile) {
  const ChunkGrid bytes_grid(1, 2, 3, {3, 2, 2});  // two tiles, the second half outside the frame
  ChunkRow row(bytes_grid, 1);
  for (std::uint32_t p = 0; p < 3; ++p) {
    const std::vector<std::byte> frame(6, std::byte(0xA0 + p));
    const PlaneView plane{frame.data(), 3, 1};
    copy_frame(row, p, FrameView{std::span(&plane, 1)});
  }
  row.clear_plane(0, 1);
  row.clear_plane(0, 2);
  for (std::size_t chunk = 0; chunk < 2; ++chunk) {
    const std::span<const std::byte> bytes = row.chunk(chunk, 3);
    ASSERT_EQ(bytes.size(), 12u);
    for (std::size_t i = 0; i < 12; ++i) {
      const bool plane0 = i < 4, in_frame = chunk == 0 || i % 2 == 0;
      EXPECT_EQ(std::uint8_t(bytes[i]), plane0 && in_frame ? 0xA0 : 0) << "chunk " << chunk << " byte " << i;
    }
  }
}

}  // namespace
}  // namespace zarr
