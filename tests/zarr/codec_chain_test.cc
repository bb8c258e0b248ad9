// The codec chain: bytes then bytes-to-bytes codecs, built from every
// registry entry and by hand, its round trips and the metadata it writes
// for Zarr v2 and v3, exactly.
#include "zarr/codec_chain.hh"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/zarr/sample_chunk.hh"
#include "zarr/codec_registry.hh"
#include "zarr/error.hh"
#include "zarr/gzip_codec.hh"
#include "zarr/zstd_codec.hh"

namespace zarr {
namespace {

using nlohmann::json;
using testing::every_data_type;
using testing::random_bytes;
using testing::sample_chunk;

const json bytes_little = json::parse(R"({"name":"bytes","configuration":{"endian":"little"}})");

void expect_round_trip(const CodecChain& chain, const std::vector<std::byte>& chunk) {
  std::vector<std::byte> stored(chain.max_encoded_size(chunk.size()));
  stored.resize(chain.encode(chunk, stored));
  std::vector<std::byte> decoded(chunk.size(), std::byte{0xee});
  chain.decode(stored, decoded);
  EXPECT_EQ(decoded, chunk);
}

TEST(CodecChain, WithoutCodecsStoresTheBytesAsTheyAre) {
  const CodecChain chain;
  EXPECT_TRUE(chain.stores_as_is());
  const std::vector<std::byte> chunk = sample_chunk(DataType::int16, 300);
  EXPECT_EQ(chain.max_encoded_size(chunk.size()), chunk.size());
  std::vector<std::byte> stored(chunk.size());
  EXPECT_EQ(chain.encode(chunk, stored), chunk.size());
  EXPECT_EQ(stored, chunk);
  EXPECT_EQ(chain.v2_compressor(), nullptr);
  EXPECT_EQ(chain.v3_codecs(), json::array({bytes_little}));
  std::vector<std::byte> wrong(chunk.size() + 1);
  EXPECT_THROW(chain.decode(chunk, wrong), Error);
}

TEST(CodecChain, EveryRegistryCodecRoundTripsEveryDataType) {
  for (const CodecEntry& entry : codec_registry())
    for (DataType type : every_data_type) {
      SCOPED_TRACE(std::string(entry.name) + " " + to_string(type));
      const int level = entry.uses_level ? entry.max_level : 1;
      const CodecChain chain = make_codec_chain({entry.name, level, Shuffle::bit}, type);
      EXPECT_EQ(chain.stores_as_is(), entry.make == nullptr);
      expect_round_trip(chain, sample_chunk(type, 30000));
      expect_round_trip(chain, random_bytes(30000 * sample_size(type)));
    }
}

// The exact metadata of each registry entry, for uint16 chunks, clevel 5 and
// byte shuffle (ignored by zstd and gzip).
TEST(CodecChain, MetadataOfEveryRegistryCodecIsExact) {
  const std::map<std::string, std::pair<const char*, const char*>> expected = {
      {"none", {"null", "[]"}},
      {"blosc-lz4",
       {R"({"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0})",
        R"([{"name":"blosc","configuration":{"cname":"lz4","clevel":5,"shuffle":"shuffle","typesize":2,"blocksize":0}}])"}},
      {"blosc-lz4hc",
       {R"({"id":"blosc","cname":"lz4hc","clevel":5,"shuffle":1,"blocksize":0})",
        R"([{"name":"blosc","configuration":{"cname":"lz4hc","clevel":5,"shuffle":"shuffle","typesize":2,"blocksize":0}}])"}},
      {"blosc-blosclz",
       {R"({"id":"blosc","cname":"blosclz","clevel":5,"shuffle":1,"blocksize":0})",
        R"([{"name":"blosc","configuration":{"cname":"blosclz","clevel":5,"shuffle":"shuffle","typesize":2,"blocksize":0}}])"}},
      {"blosc-zstd",
       {R"({"id":"blosc","cname":"zstd","clevel":5,"shuffle":1,"blocksize":0})",
        R"([{"name":"blosc","configuration":{"cname":"zstd","clevel":5,"shuffle":"shuffle","typesize":2,"blocksize":0}}])"}},
      {"blosc-zlib",
       {R"({"id":"blosc","cname":"zlib","clevel":5,"shuffle":1,"blocksize":0})",
        R"([{"name":"blosc","configuration":{"cname":"zlib","clevel":5,"shuffle":"shuffle","typesize":2,"blocksize":0}}])"}},
      {"zstd", {R"({"id":"zstd","level":5})", R"([{"name":"zstd","configuration":{"level":5,"checksum":false}}])"}},
      {"gzip", {R"({"id":"gzip","level":5})", R"([{"name":"gzip","configuration":{"level":5}}])"}},
  };
  ASSERT_EQ(expected.size(), codec_registry().size()) << "a codec without expected metadata here";
  for (const CodecEntry& entry : codec_registry()) {
    SCOPED_TRACE(entry.name);
    const auto& [v2, v3] = expected.at(entry.name);
    const CodecChain chain = make_codec_chain({entry.name, 5, Shuffle::byte}, DataType::uint16);
    EXPECT_EQ(chain.v2_compressor(), json::parse(v2));
    json codecs = json::array({bytes_little});
    for (const json& codec : json::parse(v3)) codecs.push_back(codec);
    EXPECT_EQ(chain.v3_codecs(), codecs);
  }
}

CodecChain zstd_then_gzip() {
  std::vector<std::unique_ptr<Codec>> codecs;
  codecs.push_back(std::make_unique<ZstdCodec>(3));
  codecs.push_back(std::make_unique<GzipCodec>(1));
  return CodecChain(std::move(codecs));
}

TEST(CodecChain, TwoCodecsRunInOrderAndBackwards) {
  const CodecChain chain = zstd_then_gzip();
  EXPECT_FALSE(chain.stores_as_is());
  for (DataType type : every_data_type) {
    SCOPED_TRACE(to_string(type));
    expect_round_trip(chain, sample_chunk(type, 20000));
    expect_round_trip(chain, random_bytes(20000));
  }
  // The outer layer is gzip: zstd ran first.
  const std::vector<std::byte> chunk = sample_chunk(DataType::uint8, 1000);
  std::vector<std::byte> stored(chain.max_encoded_size(chunk.size()));
  stored.resize(chain.encode(chunk, stored));
  EXPECT_EQ(stored[0], std::byte{0x1f});
  EXPECT_EQ(stored[1], std::byte{0x8b});
  EXPECT_EQ(chain.v3_codecs(), json::parse(R"([{"name":"bytes","configuration":{"endian":"little"}},
                                               {"name":"zstd","configuration":{"level":3,"checksum":false}},
                                               {"name":"gzip","configuration":{"level":1}}])"));
}

TEST(CodecChain, TwoCodecsCannotBeWrittenAsZarrV2) {
  try {
    zstd_then_gzip().v2_compressor();
    FAIL() << "a v2 compressor for two codecs";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_EQ(e.setting(), "zarr-version");
    EXPECT_NE(std::string(e.what()).find("(zstd, gzip)"), std::string::npos) << e.what();
  }
}

TEST(CodecChain, RefusesStoredBytesThatClaimMoreThanAnEncodingHolds) {
  // A gzip member whose inner zstd frame is far larger than zstd could make
  // of the chunk: its ISIZE would have the chain allocate a huge buffer.
  const CodecChain chain = zstd_then_gzip();
  const std::vector<std::byte> big = sample_chunk(DataType::uint8, 100000);
  const GzipCodec gzip(1);
  std::vector<std::byte> stored(gzip.max_encoded_size(big.size()));
  stored.resize(gzip.encode(big, stored));
  std::vector<std::byte> chunk(100);
  EXPECT_THROW(chain.decode(stored, chunk), Error);
}

}  // namespace
}  // namespace zarr
