#include "zarr/settings.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "zarr/error.hh"

namespace zarr {
namespace {

Settings valid() {
  Settings s;
  s.location = "/tmp/x.zarr";
  s.width = 64;
  s.height = 48;
  return s;
}

// Expects validate() to refuse `s` about `setting` (its public name), with a
// message containing `fragment` (the setting's quoted name by default).
void expect_rejected(const Settings& s, const std::string& setting, const std::string& fragment = {}) {
  try {
    validate(s);
    ADD_FAILURE() << "accepted; expected an error about " << setting;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_EQ(e.setting(), setting) << e.what();
    const std::string expected = fragment.empty() ? "\"" + setting + "\"" : fragment;
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST(Validate, AcceptsDefaultsWithAFrameSize) { EXPECT_NO_THROW(validate(valid())); }

TEST(Validate, NamesTheWrongSetting) {
  Settings s = valid();
  s.location = "";
  expect_rejected(s, "location");
  s = valid(), s.width = 0;
  expect_rejected(s, "width");
  s = valid(), s.height = max_frame_extent + 1;
  expect_rejected(s, "height");
  s = valid(), s.channels = 0;
  expect_rejected(s, "channels");
  s = valid(), s.compression = {"blosc-lz4", 10, Shuffle::byte};
  expect_rejected(s, "clevel");
  s = valid(), s.compression = {"blosc-lz4", -1, Shuffle::byte};
  expect_rejected(s, "clevel");
  s = valid(), s.tile_planes = 0, s.max_bytes_per_chunk = 0;
  expect_rejected(s, "max-bytes-per-chunk");
  s = valid(), s.pixel_size_x_um = 0;
  expect_rejected(s, "pixel-size-x");
  s = valid(), s.pixel_size_y_um = std::nan("");
  expect_rejected(s, "pixel-size-y");
  s = valid(), s.rows_in_flight = 0;
  expect_rejected(s, "rows-in-flight");
  s = valid(), s.compression.compressor = "snappy";
  expect_rejected(s, "compressor");
}

TEST(Validate, ChunksBeyondTheCodecLimitAreRefused) {
  Settings s = valid();
  s.width = s.height = 65536;
  s.tile_planes = 2;  // 8 GiB chunks
  expect_rejected(s, "tile-planes");
}

TEST(Validate, UserMetadataMustBeAJsonObject) {
  Settings s = valid();
  s.user_metadata_json = R"({"a": [1, 2], "b": "\u00e9"})";
  EXPECT_NO_THROW(validate(s));
  s.user_metadata_json = "[1, 2]";
  expect_rejected(s, "metadata", "must be a JSON object, not array");
  s.user_metadata_json = "{\"a\": }";
  expect_rejected(s, "metadata", "parse error");  // nlohmann's own words, with the position
}

TEST(Validate, ZarrVersionAndSharding) {
  Settings s = valid();
  s.zarr_version = 4;
  expect_rejected(s, "zarr-version");
  s = valid(), s.chunks_per_shard_y = 2;
  expect_rejected(s, "chunks-per-shard-y", "is 2, but sharding needs Zarr v3");
  s.zarr_version = 3;
  EXPECT_NO_THROW(validate(s));
  s.chunks_per_shard_x = 0;
  expect_rejected(s, "chunks-per-shard-x");
  s = valid(), s.zarr_version = 3, s.chunks_per_shard_t = 1024, s.chunks_per_shard_y = 1024;
  expect_rejected(s, "chunks-per-shard-t", "chunks per shard");
}

TEST(Validate, MultiscaleSettings) {
  Settings s = valid();
  s.multiscale = true;
  s.downsample_method = DownsampleMethod::max;
  s.frame_interval_s = 0.05;
  EXPECT_NO_THROW(validate(s));
  s.downsample_method = static_cast<DownsampleMethod>(7);
  expect_rejected(s, "downsample-method");
  s = valid(), s.frame_interval_s = -1;
  expect_rejected(s, "frame-interval");
  s.frame_interval_s = std::nan("");
  expect_rejected(s, "frame-interval");
}

TEST(Validate, S3Settings) {
  Settings s = valid();
  s.location = "s3://bucket/run.zarr";
  EXPECT_NO_THROW(validate(s));
  s.s3.endpoint = "http://127.0.0.1:7480";
  s.s3.region = "eu-central-1";
  s.s3.multipart_threshold = 5ull << 20;
  EXPECT_NO_THROW(validate(s));
  s.s3.endpoint = "https://s3.example.org/";
  EXPECT_NO_THROW(validate(s));

  s = valid(), s.location = "s3://";
  expect_rejected(s, "location");
  s.location = "s3:///run.zarr";
  expect_rejected(s, "location", "no bucket");
  s.location = "s3://Bad_Bucket/run.zarr";
  expect_rejected(s, "location", "bucket name");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.multipart_threshold = (5ull << 20) - 1;
  expect_rejected(s, "s3-multipart-threshold");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.endpoint = "ftp://host";
  expect_rejected(s, "s3-endpoint");
  s.s3.endpoint = "127.0.0.1:7480";
  expect_rejected(s, "s3-endpoint");
  s.s3.endpoint = "http://";
  expect_rejected(s, "s3-endpoint");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.region = "";
  EXPECT_NO_THROW(validate(s));  // us-east-1
  s.s3.region = "US East";
  expect_rejected(s, "s3-region");

  // The endpoint and region are only read for s3:// locations; the
  // threshold's bounds are the setting's own, whatever the location.
  s = valid(), s.s3.endpoint = "nonsense", s.s3.region = "US East";
  EXPECT_NO_THROW(validate(s));
  s = valid(), s.s3.multipart_threshold = 1;
  expect_rejected(s, "s3-multipart-threshold");
}

TEST(CheckSettings, NeedsNoFrameGeometry) {
  Settings s;
  s.location = "/nonexistent-dir-of-the-test/x.zarr";
  EXPECT_NO_THROW(check_settings(s));  // width and height are still 0
  s.compression = {"blosc-lz4", 12, Shuffle::byte};
  try {
    check_settings(s);
    ADD_FAILURE() << "clevel 12 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.setting(), "clevel");
  }
}

TEST(CheckSettings, RefusesALocationThatHoldsData) {
  const std::string dir = testing::TempDir() + "check-settings-location";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/plain");
  std::ofstream(dir + "/plain/notes.txt") << "not zarr";
  std::filesystem::create_directories(dir + "/dataset");
  std::ofstream(dir + "/dataset/.zgroup") << R"({"zarr_format": 2})";
  std::filesystem::create_directories(dir + "/empty");

  Settings s;
  for (const char* usable : {"/empty", "/missing"}) {
    s.location = dir + usable;
    EXPECT_NO_THROW(check_settings(s)) << usable;
  }
  for (bool overwrite : {false, true}) {
    s.location = dir + "/plain", s.overwrite = overwrite;
    try {
      check_settings(s);
      ADD_FAILURE() << "a folder that is not a Zarr dataset was accepted, overwrite " << overwrite;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::already_exists);
      EXPECT_NE(std::string(e.what()).find("not a Zarr dataset"), std::string::npos) << e.what();
    }
  }
  s.location = dir + "/dataset", s.overwrite = false;
  try {
    check_settings(s);
    ADD_FAILURE() << "a Zarr dataset was accepted without overwrite";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::already_exists);
    EXPECT_NE(std::string(e.what()).find("already holds data"), std::string::npos) << e.what();
  }
  s.overwrite = true;
  EXPECT_NO_THROW(check_settings(s));
  EXPECT_TRUE(std::filesystem::exists(dir + "/dataset/.zgroup"));  // a check removes nothing
  std::filesystem::remove_all(dir);
}

TEST(SettingNotices, TilesLargerThanTheFrameAreNamed) {
  Settings s = valid();  // 64 x 48
  s.tile_width = 100;
  s.tile_height = 48;
  const std::vector<SettingNotice> notices = setting_notices(s);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].setting, "tile-width");
  EXPECT_NE(notices[0].message.find("using 64"), std::string::npos) << notices[0].message;
  EXPECT_EQ(validate(s).axes.x().chunk, 64u);
}

TEST(Settings, SampleSizes) {
  EXPECT_EQ(sample_size(DataType::uint8), 1u);
  EXPECT_EQ(sample_size(DataType::int8), 1u);
  EXPECT_EQ(sample_size(DataType::uint16), 2u);
  EXPECT_EQ(sample_size(DataType::int16), 2u);
  EXPECT_EQ(sample_size(DataType::float32), 4u);
}

}  // namespace
}  // namespace zarr
