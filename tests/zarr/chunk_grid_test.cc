#include "zarr/chunk_grid.hh"
#include "zarr/settings.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

Settings frame(std::uint32_t width, std::uint32_t height, DataType type = DataType::uint8) {
  Settings s;
  s.width = width;
  s.height = height;
  s.data_type = type;
  return s;
}

TEST(DeriveChunkShape, ZeroOrOversizedTileIsTheWholeExtent) {
  Settings s = frame(1920, 1080);
  s.tile_planes = 4;
  EXPECT_EQ(derive_chunk_shape(s), (ChunkShape{4, 1080, 1920}));
  s.tile_width = 4000;
  s.tile_height = 1081;
  EXPECT_EQ(derive_chunk_shape(s), (ChunkShape{4, 1080, 1920}));
  s.tile_width = 1920;
  s.tile_height = 1;
  EXPECT_EQ(derive_chunk_shape(s), (ChunkShape{4, 1, 1920}));
}

TEST(DeriveChunkShape, PlanesFromMaxBytesAsAcquireDoes) {
  Settings s = frame(1920, 1080);
  s.tile_width = 960;
  s.tile_height = 540;
  s.max_bytes_per_chunk = 32ull << 20;
  EXPECT_EQ(derive_chunk_shape(s).planes, 64u);  // floor(33554432 / 518400)
  s.data_type = DataType::uint16;
  EXPECT_EQ(derive_chunk_shape(s).planes, 32u);
  s.max_bytes_per_chunk = 1;  // less than one tile still gives one plane
  EXPECT_EQ(derive_chunk_shape(s).planes, 1u);
  s.tile_planes = 7;  // an explicit plane count wins
  EXPECT_EQ(derive_chunk_shape(s).planes, 7u);
}

TEST(ChunkGrid, RaggedEdges) {
  const ChunkGrid grid(2, 1080, 1920, ChunkShape{3, 256, 256});
  EXPECT_EQ(grid.chunks_along_x(), 8u);
  EXPECT_EQ(grid.chunks_along_y(), 5u);
  EXPECT_EQ(grid.chunks_per_row(), 2u * 8 * 5);
  EXPECT_EQ(grid.samples_per_chunk(), 3u * 256 * 256);
  EXPECT_EQ(grid.valid_width(0), 256u);
  EXPECT_EQ(grid.valid_width(7), 1920u - 7 * 256);   // 128
  EXPECT_EQ(grid.valid_height(4), 1080u - 4 * 256);  // 56
  EXPECT_EQ(grid.valid_height(3), 256u);
}

TEST(ChunkGrid, ExactFitHasNoPadding) {
  const ChunkGrid grid(1, 1080, 1920, ChunkShape{64, 540, 960});
  EXPECT_EQ(grid.chunks_per_row(), 4u);
  EXPECT_EQ(grid.valid_width(1), 960u);
  EXPECT_EQ(grid.valid_height(1), 540u);
}

TEST(ChunkGrid, IndexAndPositionAreInverse) {
  const ChunkGrid grid(3, 100, 70, ChunkShape{1, 30, 20});  // 4 x 4 chunks per channel
  for (std::size_t i = 0; i < grid.chunks_per_row(); ++i) EXPECT_EQ(grid.index(grid.position(i)), i);
  EXPECT_EQ(grid.position(0), (ChunkPosition{0, 0, 0}));
  EXPECT_EQ(grid.position(5), (ChunkPosition{0, 1, 1}));
  EXPECT_EQ(grid.position(16 + 3), (ChunkPosition{1, 0, 3}));
}

TEST(ChunkGrid, FramesMapToRowsAndPlanes) {
  const ChunkGrid grid(1, 1, 1, ChunkShape{4, 1, 1});
  EXPECT_EQ(grid.row_of_frame(0), 0u);
  EXPECT_EQ(grid.row_of_frame(3), 0u);
  EXPECT_EQ(grid.row_of_frame(4), 1u);
  EXPECT_EQ(grid.plane_of_frame(6), 2u);
}

}  // namespace
}  // namespace zarr
