#include "zarr/settings.hh"

#include <gtest/gtest.h>

#include <cmath>

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

// Expects validate() to refuse `s` with a message containing `fragment`.
void expect_rejected(const Settings& s, const std::string& fragment) {
  try {
    validate(s);
    ADD_FAILURE() << "accepted; expected an error about " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
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
  expect_rejected(s, "\"clevel\"");
  s = valid(), s.compression = {"blosc-lz4", -1, Shuffle::byte};
  expect_rejected(s, "\"clevel\"");
  s = valid(), s.tile_planes = 0, s.max_bytes_per_chunk = 0;
  expect_rejected(s, "max_bytes_per_chunk");
  s = valid(), s.pixel_size_x_um = 0;
  expect_rejected(s, "pixel_size_x_um");
  s = valid(), s.pixel_size_y_um = std::nan("");
  expect_rejected(s, "pixel_size_y_um");
  s = valid(), s.rows_in_flight = 0;
  expect_rejected(s, "rows_in_flight");
  s = valid(), s.compression.compressor = "snappy";
  expect_rejected(s, "\"compressor\"");
}

TEST(Validate, ChunksBeyondTheCodecLimitAreRefused) {
  Settings s = valid();
  s.width = s.height = 65536;
  s.tile_planes = 2;  // 8 GiB chunks
  expect_rejected(s, "tile_planes");
}

TEST(Validate, UserMetadataMustBeAJsonObject) {
  Settings s = valid();
  s.user_metadata_json = R"({"a": [1, 2], "b": "\u00e9"})";
  EXPECT_NO_THROW(validate(s));
  s.user_metadata_json = "[1, 2]";
  expect_rejected(s, "must be a JSON object, not array");
  s.user_metadata_json = "{\"a\": }";
  expect_rejected(s, "parse error");  // nlohmann's own words, with the position
}

TEST(Validate, ZarrVersionAndSharding) {
  Settings s = valid();
  s.zarr_version = 4;
  expect_rejected(s, "zarr_version");
  s = valid(), s.chunks_per_shard_y = 2;
  expect_rejected(s, "chunks_per_shard_y: is 2 but sharding needs zarr_version 3");
  s.zarr_version = 3;
  EXPECT_NO_THROW(validate(s));
  s.chunks_per_shard_x = 0;
  expect_rejected(s, "chunks_per_shard_x");
  s = valid(), s.zarr_version = 3, s.chunks_per_shard_t = 1024, s.chunks_per_shard_y = 1024;
  expect_rejected(s, "chunks per shard");
}

TEST(Validate, MultiscaleSettings) {
  Settings s = valid();
  s.multiscale = true;
  s.downsample_method = DownsampleMethod::max;
  s.frame_interval_s = 0.05;
  EXPECT_NO_THROW(validate(s));
  s.downsample_method = static_cast<DownsampleMethod>(7);
  expect_rejected(s, "downsample_method");
  s = valid(), s.frame_interval_s = -1;
  expect_rejected(s, "frame_interval_s");
  s.frame_interval_s = std::nan("");
  expect_rejected(s, "frame_interval_s");
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
  expect_rejected(s, "no bucket");
  s.location = "s3://Bad_Bucket/run.zarr";
  expect_rejected(s, "bucket name");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.multipart_threshold = (5ull << 20) - 1;
  expect_rejected(s, "s3.multipart_threshold");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.endpoint = "ftp://host";
  expect_rejected(s, "s3.endpoint");
  s.s3.endpoint = "127.0.0.1:7480";
  expect_rejected(s, "s3.endpoint");
  s.s3.endpoint = "http://";
  expect_rejected(s, "s3.endpoint");
  s = valid(), s.location = "s3://bucket/run.zarr", s.s3.region = "";
  expect_rejected(s, "s3.region");
  s.s3.region = "US East";
  expect_rejected(s, "s3.region");

  // S3 options are only checked for s3:// locations.
  s = valid(), s.s3.multipart_threshold = 1, s.s3.endpoint = "nonsense";
  EXPECT_NO_THROW(validate(s));
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
