#include "zarr/dataset_replacement.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/zarr/test_dir.hh"
#include "zarr/writer.hh"

namespace zarr {
namespace {

using testing::TestDir;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DatasetReplacement, DroppedPutsTheOldDatasetBackAndTheNewOneGoes) {
  TestDir dir;
  write_file(dir / "run.zarr" / ".zgroup", "old");
  write_file(dir / "run.zarr" / "0" / "0.0", "old chunk");
  {
    DatasetReplacement replaced(dir / "run.zarr");
    EXPECT_TRUE(fs::is_empty(dir / "run.zarr"));
    EXPECT_EQ(read_file(replaced.aside() / "0" / "0.0"), "old chunk");
    write_file(dir / "run.zarr" / ".zgroup", "new, unfinished");
  }
  EXPECT_EQ(read_file(dir / "run.zarr" / ".zgroup"), "old");
  EXPECT_EQ(read_file(dir / "run.zarr" / "0" / "0.0"), "old chunk");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"run.zarr"});
}

TEST(DatasetReplacement, DiscardLeavesNoHiddenSibling) {
  TestDir dir;
  write_file(dir / "run.zarr" / "0" / "0.0", "old chunk");
  fs::permissions(dir / "run.zarr", fs::perms(0750));
  DatasetReplacement replaced(dir / "run.zarr");
  write_file(dir / "run.zarr" / ".zgroup", "new");
  replaced.discard();
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"run.zarr"});
  EXPECT_EQ(names_in(dir / "run.zarr"), std::vector<std::string>{".zgroup"});
  EXPECT_EQ(fs::status(dir / "run.zarr").permissions(), fs::perms(0750));  // the old directory's
}

TEST(DatasetReplacement, ASymlinkedDatasetIsReplacedWhereItReallyIs) {
  TestDir dir;
  write_file(dir / "real.zarr" / "0" / "0.0", "old chunk");
  fs::create_directory_symlink(dir / "real.zarr", dir / "link.zarr");
  DatasetReplacement replaced(dir / "link.zarr");
  replaced.discard();
  EXPECT_TRUE(fs::is_symlink(dir / "link.zarr"));
  EXPECT_TRUE(fs::is_empty(dir / "real.zarr"));
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"link.zarr", "real.zarr"}));
}

TEST(DatasetReplacement, AWriterThatOverwritesLeavesOnlyTheNewDataset) {
  TestDir dir;
  Settings s;
  s.location = (dir / "run.zarr").string();
  s.width = 6;
  s.height = 4;
  s.tile_width = 4;
  s.tile_height = 4;
  s.tile_planes = 2;
  s.sync_files = false;
  { Writer(s).close(); }
  write_file(dir / "run.zarr" / "old-leftover", "x");
  s.overwrite = true;
  {
    Writer writer(s);
    writer.close();
  }
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"run.zarr"});  // no sibling, no lock file
  EXPECT_FALSE(fs::exists(dir / "run.zarr" / "old-leftover"));
  EXPECT_TRUE(fs::exists(dir / "run.zarr" / "0" / ".zarray"));
}

}  // namespace
}  // namespace zarr
