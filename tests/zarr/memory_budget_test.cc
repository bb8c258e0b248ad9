#include "zarr/memory_budget.hh"

#include <gtest/gtest.h>

#include "zarr/error.hh"
#include "zarr/pyramid.hh"

namespace zarr {
namespace {

Settings frames_1080p(std::uint32_t tile_width, std::uint32_t tile_height) {
  Settings settings;
  settings.width = 1920;
  settings.height = 1080;
  settings.tile_width = tile_width;
  settings.tile_height = tile_height;
  return settings;
}

// The chunk rule's extent along the append dimension (frames, by default).
std::uint32_t append_chunk(const Settings& settings) {
  const ImageAxes axes = image_axes(settings);
  return axes.axes[axes.append].chunk;
}

TEST(MemoryBudgetTest, TheSeedsChunksKeepTheirDepth) {
  Settings seed = frames_1080p(960, 540);
  seed.max_bytes_per_chunk = 32 << 20;
  EXPECT_EQ(append_chunk(seed), 64u);
  EXPECT_EQ(append_chunk(frames_1080p(960, 540)), 129u);  // the default 64 MiB
}

TEST(MemoryBudgetTest, SmallTilesNoLongerMakeRowsOfGigabytes) {
  for (std::uint32_t tile : {256u, 64u, 16u}) {
    const Settings settings = frames_1080p(tile, tile);
    const std::vector<ImageAxes> levels = pyramid_levels(settings, image_axes(settings));
    EXPECT_LE(recording_memory(settings, levels), default_recording_memory) << tile;
    EXPECT_GT(recording_memory(settings, levels), default_recording_memory / 2) << tile;
  }
  // 256x256 tiles pad 1920x1080 to 2048x1280: 2 rows of 204 planes.
  EXPECT_EQ(append_chunk(frames_1080p(256, 256)), 204u);
}

TEST(MemoryBudgetTest, TheCapCountsShardsPyramidAndRowsInFlight) {
  Settings settings = frames_1080p(256, 256);
  settings.zarr_version = 3;
  settings.chunks_per_shard_t = 4;
  settings.multiscale = true;
  settings.rows_in_flight = 3;
  EXPECT_LE(recording_memory(settings, pyramid_levels(settings, image_axes(settings))), default_recording_memory);
}

TEST(MemoryBudgetTest, AnExplicitTilePlanesIsNotCappedButChecked) {
  Settings settings = frames_1080p(960, 540);
  settings.tile_planes = 1000;
  EXPECT_EQ(append_chunk(settings), 1000u);
  const std::vector<ImageAxes> levels = pyramid_levels(settings, image_axes(settings));
  EXPECT_EQ(recording_memory(settings, levels), 2ull * 1000 * 1920 * 1080);
  EXPECT_NO_THROW(check_recording_memory(settings, levels, std::nullopt));  // unknown: not refused
  EXPECT_NO_THROW(check_recording_memory(settings, levels, 5ull << 30));
  try {
    check_recording_memory(settings, levels, 1ull << 30);
    FAIL() << "not refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::insufficient_memory);
    const std::string message = error.what();
    EXPECT_NE(message.find("tile-planes"), std::string::npos) << message;
    EXPECT_NE(message.find("3956 MiB"), std::string::npos) << message;
    EXPECT_NE(message.find("1024 MiB"), std::string::npos) << message;
  }
}

TEST(MemoryBudgetTest, ThisProcessHasSomeMemoryAvailable) {
  const std::optional<std::uint64_t> available = memory_available();
  ASSERT_TRUE(available.has_value());
  EXPECT_GT(*available, 16ull << 20);
}

}  // namespace
}  // namespace zarr
