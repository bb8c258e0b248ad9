#include "zarr/dataset_replacement.hh"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "zarr/error.hh"

namespace fs = std::filesystem;

namespace zarr {

namespace {

[[noreturn]] void refuse(const fs::path& root, const fs::path& blocker, int error) {
  throw Error(ErrorCode::open_failed,
              "cannot replace the dataset at " + root.string() + ": " + blocker.string() +
                  " cannot be removed by this user (" + std::strerror(error) +
                  "); nothing was removed. Give this user write access to it, remove the dataset by hand, or "
                  "choose another location.",
              blocker.string(), error);
}

// Removing a tree needs every directory in it readable, writable and
// searchable; files need nothing of their own. Throws before anything changes.
void check_removable(const fs::path& root) {
  if (::access(root.c_str(), R_OK | W_OK | X_OK) != 0) refuse(root, root, errno);
  std::error_code error;
  fs::recursive_directory_iterator it(root, error), end;
  for (; !error && it != end; it.increment(error)) {
    if (it->symlink_status(error).type() != fs::file_type::directory) continue;
    // Checked before the iterator goes in, so an unreadable one is named here.
    if (::access(it->path().c_str(), R_OK | W_OK | X_OK) != 0) refuse(root, it->path(), errno);
  }
  if (error) refuse(root, root, error.value());
}

fs::path aside_name(const fs::path& root) {
  static std::atomic<unsigned> counter{0};
  return root.parent_path() / ("." + root.filename().string() + ".replaced-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter.fetch_add(1)));
}

// Removes what is in `directory`, keeping the directory.
void empty_in_place(const fs::path& directory) {
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    std::error_code removing;
    fs::remove_all(it->path(), removing);
    if (removing) throw system_error(ErrorCode::write_failed, "cannot remove", it->path().string(), removing.value());
  }
  if (error) throw system_error(ErrorCode::write_failed, "cannot list", directory.string(), error.value());
}

}  // namespace

DatasetReplacement::DatasetReplacement(const fs::path& root) {
  std::error_code error;
  root_ = fs::canonical(root, error);  // rename the directory, not a symlink to it
  if (error) throw system_error(ErrorCode::open_failed, "cannot look at", root.string(), error.value());
  check_removable(root_);

  struct stat old_root;
  if (::stat(root_.c_str(), &old_root) != 0)
    throw system_error(ErrorCode::open_failed, "cannot look at", root_.string(), errno);
  const fs::path aside = aside_name(root_);
  if (::rename(root_.c_str(), aside.c_str()) != 0) {
    // A mount point (EBUSY) or a parent this user may not write: the check
    // above is then the only guard.
    empty_in_place(root_);
    return;
  }
  aside_ = aside;
  if (::mkdir(root_.c_str(), 0777) != 0 || ::chmod(root_.c_str(), old_root.st_mode & 07777) != 0) {
    const int mkdir_errno = errno;
    ::rmdir(root_.c_str());
    ::rename(aside_.c_str(), root_.c_str());
    aside_.clear();
    throw system_error(ErrorCode::open_failed, "cannot create directory", root_.string(), mkdir_errno);
  }
}

DatasetReplacement::~DatasetReplacement() {
  if (aside_.empty()) return;
  // The new dataset failed before it was whole: it goes, the old one comes back.
  std::error_code ignored;
  fs::remove_all(root_, ignored);
  ::rename(aside_.c_str(), root_.c_str());
}

void DatasetReplacement::discard() {
  if (aside_.empty()) return;
  const fs::path aside = aside_;
  aside_.clear();
  std::error_code error;
  fs::remove_all(aside, error);
  if (error)
    throw Error(ErrorCode::write_failed,
                "the new dataset at " + root_.string() + " is written, but the old one, moved aside to " +
                    aside.string() + ", could not be removed (" + error.message() + "); remove " + aside.string() +
                    " by hand",
                aside.string(), error.value());
}

}  // namespace zarr
