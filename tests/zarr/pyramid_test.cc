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

std::vector<ImageAxes> levels_of(const Settings& s) { return pyramid_levels(s, validate(s).axes); }

TEST(Pyramid, HalvesUntilALevelFitsInOneTile) {
  const std::vector<ImageAxes> levels = levels_of(frame(1920, 1080, 256, 256));
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_EQ(levels[1].x().size, 960u);
  EXPECT_EQ(levels[1].y().size, 540u);
  EXPECT_EQ(levels[3].x().size, 240u);
  EXPECT_EQ(levels[3].y().size, 135u);
  // The tile is clamped to the level; the chunks along t and c are level 0's.
  EXPECT_EQ(levels[3].chunks(), (std::vector<std::uint64_t>{8, 1, 135, 240}));
  EXPECT_EQ(levels[1].chunks(), (std::vector<std::uint64_t>{8, 1, 256, 256}));
  // Scales: the actual size ratio.
  EXPECT_DOUBLE_EQ(levels[3].y().scale, 1080.0 / 135);
  EXPECT_DOUBLE_EQ(levels[3].x().scale, 8.0);
}

TEST(Pyramid, OddSizesRoundUp) {
  const std::vector<ImageAxes> levels = levels_of(frame(1001, 7, 100, 2));
  ASSERT_EQ(levels.size(), 5u);  // 1001x7, 501x4, 251x2, 126x1, 63x1
  EXPECT_EQ(levels[1].x().size, 501u);
  EXPECT_EQ(levels[1].y().size, 4u);
  EXPECT_EQ(levels[4].x().size, 63u);
  EXPECT_EQ(levels[4].y().size, 1u);
}

TEST(Pyramid, WholeFrameTilesOrMultiscaleOffGiveOneLevel) {
  EXPECT_EQ(levels_of(frame(640, 480, 0, 0)).size(), 1u);
  Settings off = frame(1920, 1080, 256, 256);
  off.multiscale = false;
  EXPECT_EQ(levels_of(off).size(), 1u);
}

TEST(Pyramid, ZIsHalvedOnlyWhenAskedAndNotWhenAppended) {
  Settings s = frame(64, 64, 16, 16);
  s.dimensions = "t,z:space:5:2";
  std::vector<ImageAxes> levels = levels_of(s);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[2].shape(0), (std::vector<std::uint64_t>{0, 5, 16, 16}));
  s.downsample_z = true;
  s.pixel_size_z_um = 2.0;
  levels = levels_of(s);
  EXPECT_EQ(levels[1].shape(0), (std::vector<std::uint64_t>{0, 3, 32, 32}));
  EXPECT_EQ(levels[2].shape(0), (std::vector<std::uint64_t>{0, 2, 16, 16}));
  EXPECT_EQ(levels[2].chunks(), (std::vector<std::uint64_t>{8, 2, 16, 16}));
  EXPECT_EQ(levels[2].frames_per_step(), 2u);
  EXPECT_DOUBLE_EQ(levels[2].axes[1].scale, 2.0 * 5 / 2);
  s.dimensions = "z:space,t:time:3";  // z appended: it grows, so it is never halved
  levels = levels_of(s);
  EXPECT_EQ(levels[2].shape(0), (std::vector<std::uint64_t>{3, 0, 16, 16}));
}

}  // namespace
}  // namespace zarr
