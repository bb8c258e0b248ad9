#include "zarr/chunk_grid.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

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
  const ChunkGrid grid(3, 100, 70, ChunkShape{1, 30, 20});  // 4 x 4 chunks per plane chunk
  for (std::size_t i = 0; i < grid.chunks_per_row(); ++i) EXPECT_EQ(grid.index(grid.position(i)), i);
  EXPECT_EQ(grid.position(0), (ChunkPosition{0, 0, 0}));
  EXPECT_EQ(grid.position(5), (ChunkPosition{0, 1, 1}));
  EXPECT_EQ(grid.position(16 + 3), (ChunkPosition{1, 0, 3}));
}

}  // namespace
}  // namespace zarr
