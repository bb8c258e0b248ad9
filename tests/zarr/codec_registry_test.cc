// The codec registry: its names (the zarrsink enum's nicks and values depend
// on them), the levels each codec takes, and check_compression's errors,
// which name the setting by its public name.
#include "zarr/codec_registry.hh"

#include <gtest/gtest.h>
#include <zstd.h>

#include <set>
#include <string>
#include <vector>

#include "zarr/error.hh"

namespace zarr {
namespace {

// Expects check_compression to refuse `compression`, naming `setting` and
// saying `why`.
void expect_refused(const Compression& compression, const std::string& setting, const std::string& why) {
  try {
    check_compression(compression);
    ADD_FAILURE() << "accepted " << compression.compressor << " clevel " << compression.clevel;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_EQ(e.setting(), setting) << e.what();
    EXPECT_EQ(std::string(e.what()), "invalid setting \"" + setting + "\": " + why);
  }
}

TEST(CodecRegistry, NamesAreUniqueAndInTheEnumsOrder) {
  std::vector<std::string> names;
  std::set<std::string> unique, descriptions;
  for (const CodecEntry& entry : codec_registry()) {
    names.push_back(entry.name);
    unique.insert(entry.name);
    descriptions.insert(entry.description);
    EXPECT_FALSE(std::string(entry.description).empty()) << entry.name;
  }
  EXPECT_EQ(unique.size(), names.size());
  EXPECT_EQ(descriptions.size(), names.size());
  // zarrsink's enum values are these indices: existing ones never move.
  EXPECT_EQ(names, (std::vector<std::string>{"none", "blosc-lz4", "blosc-lz4hc", "blosc-blosclz", "blosc-zstd",
                                             "blosc-zlib", "zstd", "gzip"}));
}

TEST(CodecRegistry, OnlyNoneHasNoCodec) {
  for (const CodecEntry& entry : codec_registry()) {
    SCOPED_TRACE(entry.name);
    EXPECT_EQ(entry.make == nullptr, std::string(entry.name) == "none");
    if (entry.uses_level) {
      EXPECT_LE(entry.min_level, entry.max_level);
    }
  }
}

TEST(CodecRegistry, FindsByExactName) {
  ASSERT_NE(find_codec("gzip"), nullptr);
  EXPECT_STREQ(find_codec("gzip")->name, "gzip");
  EXPECT_EQ(find_codec("blosc-zstd")->max_level, 9);
  EXPECT_EQ(find_codec("lz4"), nullptr);
  EXPECT_EQ(find_codec("GZIP"), nullptr);
  EXPECT_EQ(find_codec(""), nullptr);
}

TEST(CodecRegistry, TopLevelIsZstdsOwn) {
  EXPECT_EQ(max_codec_level(), 22);
  EXPECT_EQ(find_codec("zstd")->max_level, ZSTD_maxCLevel());
}

TEST(CheckCompression, AcceptsEveryCodecAtItsBounds) {
  for (const CodecEntry& entry : codec_registry())
    for (int level : {entry.min_level, entry.max_level})
      for (Shuffle shuffle : {Shuffle::none, Shuffle::byte, Shuffle::bit}) {
        SCOPED_TRACE(std::string(entry.name) + " " + std::to_string(level));
        EXPECT_NO_THROW(check_compression({entry.name, level, shuffle}));
      }
  EXPECT_NO_THROW(check_compression(Compression{}));  // the defaults
}

TEST(CheckCompression, UnknownCompressorNamesTheSettingAndTheChoices) {
  expect_refused(
      {"lz4", 1, Shuffle::byte}, "compressor",
      "\"lz4\" is not one of none, blosc-lz4, blosc-lz4hc, blosc-blosclz, blosc-zstd, blosc-zlib, zstd, gzip");
  expect_refused({"", 1, Shuffle::byte}, "compressor",
                 "\"\" is not one of none, blosc-lz4, blosc-lz4hc, blosc-blosclz, blosc-zstd, blosc-zlib, zstd, gzip");
}

TEST(CheckCompression, LevelIsCheckedAgainstTheChosenCodecsRange) {
  expect_refused({"blosc-lz4", 15, Shuffle::byte}, "clevel", "15 is not within 0..9 for blosc-lz4");
  expect_refused({"blosc-zlib", -1, Shuffle::byte}, "clevel", "-1 is not within 0..9 for blosc-zlib");
  expect_refused({"gzip", 10, Shuffle::byte}, "clevel", "10 is not within 0..9 for gzip");
  expect_refused({"zstd", 23, Shuffle::byte}, "clevel", "23 is not within 1..22 for zstd");
  // libzstd would take 0 as its default level 3: refused rather than surprising.
  expect_refused({"zstd", 0, Shuffle::byte}, "clevel", "0 is not within 1..22 for zstd");
  EXPECT_NO_THROW(check_compression({"zstd", 15, Shuffle::byte}));
}

TEST(CheckCompression, NoneIgnoresTheLevel) {
  EXPECT_NO_THROW(check_compression({"none", 22, Shuffle::byte}));
  EXPECT_NO_THROW(check_compression({"none", -5, Shuffle::byte}));
}

TEST(CheckCompression, ShuffleOutsideTheEnumIsRefusedWhateverTheCodec) {
  expect_refused({"blosc-lz4", 1, static_cast<Shuffle>(7)}, "shuffle", "7 is not none, byte or bit");
  expect_refused({"gzip", 1, static_cast<Shuffle>(7)}, "shuffle", "7 is not none, byte or bit");
}

TEST(CheckCompression, ValidateUsesIt) {
  Settings s;
  s.location = "/tmp/x.zarr";
  s.width = 64;
  s.height = 48;
  s.compression = {"zstd", 0, Shuffle::byte};
  try {
    validate(s);
    FAIL() << "zstd level 0 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.setting(), "clevel");
  }
}

TEST(MakeCodecChain, ChecksTheCompressionFirst) {
  try {
    make_codec_chain({"blosc-snappy", 1, Shuffle::byte}, DataType::uint8);
    FAIL() << "built a chain for an unknown codec";
  } catch (const Error& e) {
    EXPECT_EQ(e.setting(), "compressor");
  }
}

}  // namespace
}  // namespace zarr
