#include "zarr/metadata.hh"
#include "zarr/ome_metadata.hh"
#include "zarr/pyramid.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

using nlohmann::json;

TEST(Metadata, Zgroup) { EXPECT_EQ(zgroup_v2(), json::parse(R"({"zarr_format":2})")); }

TEST(Metadata, ZarrayUncompressed) {
  ArrayMetadata array;
  array.shape = {10, 1, 1080, 1920};
  array.chunks = {64, 1, 540, 960};
  array.data_type = DataType::uint8;
  EXPECT_EQ(json::parse(to_text(zarray_v2(array))), json::parse(R"({
    "zarr_format": 2, "shape": [10, 1, 1080, 1920], "chunks": [64, 1, 540, 960], "dtype": "|u1",
    "compressor": null, "fill_value": 0, "order": "C", "filters": null, "dimension_separator": "/"})"));
}

TEST(Metadata, ZarrayCarriesTheCompressorObject) {
  ArrayMetadata array;
  array.data_type = DataType::uint16;
  array.compressor = json::parse(R"({"id":"blosc","cname":"zstd","clevel":1,"shuffle":1,"blocksize":0})");
  const json zarray = zarray_v2(array);
  EXPECT_EQ(zarray["compressor"], array.compressor);
  EXPECT_EQ(zarray["dtype"], "<u2");
}

TEST(Metadata, DtypeStringsHaveByteOrder) {
  EXPECT_EQ(v2_dtype(DataType::uint8), "|u1");
  EXPECT_EQ(v2_dtype(DataType::int8), "|i1");
  EXPECT_EQ(v2_dtype(DataType::uint16), "<u2");
  EXPECT_EQ(v2_dtype(DataType::int16), "<i2");
  EXPECT_EQ(v2_dtype(DataType::float32), "<f4");
}

// The OME image of 1920x1080 frames as the writer makes it; `tile` 0: one level.
OmeImage image_of(double pixel_y, double pixel_x, std::uint32_t tile = 0, const std::string& dimensions = "t,c") {
  Settings s;
  s.width = 1920;
  s.height = 1080;
  s.pixel_size_y_um = pixel_y;
  s.pixel_size_x_um = pixel_x;
  s.tile_width = s.tile_height = tile;
  s.multiscale = tile != 0;
  s.dimensions = dimensions;
  return ome_image(s, pyramid_levels(s, image_axes(s)));
}

TEST(Metadata, RootAttributesAreOmeNgff04) {
  const OmeImage image = image_of(0.5, 0.25);
  EXPECT_EQ(ome_attributes_v04(image), json::parse(R"({"multiscales": [{
    "version": "0.4", "name": "0",
    "axes": [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"},
             {"name": "y", "type": "space", "unit": "micrometer"},
             {"name": "x", "type": "space", "unit": "micrometer"}],
    "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 0.5, 0.25]}]}]
  }]})"));
}

TEST(MetadataV3, ArrayWithBlosc) {
  ArrayMetadata array;
  array.shape = {7, 1, 30, 40};
  array.chunks = {4, 1, 16, 16};
  array.data_type = DataType::uint16;
  array.codecs = json::parse(
      R"([{"name":"bytes","configuration":{"endian":"little"}},
          {"name":"blosc","configuration":{"cname":"lz4","clevel":1,"shuffle":"shuffle","typesize":2,"blocksize":0}}])");
  array.attributes = {{"operator", "me"}};
  EXPECT_EQ(json::parse(to_text(array_v3(array))), json::parse(R"({
    "zarr_format": 3, "node_type": "array", "shape": [7, 1, 30, 40], "data_type": "uint16",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 1, 16, 16]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0,
    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
               {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 1, "shuffle": "shuffle",
                                                   "typesize": 2, "blocksize": 0}}],
    "dimension_names": ["t", "c", "y", "x"],
    "attributes": {"operator": "me"}})"));
}

TEST(MetadataV3, ShardedArrayGridIsTheShard) {
  ArrayMetadata array;
  array.shape = {10, 1, 1080, 1920};
  array.chunks = {2, 1, 256, 256};
  array.chunks_per_shard = {3, 1, 4, 4};
  EXPECT_EQ(json::parse(to_text(array_v3(array))), json::parse(R"({
    "zarr_format": 3, "node_type": "array", "shape": [10, 1, 1080, 1920], "data_type": "uint8",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [6, 1, 1024, 1024]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0,
    "codecs": [{"name": "sharding_indexed", "configuration": {
      "chunk_shape": [2, 1, 256, 256],
      "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
      "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
      "index_location": "end"}}],
    "dimension_names": ["t", "c", "y", "x"],
    "attributes": {}})"));
}

TEST(MetadataV3, GroupWithOmeNgff05Pyramid) {
  OmeImage image = image_of(0.5, 2.0, 128);  // 1920x1080 ... 120x68
  image.frame_interval_s = 0.05;
  for (ImageAxes& level : image.levels) level.axes[0].scale = 0.05;
  image.method = DownsampleMethod::max;
  const json group = json::parse(to_text(group_v3(ome_attributes_v05(image))));
  EXPECT_EQ(group["zarr_format"], 3);
  EXPECT_EQ(group["node_type"], "group");
  const json& ome = group["attributes"]["ome"];
  EXPECT_EQ(ome["version"], "0.5");
  const json& multiscale = ome["multiscales"][0];
  EXPECT_FALSE(multiscale.contains("version"));
  EXPECT_EQ(multiscale["axes"][0], json::parse(R"({"name": "t", "type": "time", "unit": "second"})"));
  EXPECT_EQ(multiscale["type"], "max");
  EXPECT_EQ(multiscale["metadata"]["method"], "zarr::downsample_plane max");
  ASSERT_EQ(multiscale["datasets"].size(), 5u);
  EXPECT_EQ(multiscale["datasets"][1], json::parse(R"({"path": "1", "coordinateTransformations":
    [{"type": "scale", "scale": [0.05, 1.0, 1.0, 4.0]}]})"));
  // 1080 / 68: the actual factor of a level rounded up from an odd size.
  const json& scale = multiscale["datasets"][4]["coordinateTransformations"][0]["scale"];
  EXPECT_DOUBLE_EQ(scale[2].get<double>(), 0.5 * 1080.0 / 68.0);
  EXPECT_DOUBLE_EQ(scale[3].get<double>(), 2.0 * 16.0);
}

TEST(Metadata, ChunkKeysUseSlashes) {
  EXPECT_EQ(chunk_key_v2("0", std::vector<std::uint64_t>{0, 0, 0, 0}), "0/0/0/0/0");
  EXPECT_EQ(chunk_key_v2("0", std::vector<std::uint64_t>{12345678901ull, 2, 3, 14}), "0/12345678901/2/3/14");
  EXPECT_EQ(chunk_key_v3("2", std::vector<std::uint64_t>{12345678901ull, 2, 3, 14}), "2/c/12345678901/2/3/14");
  // Five dimensions (t, c, z, y, x).
  EXPECT_EQ(chunk_key_v3("0", std::vector<std::uint64_t>{1, 0, 4, 2, 3}), "0/c/1/0/4/2/3");
}

TEST(Metadata, TextEscapesNonAscii) {
  const json document = {{"name", "J\u00f6rg \u6e2c"}};
  const std::string text = to_text(document);
  for (char ch : text) EXPECT_LT(static_cast<unsigned char>(ch), 128u) << text;
  EXPECT_NE(text.find("\\u00f6"), std::string::npos);
  EXPECT_EQ(json::parse(text), document);
}

}  // namespace
}  // namespace zarr
