#include "zarr/metadata.hh"
#include "zarr/ome_metadata.hh"

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

TEST(Metadata, RootAttributesAreOmeNgff04) {
  OmeImage image;
  image.levels = {{1920, 1080, {}}};
  image.pixel_size_y_um = 0.5;
  image.pixel_size_x_um = 0.25;
  EXPECT_EQ(ome_attributes_v04(image), json::parse(R"({"multiscales": [{
    "version": "0.4", "name": "0",
    "axes": [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"},
             {"name": "y", "type": "space", "unit": "micrometer"},
             {"name": "x", "type": "space", "unit": "micrometer"}],
    "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 0.5, 0.25]}]}]
  }]})"));
}

TEST(Metadata, ChunkKeysUseSlashes) {
  EXPECT_EQ(chunk_key_v2("0", 0, 0, 0, 0), "0/0/0/0/0");
  EXPECT_EQ(chunk_key_v2("0", 12345678901ull, 2, 3, 14), "0/12345678901/2/3/14");
  EXPECT_EQ(chunk_key_v3("2", 12345678901ull, 2, 3, 14), "2/c/12345678901/2/3/14");
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
