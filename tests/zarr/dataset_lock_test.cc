#include "zarr/dataset_lock.hh"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/zarr/test_dir.hh"
#include "zarr/error.hh"
#include "zarr/writer.hh"

namespace zarr {
namespace {

using testing::TestDir;

Settings small(const std::filesystem::path& location) {
  Settings s;
  s.location = location.string();
  s.width = 6;
  s.height = 4;
  s.tile_width = 4;
  s.tile_height = 4;
  s.tile_planes = 2;
  s.sync_files = false;
  s.overwrite = true;
  return s;
}

// The error a second lock of `location` gets, or a failure.
Error refusal(const std::filesystem::path& location) {
  try {
    DatasetLock second(location);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "a second lock of " << location << " was granted";
  return Error(ErrorCode::invalid_setting, "none");
}

TEST(DatasetLock, SecondLockInTheSameProcessIsRefusedNamingLocationAndHolder) {
  TestDir dir;
  const auto location = dir / "run.zarr";
  DatasetLock first(location);
  const Error e = refusal(location);
  EXPECT_EQ(e.code(), ErrorCode::busy);
  EXPECT_EQ(e.path(), location.string());
  const std::string message = e.what();
  EXPECT_NE(message.find(location.string()), std::string::npos) << message;
  EXPECT_NE(message.find("this process (pid " + std::to_string(::getpid())), std::string::npos) << message;
}

TEST(DatasetLock, LivesNextToTheDatasetAndIsGoneWhenReleased) {
  TestDir dir;
  const auto location = dir / "run.zarr";
  EXPECT_EQ(DatasetLock::lock_path(location), dir / ".run.zarr.lock");
  EXPECT_EQ(DatasetLock::lock_path(location.string() + "/"), dir / ".run.zarr.lock");
  {
    DatasetLock lock(location);
    EXPECT_TRUE(std::filesystem::exists(dir / ".run.zarr.lock"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / ".run.zarr.lock"));
  DatasetLock again(location);  // released
}

TEST(DatasetLock, TwoNamesOfOneDatasetShareTheLock) {
  TestDir dir;
  std::filesystem::create_directory(dir / "run.zarr");
  std::filesystem::create_directory_symlink(dir / "run.zarr", dir / "link.zarr");
  DatasetLock first(dir / "run.zarr");
  EXPECT_EQ(refusal(dir / "link.zarr").code(), ErrorCode::busy);
}

TEST(DatasetLock, WriterHoldsItUntilDestroyedAndASecondWriterChangesNothing) {
  TestDir dir;
  const Settings s = small(dir / "run.zarr");
  {
    Writer first(s);
    try {
      Writer second(s);
      FAIL() << "a second writer opened " << s.location;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::busy) << e.what();
    }
    // The first writer's dataset is untouched.
    EXPECT_TRUE(std::filesystem::exists(dir / "run.zarr" / ".zgroup"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run.zarr" / "0" / ".zarray"));
    EXPECT_EQ(refusal(s.location).code(), ErrorCode::busy);
    first.close();
  }
  Writer after(s);  // released with the first writer
}

}  // namespace
}  // namespace zarr
