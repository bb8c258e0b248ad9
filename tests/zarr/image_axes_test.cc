#include "zarr/image_axes.hh"

#include <gtest/gtest.h>

#include "zarr/error.hh"
#include "zarr/settings.hh"

namespace zarr {
namespace {

Settings frame(std::uint32_t width, std::uint32_t height, const std::string& dimensions = default_dimensions) {
  Settings s;
  s.location = "/tmp/x.zarr";
  s.width = width;
  s.height = height;
  s.dimensions = dimensions;
  return s;
}

void expect_refused(const Settings& s, const std::string& setting, const std::string& fragment) {
  try {
    image_axes(s);
    ADD_FAILURE() << "accepted; expected an error about " << setting;
  } catch (const Error& e) {
    EXPECT_EQ(e.setting(), setting) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ImageAxes, TheDefaultIsTodaysTCYX) {
  const ImageAxes axes = image_axes(frame(1920, 1080));
  EXPECT_EQ(axes.names(), (std::vector<std::string>{"t", "c", "y", "x"}));
  EXPECT_EQ(axes.shape(10), (std::vector<std::uint64_t>{10, 1, 1080, 1920}));
  EXPECT_EQ(axes.append, 0u);
  EXPECT_EQ(axes.frames_per_step(), 1u);
}

TEST(ImageAxes, ZeroOrOversizedTileIsTheWholeExtent) {
  Settings s = frame(1920, 1080);
  s.tile_planes = 4;
  EXPECT_EQ(image_axes(s).chunks(), (std::vector<std::uint64_t>{4, 1, 1080, 1920}));
  s.tile_width = 4000;
  s.tile_height = 1081;
  EXPECT_EQ(image_axes(s).chunks(), (std::vector<std::uint64_t>{4, 1, 1080, 1920}));
  s.tile_width = 1920;
  s.tile_height = 1;
  EXPECT_EQ(image_axes(s).chunks(), (std::vector<std::uint64_t>{4, 1, 1, 1920}));
}

TEST(ImageAxes, PlanesFromMaxBytesAsAcquireDoes) {
  Settings s = frame(1920, 1080);
  s.tile_width = 960;
  s.tile_height = 540;
  s.max_bytes_per_chunk = 32ull << 20;
  EXPECT_EQ(image_axes(s).axes[0].chunk, 64u);  // floor(33554432 / 518400)
  s.data_type = DataType::uint16;
  EXPECT_EQ(image_axes(s).axes[0].chunk, 32u);
  s.max_bytes_per_chunk = 1;  // less than one tile still gives one plane
  EXPECT_EQ(image_axes(s).axes[0].chunk, 1u);
  s.tile_planes = 7;  // an explicit plane count wins
  EXPECT_EQ(image_axes(s).axes[0].chunk, 7u);
}

TEST(ImageAxes, StorageOrderIsOmeWhateverTheAcquisitionOrder) {
  const ImageAxes axes = image_axes(frame(64, 48, "z:space:5,c:channel:2,t:time:3"));
  EXPECT_EQ(axes.names(), (std::vector<std::string>{"t", "c", "z", "y", "x"}));
  EXPECT_EQ(axes.append, 2u);  // z grows
  EXPECT_EQ(axes.acquisition, (std::vector<std::size_t>{2, 1, 0}));
  EXPECT_EQ(axes.shape(4), (std::vector<std::uint64_t>{3, 2, 4, 48, 64}));
  EXPECT_EQ(axes.frames_per_step(), 6u);
}

TEST(ImageAxes, TheZChunkIsAsDeepAsMaxBytesAllowsThenTime) {
  Settings s = frame(100, 100, "t,c:channel:2,z:space:50");
  s.max_bytes_per_chunk = 10000 * 20;  // 20 planes of 100x100 uint8
  ImageAxes axes = image_axes(s);
  EXPECT_EQ(axes.chunks(), (std::vector<std::uint64_t>{1, 1, 20, 100, 100}));
  s.dimensions = "t,c:channel:2,z:space:5";  // z whole: 4 time points fill the rest
  axes = image_axes(s);
  EXPECT_EQ(axes.chunks(), (std::vector<std::uint64_t>{4, 1, 5, 100, 100}));
  s.dimensions = "t,c:channel:2:2,z:space:5:1";  // given chunks are kept
  axes = image_axes(s);
  EXPECT_EQ(axes.chunks(), (std::vector<std::uint64_t>{10, 2, 1, 100, 100}));
  EXPECT_EQ(axes.frames_per_row(), 10u * 10);
}

TEST(ImageAxes, AGivenAppendChunkCountsWhenSizingZ) {
  Settings s = frame(100, 100, "t:time::3,c:channel:2,z:space:50");
  s.max_bytes_per_chunk = 10000 * 24;  // 24 planes: 3 time points of 8 z planes
  EXPECT_EQ(image_axes(s).chunks(), (std::vector<std::uint64_t>{3, 1, 8, 100, 100}));
}

TEST(ImageAxes, TheRowsStayWithinTheDefaultMemory) {
  Settings s = frame(1024, 1024, "t,z:space:64:64");
  s.max_bytes_per_chunk = 1ull << 40;
  const ImageAxes axes = image_axes(s);
  EXPECT_EQ(axes.axes[1].chunk, 64u);
  // 64 MiB a time point, two rows: 8 time points make 1 GiB.
  EXPECT_EQ(axes.axes[0].chunk, 8u);
  EXPECT_EQ(axes.row_bytes(), 8ull * 64 << 20);
}

TEST(ImageAxes, ColourChannelsComeFastestAlongTheChannelAxis) {
  Settings s = frame(64, 48, "t,c:channel:2,z:space:5");
  s.channels = 3;
  ImageAxes axes = image_axes(s);
  EXPECT_EQ(axes.shape(1), (std::vector<std::uint64_t>{1, 6, 5, 48, 64}));
  EXPECT_EQ(axes.colour_axis, 1u);
  EXPECT_EQ(axes.frames_per_step(), 10u);
  s.dimensions = "t,z:space:5";  // no channel dimension: one is added for the colours
  axes = image_axes(s);
  EXPECT_EQ(axes.names(), (std::vector<std::string>{"t", "c", "z", "y", "x"}));
  EXPECT_EQ(axes.shape(1), (std::vector<std::uint64_t>{1, 3, 5, 48, 64}));
  EXPECT_EQ(axes.frames_per_step(), 5u);
  s.dimensions = "t,angle:other:4";
  expect_refused(s, "dimensions", "of kind other");
  s.dimensions = "c:channel,t:time:4";
  expect_refused(s, "dimensions", "cannot be of kind channel");
}

TEST(ImageAxes, OneAxisOfEachOmeGroup) {
  expect_refused(frame(64, 48, "t,z,w:space:3"), "dimensions", "both of kind space");
  expect_refused(frame(64, 48, "t,c,angle:other:2"), "dimensions", "both of kind channel or other");
  expect_refused(frame(64, 48, "t,s:time:2"), "dimensions", "both of kind time");
}

TEST(ImageAxes, SettingsThatAlsoSetTheAppendDimensionMustAgree) {
  Settings s = frame(64, 48, "t:time::4");
  s.tile_planes = 8;
  expect_refused(s, "tile-planes", "give it in one place");
  s.tile_planes = 4;
  EXPECT_EQ(image_axes(s).axes[0].chunk, 4u);
  s.dimensions = "t:time::4:2";
  s.zarr_version = 3;
  s.chunks_per_shard_t = 3;
  expect_refused(s, "chunks-per-shard-t", "give it in one place");
}

TEST(ImageAxes, CheckedAtStartWithoutTheFrame) {
  Settings s = frame(64, 48, "t,z:space:5:1:5");
  EXPECT_THROW(check_dimensions(s), Error);  // shards need Zarr v3
  s.zarr_version = 3;
  EXPECT_NO_THROW(check_dimensions(s));
  s.dimensions = "t,c:channel:5000,z:space:5000";
  try {
    check_dimensions(s);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frames in each index of \"t\""), std::string::npos) << e.what();
  }
}

TEST(ImageAxes, TimeAndZScales) {
  Settings s = frame(64, 48, "t,c:channel:2,z:space:5");
  s.frame_interval_s = 0.01;
  s.pixel_size_z_um = 2.5;
  const ImageAxes axes = image_axes(s);
  EXPECT_DOUBLE_EQ(axes.axes[0].scale, 0.1);  // 10 frames a time point
  EXPECT_DOUBLE_EQ(axes.axes[1].scale, 1.0);
  EXPECT_DOUBLE_EQ(axes.axes[2].scale, 2.5);
}

}  // namespace
}  // namespace zarr
