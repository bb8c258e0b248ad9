#include "zarr/spare_files.hh"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/zarr/test_dir.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using testing::TestDir;

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string read(const std::filesystem::path& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

ino_t inode(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// What FilesystemStore::put() does around a replacement.
void replace(SpareFiles& spares, const std::filesystem::path& target, const std::string& text) {
  std::filesystem::path file = spares.take(target);
  if (file.empty()) file = target.string() + ".new";
  write(file, text);
  ASSERT_NE(spares.keep(target).outcome, SpareFiles::Outcome::cannot_link);
  std::filesystem::rename(file, target);
}

TEST(SpareFiles, AReplacedFileStaysWholeAsASpareAndIsReusedOnlyAfterTheGrace) {
  TestDir dir;
  const std::filesystem::path target = dir / ".zarray";
  SpareFiles spares(200ms);
  EXPECT_EQ(spares.keep(target).outcome, SpareFiles::Outcome::nothing_there);
  write(target, "first");
  const ino_t first = inode(target);
  replace(spares, target, "second");
  EXPECT_EQ(read(target), "second");
  EXPECT_TRUE(spares.take(target).empty()) << "replaced just now: a reader may still read it";

  std::this_thread::sleep_for(250ms);
  const std::filesystem::path spare = spares.take(target);
  ASSERT_FALSE(spare.empty());
  EXPECT_EQ(inode(spare), first) << "the replaced file itself, not a copy: its blocks were never freed";
  EXPECT_EQ(read(spare), "first");
  EXPECT_TRUE(spare.filename().string().starts_with(".")) << "hidden beside the target: " << spare;
  EXPECT_EQ(spare.parent_path(), target.parent_path());
  EXPECT_TRUE(spares.take(target).empty()) << "taken once";
}

TEST(SpareFiles, RemoveAllDeletesEverySpareAndNothingElse) {
  TestDir dir;
  SpareFiles spares(1h);  // none is reused
  for (const char* name : {".zarray", ".zattrs"}) {
    write(dir / name, "old");
    replace(spares, dir / name, "new");
    replace(spares, dir / name, "newer");
  }
  std::size_t held = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) held += spares.holds(entry.path());
  EXPECT_EQ(held, 4u);
  EXPECT_FALSE(spares.holds(dir / ".zarray"));
  EXPECT_EQ(spares.remove_all(), 4u);
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) left.push_back(entry.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{".zarray", ".zattrs"}));
  EXPECT_EQ(read(dir / ".zarray"), "newer");
}

TEST(SpareFiles, ForgetUndoesAKeepWhoseRenameFailed) {
  TestDir dir;
  const std::filesystem::path target = dir / "zarr.json";
  SpareFiles spares(0ms);
  write(target, "value");
  const SpareFiles::Kept kept = spares.keep(target);
  ASSERT_EQ(kept.outcome, SpareFiles::Outcome::kept);
  EXPECT_EQ(inode(kept.spare), inode(target));
  spares.forget(kept.spare);
  EXPECT_TRUE(spares.take(target).empty()) << "the value itself must never be rewritten as a spare";
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
  EXPECT_EQ(read(target), "value");
}

// A frame table's partial chunk is replaced while it fills, then never
// again: its spares serve the next chunk's key in the same directory.
TEST(SpareFiles, SparesServeEveryKeyOfTheirDirectoryAndNoOther) {
  TestDir dir;
  std::filesystem::create_directory(dir / "other");
  SpareFiles spares(0ms);
  write(dir / "0", "chunk 0, part");
  const ino_t first = inode(dir / "0");
  replace(spares, dir / "0", "chunk 0, whole");
  EXPECT_TRUE(spares.take(dir / "other/0").empty()) << "another directory";
  const std::filesystem::path spare = spares.take(dir / "1");
  EXPECT_EQ(inode(spare), first);
}

}  // namespace
}  // namespace zarr
