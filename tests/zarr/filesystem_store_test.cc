#include "zarr/filesystem_store.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "tests/zarr/test_dir.hh"
#include "zarr/error.hh"
#include "zarr/large_buffer.hh"
#include "zarr/location.hh"

namespace zarr {
namespace {

using testing::TestDir;

std::span<const std::byte> bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string text(const std::optional<std::vector<std::byte>>& value) {
  return value ? std::string(reinterpret_cast<const char*>(value->data()), value->size()) : "<none>";
}

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(FilesystemStore, PutGetListExistsRemove) {
  TestDir dir;
  FilesystemStore store(dir / "a/b/data.zarr", true);  // missing parents are created
  store.put(".zgroup", bytes("{}"));
  store.put("0/1/0/2", bytes("chunk"));
  store.put("0/1/0/2", bytes("replaced"));
  EXPECT_EQ(text(store.get("0/1/0/2")), "replaced");
  EXPECT_EQ(text(store.get("0/9")), "<none>");
  EXPECT_TRUE(store.exists(".zgroup"));
  EXPECT_FALSE(store.exists("0/1"));  // a directory is not a key
  // No temporary files are left behind.
  EXPECT_EQ(sorted(store.list("")), (std::vector<std::string>{".zgroup", "0/1/0/2"}));
  EXPECT_EQ(store.list("0/"), (std::vector<std::string>{"0/1/0/2"}));
  EXPECT_EQ(store.list("", 1).size(), 1u);
  store.remove("0");
  EXPECT_EQ(store.list(""), (std::vector<std::string>{".zgroup"}));
  store.put("0/5", bytes("again"));  // directories removed behind the cache are recreated
  EXPECT_EQ(text(store.get("0/5")), "again");
  store.remove("");
  EXPECT_TRUE(store.list("").empty());
  EXPECT_TRUE(std::filesystem::is_directory(dir / "a/b/data.zarr"));
}

// Metadata is replaced at every chunk row; freeing the old file's blocks
// would send the disk a discard (see SpareFiles), so nothing is freed
// before flush(), and a reader holding the old value still reads it whole.
TEST(FilesystemStore, ReplacedValuesAreKeptAsSparesUntilFlush) {
  TestDir dir;
  FilesystemStore store(dir / "data.zarr", false);
  store.put("0/.zarray", bytes("{\"shape\": [0]}"));
  std::ifstream reader(dir / "data.zarr/0/.zarray");  // opened before the replacements
  for (int rows = 1; rows <= 5; ++rows) store.put("0/.zarray", bytes("{\"shape\": [" + std::to_string(rows) + "]}"));
  EXPECT_EQ(text(store.get("0/.zarray")), "{\"shape\": [5]}");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(reader), {}), "{\"shape\": [0]}");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "data.zarr/0")) files += entry.is_regular_file();
  EXPECT_EQ(files, 6u) << "the value and its 5 replaced files, none freed";
  EXPECT_EQ(store.list(""), (std::vector<std::string>{"0/.zarray"})) << "spares are not values";

  store.flush();
  files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "data.zarr/0")) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u) << "flush() deletes the spares";
  EXPECT_EQ(text(store.get("0/.zarray")), "{\"shape\": [5]}");
}

// A value of `size` bytes starting `offset` bytes into a page-aligned
// buffer, each byte different from its neighbours.
std::span<const std::byte> pattern(const LargeBuffer& buffer, std::size_t offset, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) buffer.data()[offset + i] = std::byte((offset + i) * 131 % 251);
  return {buffer.data() + offset, size};
}

// Large aligned values are written with O_DIRECT, the unaligned rest
// through the page cache: every byte must come back, whatever the mix.
TEST(FilesystemStore, LargeValuesAlignedOrNotReadBackExactly) {
  TestDir dir;
  for (bool sync : {false, true}) {
    FilesystemStore store(dir / (sync ? "synced.zarr" : "data.zarr"), sync);
    LargeBuffer buffer(16 << 20);
    const std::vector<std::vector<std::pair<std::size_t, std::size_t>>> cases = {
        {{0, 4 << 20}},                                                  // aligned, whole blocks
        {{0, (3 << 20) + 123}},                                          // aligned start, ragged tail
        {{4096, 2 << 20}, {(6 << 20), 5000}, {(8 << 20) + 7, 1 << 20}},  // a shard: parts, one unaligned
        {{9, 2 << 20}},                                                  // unaligned start
        {{0, 1000}},                                                     // small: page cache only
    };
    for (std::size_t c = 0; c < cases.size(); ++c) {
      std::vector<std::span<const std::byte>> parts;
      std::vector<std::byte> expected;
      for (auto [offset, size] : cases[c]) {
        parts.push_back(pattern(buffer, offset, size));
        expected.insert(expected.end(), parts.back().begin(), parts.back().end());
      }
      const std::string key = "0/" + std::to_string(c);
      store.put_parts(key, parts);
      const auto value = store.get(key);
      ASSERT_TRUE(value) << key;
      EXPECT_EQ(value->size(), expected.size()) << key;
      EXPECT_TRUE(*value == expected) << key << " differs";
    }
  }
}

TEST(FilesystemStore, LocationThatIsAFileIsRefused) {
  TestDir dir;
  std::ofstream(dir / "file") << "x";
  try {
    FilesystemStore store(dir / "file", false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::already_exists);
    EXPECT_EQ(e.path(), (dir / "file").string());
  }
}

TEST(FilesystemStore, ParentThatIsAFileGivesPathAndSystemMessage) {
  TestDir dir;
  std::ofstream(dir / "file") << "x";
  try {
    FilesystemStore store(dir / "file/sub/data.zarr", false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::open_failed);
    EXPECT_EQ(e.system_errno(), ENOTDIR);
    EXPECT_NE(std::string(e.what()).find((dir / "file/sub").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos) << e.what();
  }
}

TEST(Location, EmptyIsUsedZarrIsReplacedOnlyWithOverwriteOtherIsNeverRemoved) {
  TestDir dir;
  FilesystemStore store(dir / "data", false);
  EXPECT_EQ(prepare_location(store, false), nullptr);

  store.put(".zgroup", bytes("{}"));
  store.put("0/0", bytes("x"));
  EXPECT_THROW((void)prepare_location(store, false), Error);
  EXPECT_TRUE(store.exists("0/0"));
  prepare_location(store, true)->discard();
  EXPECT_TRUE(store.list("").empty());

  store.put("notes.txt", bytes("mine"));
  for (bool overwrite : {false, true}) {
    try {
      (void)prepare_location(store, overwrite);
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::already_exists);
      EXPECT_NE(std::string(e.what()).find("not a Zarr dataset"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(text(store.get("notes.txt")), "mine");
}

TEST(Location, V3DatasetCountsAsZarr) {
  TestDir dir;
  FilesystemStore store(dir / "v3", false);
  store.put("zarr.json", bytes("{}"));
  EXPECT_TRUE(holds_zarr_dataset(store));
  prepare_location(store, true)->discard();
  EXPECT_FALSE(store.exists("zarr.json"));
}

}  // namespace
}  // namespace zarr
