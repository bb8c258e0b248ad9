#include "zarr/dataset_lock.hh"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "zarr/error.hh"

namespace fs = std::filesystem;

namespace zarr {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Who holds a lock, as its file says: "pid 12 on host lab-3, since <UTC>".
std::string holder_of(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder(text, n > 0 ? std::size_t(n) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
  return holder;
}

Error busy(const fs::path& location, const std::string& holder) {
  const std::string own_prefix = "pid " + std::to_string(::getpid()) + " on host " + host_name() + ",";
  std::string who = "another writer";
  if (holder.starts_with(own_prefix))
    who = "another recording of this process (" + holder + ")";
  else if (!holder.empty())
    who = "another writer (" + holder + ")";
  return Error(ErrorCode::busy,
               "location " + location.string() + " is being recorded by " + who +
                   "; a dataset has one writer at a time: wait for that recording to end, or choose another "
                   "location. Nothing was changed there.",
               location.string(), EWOULDBLOCK);
}

bool same_file(int fd, const fs::path& path) {
  struct stat open_file, named_file;
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named_file) == 0 &&
         open_file.st_dev == named_file.st_dev && open_file.st_ino == named_file.st_ino;
}

}  // namespace

fs::path DatasetLock::lock_path(const fs::path& location) {
  std::error_code error;
  // The real directory, so that two names of one dataset (a symlink) share a lock.
  fs::path dataset = fs::weakly_canonical(fs::absolute(location), error);
  if (error) dataset = fs::absolute(location).lexically_normal();
  if (!dataset.has_filename()) dataset = dataset.parent_path();
  return dataset.parent_path() / ("." + dataset.filename().string() + ".lock");
}

DatasetLock::DatasetLock(const fs::path& location) : path_(lock_path(location)) {
  std::error_code error;
  fs::create_directories(path_.parent_path(), error);
  if (error)
    throw system_error(ErrorCode::open_failed, "cannot create directory", path_.parent_path().string(), error.value());
  // The holder removes the file before it unlocks: a writer that locked a
  // file no longer at the path lost that race, and tries again.
  for (;;) {
    // Anyone may lock it (0666 before the umask); a read-only descriptor
    // locks as well when another user made the file.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    const int create_errno = errno;
    if (fd_ < 0 && (errno == EACCES || errno == EROFS)) fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)  // the reason it could not be made, not that a file made by another is missing
      throw system_error(
          ErrorCode::open_failed,
          "cannot write the dataset " + location.string() + ": cannot create its lock file (one writer per dataset)",
          path_.string(), errno == ENOENT ? create_errno : errno);
    int result;
    do result = ::flock(fd_, LOCK_EX | LOCK_NB);
    while (result != 0 && errno == EINTR);
    if (result != 0) {
      const int lock_errno = errno;
      const std::string holder = holder_of(fd_);
      ::close(fd_);
      fd_ = -1;
      if (lock_errno == EWOULDBLOCK) throw busy(location, holder);
      throw system_error(ErrorCode::open_failed, "cannot lock (one writer per dataset)", path_.string(), lock_errno);
    }
    if (same_file(fd_, path_)) break;
    ::close(fd_);
  }
  // Best effort: the holder's name only makes the refusal of others clearer.
  const std::string holder = "pid " + std::to_string(::getpid()) + " on host " + host_name() + ", since " + utc_now();
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, holder.data(), holder.size(), 0) < 0) return;
}

DatasetLock::~DatasetLock() {
  ::unlink(path_.c_str());  // may fail (a parent this user cannot write): the lock still ends with close
  ::close(fd_);
}

}  // namespace zarr
