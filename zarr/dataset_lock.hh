// One writer per dataset: an advisory lock (flock) on a hidden file next to
// the dataset, `.<name>.lock` in its parent directory, held from before the
// location is touched until the writer is closed. Next to it rather than in
// it: an overwrite moves the old dataset aside and makes a new directory, and
// a lock inside would move with it (the next writer would lock a new file);
// readers never see it as a member either. The kernel releases the lock when
// the process dies, so a crash leaves nothing to clean up by hand.
#pragma once

#include <filesystem>
#include <string>

namespace zarr {

class DatasetLock {
 public:
  // Locks the dataset at `location` (existing or not; missing parents are
  // created). Throws Error(busy) when another writer holds it, in this
  // process or another, naming the holder when the lock file says who;
  // Error(open_failed) when the lock file cannot be made or locked.
  explicit DatasetLock(const std::filesystem::path& location);
  // Removes the lock file, then releases the lock.
  ~DatasetLock();

  DatasetLock(const DatasetLock&) = delete;
  DatasetLock& operator=(const DatasetLock&) = delete;

  // Where the lock of the dataset at `location` lives.
  static std::filesystem::path lock_path(const std::filesystem::path& location);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace zarr
