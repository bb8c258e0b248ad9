// Overwriting a dataset on a filesystem without ever losing the old one on
// failure: first every directory of it is checked removable by this process
// (access(2), which also knows that root may remove anything), then it is
// renamed aside in one step to a hidden sibling, and deleted only once the
// new dataset's metadata is written. A failure before that puts it back.
#pragma once

#include <filesystem>

namespace zarr {

class DatasetReplacement {
 public:
  // Checks that the dataset at `root` can be removed, moves it aside and
  // leaves an empty directory at `root` (same permissions). Where it cannot
  // be renamed (a mount point, a parent this user may not write) it is
  // emptied in place instead, after the same check. Throws
  // Error(open_failed) naming what this user cannot remove: nothing was
  // changed then.
  explicit DatasetReplacement(const std::filesystem::path& root);
  // Puts the old dataset back, unless discard() was called.
  ~DatasetReplacement();

  DatasetReplacement(const DatasetReplacement&) = delete;
  DatasetReplacement& operator=(const DatasetReplacement&) = delete;

  // Deletes the old dataset, once the new one is written. Throws
  // Error(write_failed) naming what is left of it.
  void discard();

  // Where the old dataset waits ("" when it was emptied in place).
  const std::filesystem::path& aside() const { return aside_; }

 private:
  std::filesystem::path root_;   // the real directory (symlinks resolved)
  std::filesystem::path aside_;  // the old dataset, until discard()
};

}  // namespace zarr
