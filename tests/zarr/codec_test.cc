#include "zarr/codec.hh"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "zarr/blosc_codec.hh"
#include "zarr/error.hh"

namespace zarr {
namespace {

std::vector<std::byte> sample_data(std::size_t n) {
  std::vector<std::byte> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = std::byte((i * 7 + i / 100) & 0xff);
  return data;
}

TEST(Codec, NoneMeansNoCodec) {
  EXPECT_EQ(make_codec(Compression{Compressor::none, 1, Shuffle::byte}, DataType::uint8), nullptr);
}

TEST(BloscCodec, RoundTripsEveryCompressorShuffleAndTypeSize) {
  const std::vector<std::byte> input = sample_data(100000);
  for (Compressor compressor : {Compressor::blosc_lz4, Compressor::blosc_lz4hc, Compressor::blosc_blosclz,
                                Compressor::blosc_zstd, Compressor::blosc_zlib})
    for (Shuffle shuffle : {Shuffle::none, Shuffle::byte, Shuffle::bit})
      for (DataType type : {DataType::uint8, DataType::uint16, DataType::float32}) {
        SCOPED_TRACE(std::string(to_string(compressor)) + " " + to_string(shuffle) + " " + to_string(type));
        const auto codec = make_codec(Compression{compressor, 5, shuffle}, type);
        ASSERT_NE(codec, nullptr);
        std::vector<std::byte> encoded(codec->max_encoded_size(input.size()));
        encoded.resize(codec->encode(input, encoded));
        EXPECT_LT(encoded.size(), input.size());
        std::vector<std::byte> decoded(input.size());
        codec->decode(encoded, decoded);
        EXPECT_EQ(decoded, input);
      }
}

TEST(BloscCodec, IncompressibleDataFitsTheAdvertisedSize) {
  std::vector<std::byte> input(4096);
  std::uint32_t x = 12345;
  for (auto& b : input) b = std::byte((x = x * 1664525 + 1013904223) >> 24);
  const BloscCodec codec("lz4", 9, Shuffle::none, 1);
  std::vector<std::byte> encoded(codec.max_encoded_size(input.size()));
  encoded.resize(codec.encode(input, encoded));
  std::vector<std::byte> decoded(input.size());
  codec.decode(encoded, decoded);
  EXPECT_EQ(decoded, input);
}

TEST(BloscCodec, RejectsBytesThatAreNotItsOwn) {
  const BloscCodec codec("zstd", 1, Shuffle::byte, 2);
  std::vector<std::byte> garbage(40, std::byte{0x5a});
  std::vector<std::byte> out(1000);
  EXPECT_THROW(codec.decode(garbage, out), Error);
  EXPECT_THROW(codec.decode(std::span(garbage).first(3), out), Error);
}

TEST(BloscCodec, V2MetadataNamesCodecAndShuffleAsNumcodecsDoes) {
  EXPECT_EQ(BloscCodec("lz4", 1, Shuffle::byte, 1).v2_metadata(),
            nlohmann::json::parse(R"({"id":"blosc","cname":"lz4","clevel":1,"shuffle":1,"blocksize":0})"));
  EXPECT_EQ(BloscCodec("zstd", 9, Shuffle::bit, 2).v2_metadata()["shuffle"], 2);
  EXPECT_EQ(BloscCodec("zlib", 0, Shuffle::none, 4).v2_metadata()["shuffle"], 0);
}

TEST(BloscCodec, UnknownCompressorIsASettingError) {
  try {
    BloscCodec("snappy-nonexistent", 1, Shuffle::byte, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_NE(std::string(e.what()).find("snappy-nonexistent"), std::string::npos);
  }
}

}  // namespace
}  // namespace zarr
