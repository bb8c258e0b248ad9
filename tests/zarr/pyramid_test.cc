#include "zarr/pyramid.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

Settings frame(std::uint32_t width, std::uint32_t height, std::uint32_t tile_width, std::uint32_t tile_height) {
  Settings s;
  s.location = "/tmp/x.zarr";
  s.width = width;
  s.height = height;
  s.tile_width = tile_width;
  s.tile_height = tile_height;
  s.tile_planes = 8;
  s.multiscale = true;
  return s;
}

std::vector<Level> levels_of(const Settings& s) { return pyramid_levels(s, validate(s).chunk); }

TEST(Pyramid, HalvesUntilALevelFitsInOneTile) {
  const std::vector<Level> levels = levels_of(frame(1920, 1080, 256, 256));
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_EQ(levels[1].width, 960u);
  EXPECT_EQ(levels[1].height, 540u);
  EXPECT_EQ(levels[3].width, 240u);
  EXPECT_EQ(levels[3].height, 135u);
  // The tile is clamped to the level; the plane count is level 0's.
  EXPECT_EQ(levels[3].chunk, (ChunkShape{8, 135, 240}));
  EXPECT_EQ(levels[1].chunk, (ChunkShape{8, 256, 256}));
}

TEST(Pyramid, OddSizesRoundUp) {
  const std::vector<Level> levels = levels_of(frame(1001, 7, 100, 2));
  ASSERT_EQ(levels.size(), 5u);  // 1001x7, 501x4, 251x2, 126x1, 63x1
  EXPECT_EQ(levels[1].width, 501u);
  EXPECT_EQ(levels[1].height, 4u);
  EXPECT_EQ(levels[4].width, 63u);
  EXPECT_EQ(levels[4].height, 1u);
}

TEST(Pyramid, WholeFrameTilesOrMultiscaleOffGiveOneLevel) {
  EXPECT_EQ(levels_of(frame(640, 480, 0, 0)).size(), 1u);
  Settings off = frame(1920, 1080, 256, 256);
  off.multiscale = false;
  EXPECT_EQ(levels_of(off).size(), 1u);
}

}  // namespace
}  // namespace zarr
