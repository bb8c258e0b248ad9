// Each bytes-to-bytes codec on its own: round trips of every data type, the
// worst case fits the room it advertises, foreign bytes are refused, and the
// metadata is exactly what numcodecs (v2) and the v3 spec name.
#include "zarr/codec.hh"

#include <gtest/gtest.h>
#include <zstd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/zarr/sample_chunk.hh"
#include "zarr/blosc_codec.hh"
#include "zarr/error.hh"
#include "zarr/gzip_codec.hh"
#include "zarr/zstd_codec.hh"

namespace zarr {
namespace {

using nlohmann::json;
using testing::every_data_type;
using testing::random_bytes;
using testing::sample_chunk;

std::vector<std::byte> encode(const Codec& codec, std::span<const std::byte> input) {
  std::vector<std::byte> encoded(codec.max_encoded_size(input.size()));
  encoded.resize(codec.encode(input, encoded));
  return encoded;
}

// Encodes and decodes `input`; returns the encoded size.
std::size_t expect_round_trip(const Codec& codec, const std::vector<std::byte>& input) {
  const std::vector<std::byte> encoded = encode(codec, input);
  EXPECT_EQ(codec.decoded_size(encoded), input.size());
  std::vector<std::byte> decoded(input.size(), std::byte{0xee});
  codec.decode(encoded, decoded);
  EXPECT_EQ(decoded, input);
  return encoded.size();
}

TEST(BloscCodec, RoundTripsEveryCompressorShuffleAndDataType) {
  for (const char* cname : {"lz4", "lz4hc", "blosclz", "zstd", "zlib"})
    for (Shuffle shuffle : {Shuffle::none, Shuffle::byte, Shuffle::bit})
      for (DataType type : every_data_type) {
        SCOPED_TRACE(std::string(cname) + " " + to_string(shuffle) + " " + to_string(type));
        const std::vector<std::byte> input = sample_chunk(type, 50000);
        const std::size_t encoded = expect_round_trip(BloscCodec(cname, 5, shuffle, sample_size(type)), input);
        // Unshuffled noisy 16-bit samples defeat blosclz (it then stores them
        // as they are); shuffled, every compressor must gain.
        if (shuffle != Shuffle::none) {
          EXPECT_LT(encoded, input.size() * 3 / 4);
        }
      }
}

TEST(ZstdCodec, RoundTripsEveryDataTypeAtLowMiddleAndTopLevels) {
  for (int level : {1, 3, 22})
    for (DataType type : every_data_type) {
      SCOPED_TRACE("level " + std::to_string(level) + " " + to_string(type));
      const std::vector<std::byte> input = sample_chunk(type, 50000);
      EXPECT_LT(expect_round_trip(ZstdCodec(level), input), input.size() * 3 / 4);
    }
}

TEST(GzipCodec, RoundTripsEveryDataTypeAtEveryKindOfLevel) {
  for (int level : {0, 1, 6, 9})
    for (DataType type : every_data_type) {
      SCOPED_TRACE("level " + std::to_string(level) + " " + to_string(type));
      const std::vector<std::byte> input = sample_chunk(type, 50000);
      const std::size_t encoded = expect_round_trip(GzipCodec(level), input);
      // Level 0 stores deflate blocks as they are: a few bytes more.
      if (level == 0)
        EXPECT_GT(encoded, input.size());
      else
        EXPECT_LT(encoded, input.size() * 3 / 4);
    }
}

TEST(GzipCodec, WritesAGzipMemberWithItsSizeInTheTrailer) {
  const std::vector<std::byte> input = sample_chunk(DataType::uint16, 1000);
  const std::vector<std::byte> encoded = encode(GzipCodec(6), input);
  ASSERT_GE(encoded.size(), 18u);
  EXPECT_EQ(encoded[0], std::byte{0x1f});
  EXPECT_EQ(encoded[1], std::byte{0x8b});
  EXPECT_EQ(encoded[2], std::byte{8});  // deflate
  EXPECT_EQ(std::to_integer<unsigned>(encoded[encoded.size() - 4]) |
                std::to_integer<unsigned>(encoded[encoded.size() - 3]) << 8,
            2000u);
}

TEST(ZstdCodec, FrameStatesItsContentSizeForReadersThatNeedIt) {
  const std::vector<std::byte> input = sample_chunk(DataType::float32, 1000);
  const std::vector<std::byte> encoded = encode(ZstdCodec(3), input);
  EXPECT_EQ(ZSTD_getFrameContentSize(encoded.data(), encoded.size()), 4000u);
}

struct NamedCodec {
  std::string name;
  std::shared_ptr<const Codec> codec;
};

std::vector<NamedCodec> one_of_each() {
  return {{"blosc lz4", std::make_shared<BloscCodec>("lz4", 9, Shuffle::none, 1)},
          {"blosc zstd", std::make_shared<BloscCodec>("zstd", 9, Shuffle::bit, 4)},
          {"zstd 1", std::make_shared<ZstdCodec>(1)},
          {"zstd 22", std::make_shared<ZstdCodec>(22)},
          {"gzip 0", std::make_shared<GzipCodec>(0)},
          {"gzip 9", std::make_shared<GzipCodec>(9)}};
}

TEST(Codecs, IncompressibleDataFitsTheAdvertisedSize) {
  for (std::size_t n : {0u, 1u, 4096u, 300000u}) {
    const std::vector<std::byte> input = random_bytes(n);
    for (const NamedCodec& c : one_of_each()) {
      SCOPED_TRACE(c.name + ", " + std::to_string(n) + " bytes");
      // Exactly the advertised room: the codec must not need more.
      std::vector<std::byte> encoded(c.codec->max_encoded_size(n));
      encoded.resize(c.codec->encode(input, encoded));
      std::vector<std::byte> decoded(n);
      c.codec->decode(encoded, decoded);
      EXPECT_EQ(decoded, input);
    }
  }
}

TEST(Codecs, RefuseBytesThatAreNotTheirOwn) {
  const std::vector<std::byte> garbage(40, std::byte{0x5a});
  std::vector<std::byte> out(1000);
  for (const NamedCodec& c : one_of_each()) {
    SCOPED_TRACE(c.name);
    EXPECT_THROW(c.codec->decode(garbage, out), Error);
    EXPECT_THROW(c.codec->decode(std::span(garbage).first(3), out), Error);
    EXPECT_THROW(c.codec->decoded_size(std::span(garbage).first(3)), Error);
  }
}

TEST(Codecs, RefuseToDecodeIntoTheWrongSize) {
  const std::vector<std::byte> input = sample_chunk(DataType::uint16, 500);
  for (const NamedCodec& c : one_of_each()) {
    SCOPED_TRACE(c.name);
    const std::vector<std::byte> encoded = encode(*c.codec, input);
    std::vector<std::byte> short_out(input.size() - 2), long_out(input.size() + 2);
    try {
      c.codec->decode(encoded, short_out);
      ADD_FAILURE() << "decoded into too small a buffer";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_frame);
    }
    EXPECT_THROW(c.codec->decode(encoded, long_out), Error);
  }
}

TEST(Codecs, RefuseATruncatedChunk) {
  const std::vector<std::byte> input = sample_chunk(DataType::uint8, 20000);
  for (const NamedCodec& c : one_of_each()) {
    SCOPED_TRACE(c.name);
    const std::vector<std::byte> encoded = encode(*c.codec, input);
    std::vector<std::byte> out(input.size());
    EXPECT_THROW(c.codec->decode(std::span(encoded).first(encoded.size() - 5), out), Error);
  }
}

TEST(BloscCodec, MetadataNamesCodecAndShuffleAsNumcodecsAndTheV3SpecDo) {
  EXPECT_EQ(BloscCodec("lz4", 1, Shuffle::byte, 1).v2_metadata(),
            json::parse(R"({"id":"blosc","cname":"lz4","clevel":1,"shuffle":1,"blocksize":0})"));
  EXPECT_EQ(BloscCodec("zstd", 9, Shuffle::bit, 2).v2_metadata()["shuffle"], 2);
  EXPECT_EQ(BloscCodec("zlib", 0, Shuffle::none, 4).v2_metadata()["shuffle"], 0);
  EXPECT_EQ(BloscCodec("lz4hc", 7, Shuffle::bit, 4).v3_metadata(),
            json::parse(R"({"name":"blosc","configuration":{"cname":"lz4hc","clevel":7,"shuffle":"bitshuffle",
                            "typesize":4,"blocksize":0}})"));
  EXPECT_EQ(BloscCodec("lz4", 1, Shuffle::byte, 2).v3_metadata()["configuration"]["shuffle"], "shuffle");
  EXPECT_EQ(BloscCodec("lz4", 1, Shuffle::none, 2).v3_metadata()["configuration"]["shuffle"], "noshuffle");
}

TEST(ZstdCodec, MetadataIsNumcodecsZstdAndTheV3ZstdCodec) {
  EXPECT_EQ(ZstdCodec(5).v2_metadata(), json::parse(R"({"id":"zstd","level":5})"));
  EXPECT_EQ(ZstdCodec(22).v3_metadata(),
            json::parse(R"({"name":"zstd","configuration":{"level":22,"checksum":false}})"));
}

TEST(GzipCodec, MetadataIsNumcodecsGZipAndTheV3GzipCodec) {
  EXPECT_EQ(GzipCodec(0).v2_metadata(), json::parse(R"({"id":"gzip","level":0})"));
  EXPECT_EQ(GzipCodec(9).v3_metadata(), json::parse(R"({"name":"gzip","configuration":{"level":9}})"));
}

TEST(BloscCodec, UnknownCompressorIsAnErrorAboutTheCompressorSetting) {
  try {
    BloscCodec("snappy-nonexistent", 1, Shuffle::byte, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_EQ(e.setting(), "compressor");
    EXPECT_NE(std::string(e.what()).find("snappy-nonexistent"), std::string::npos);
  }
}

}  // namespace
}  // namespace zarr
