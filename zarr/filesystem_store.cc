#include "zarr/filesystem_store.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <fstream>

#include "zarr/error.hh"

namespace fs = std::filesystem;

namespace zarr {

namespace {

// Closes a descriptor on every path out of a function.
struct FileDescriptor {
  int fd = -1;
  explicit FileDescriptor(int f) : fd(f) {}
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  // Closing can report a delayed write error (NFS, quotas): check it.
  int release_and_close() {
    const int result = ::close(fd);
    fd = -1;
    return result;
  }
};

void sync_directory(const fs::path& directory) {
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) throw system_error(ErrorCode::open_failed, "cannot open directory", directory.string(), errno);
  if (::fsync(dir.fd) != 0 && errno != EINVAL)  // some filesystems cannot sync directories
    throw system_error(ErrorCode::write_failed, "cannot sync directory", directory.string(), errno);
}

bool is_existing_directory(const fs::path& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// O_DIRECT needs the buffer, the length and the file offset aligned to the
// device's logical block (512 or 4096 bytes); 4096 covers both.
constexpr std::size_t direct_io_alignment = 4096;
// Below this a value is written through the page cache (metadata, small chunks).
constexpr std::size_t direct_io_minimum = 1 << 20;

bool is_aligned(const std::byte* p) { return reinterpret_cast<std::uintptr_t>(p) % direct_io_alignment == 0; }

}  // namespace

FilesystemStore::FilesystemStore(fs::path root, bool sync_files) : root_(std::move(root)), sync_files_(sync_files) {
  struct stat st;
  if (::stat(root_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw Error(
          ErrorCode::already_exists,
          "location " + root_.string() + " exists and is not a directory (not a Zarr dataset); nothing was removed",
          root_.string(), ENOTDIR);
  } else if (errno != ENOENT) {
    throw system_error(ErrorCode::open_failed, "cannot access location", root_.string(), errno);
  }
  ensure_directory(root_);
}

void FilesystemStore::ensure_directory(const fs::path& directory) {
  {
    std::lock_guard lock(directories_mutex_);
    if (known_directories_.count(directory.string())) return;
  }
  if (!is_existing_directory(directory)) {
    const fs::path parent = directory.parent_path();
    if (!parent.empty() && parent != directory) ensure_directory(parent);
    if (::mkdir(directory.c_str(), 0777) != 0 && errno != EEXIST)
      throw system_error(ErrorCode::open_failed, "cannot create directory", directory.string(), errno);
    if (!is_existing_directory(directory))
      throw system_error(ErrorCode::open_failed, "cannot create directory", directory.string(), ENOTDIR);
    if (sync_files_ && !parent.empty()) sync_directory(parent);
  }
  std::lock_guard lock(directories_mutex_);
  known_directories_.insert(directory.string());
}

void FilesystemStore::put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) {
  const fs::path target = root_ / key;
  const fs::path directory = target.parent_path();
  ensure_directory(directory);
  fs::path temporary = hidden_sibling(target, "partial");

  // Large values go to the disk straight from the caller's buffer
  // (O_DIRECT): no copy into the page cache, whose fresh pages cost as much
  // as the copy itself here, and no dirty pages for the kernel to throttle.
  const bool direct =
      direct_io_ && !parts.empty() && parts[0].size() >= direct_io_minimum && is_aligned(parts[0].data());
  // A small value goes into a spare file (a replaced one) when one is
  // ready: rewriting it frees no blocks (see SpareFiles).
  fs::path spare = direct ? fs::path() : spares_.take(target);
  FileDescriptor file(spare.empty() ? -1 : ::open(spare.c_str(), O_WRONLY | O_CLOEXEC));
  if (file.fd >= 0)
    temporary = spare;
  else  // no spare, or it went with its folder
    file.fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | (direct ? O_DIRECT : 0), 0644);
  if (file.fd < 0 && direct && errno == EINVAL) {  // a filesystem without O_DIRECT
    direct_io_ = false;
    file.fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  }
  if (file.fd < 0) throw system_error(ErrorCode::open_failed, "cannot create", temporary.string(), errno);
  auto fail = [&](const char* action, int error) {
    ::unlink(temporary.c_str());
    return system_error(ErrorCode::write_failed, action, target.string(), error);
  };

  bool writing_direct = direct;
  for (std::span<const std::byte> bytes : parts) {
    const std::byte* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
      std::size_t size = left;
      if (writing_direct) {
        size = left / direct_io_alignment * direct_io_alignment;
        if (size == 0 || !is_aligned(data)) {
          // The unaligned rest goes through the page cache.
          if (::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_DIRECT) != 0) throw fail("cannot write", errno);
          writing_direct = false;
          size = left;
        }
      }
      const ssize_t n = ::write(file.fd, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw fail("cannot write", errno);
      }
      data += n;
      left -= std::size_t(n);
    }
  }
  if (temporary == spare && ::ftruncate(file.fd, ::lseek(file.fd, 0, SEEK_CUR)) != 0)  // was longer
    throw fail("cannot write", errno);
  if (sync_files_) {
    if (::fsync(file.fd) != 0) throw fail("cannot sync", errno);
  } else {
    // Start writeback now rather than at close: the disk works while the
    // next frames arrive, and the dirty page cache stays small.
    ::sync_file_range(file.fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  if (file.release_and_close() != 0) throw fail("cannot write", errno);
  // Without a spare, the value being replaced stays open across the rename:
  // its blocks are then freed at this function's end rather than inside
  // rename(), under the directory's lock, where a discard's wait would hold
  // every lookup of a new name in that directory (the workers' new chunks).
  const SpareFiles::Kept old = spares_.keep(target);
  const bool unkept = old.outcome == SpareFiles::Outcome::cannot_link;
  const FileDescriptor replaced(unkept ? ::open(target.c_str(), O_RDONLY | O_CLOEXEC) : -1);
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    if (old.outcome == SpareFiles::Outcome::kept) spares_.forget(old.spare);  // it is still the value
    throw fail("cannot rename into place", error);
  }
  if (sync_files_) sync_directory(directory);
}

std::optional<std::vector<std::byte>> FilesystemStore::get(const std::string& key) const {
  const fs::path path = root_ / key;
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw system_error(ErrorCode::open_failed, "cannot open", path.string(), errno);
  }
  std::vector<std::byte> bytes;
  std::byte buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw system_error(ErrorCode::open_failed, "cannot read", path.string(), errno);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  return bytes;
}

std::vector<std::string> FilesystemStore::list(const std::string& prefix, std::size_t max_keys) const {
  std::vector<std::string> keys;
  std::error_code error;
  fs::recursive_directory_iterator it(root_, error), end;
  if (error) throw system_error(ErrorCode::open_failed, "cannot list", root_.string(), error.value());
  for (; it != end && keys.size() < max_keys; it.increment(error)) {
    if (error) throw system_error(ErrorCode::open_failed, "cannot list", root_.string(), error.value());
    if (it->is_directory(error) || spares_.holds(it->path())) continue;
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (key.starts_with(prefix)) keys.push_back(std::move(key));
  }
  if (error) throw system_error(ErrorCode::open_failed, "cannot list", root_.string(), error.value());
  return keys;
}

void FilesystemStore::remove(const std::string& prefix) {
  {
    std::lock_guard lock(directories_mutex_);
    known_directories_.clear();
  }
  std::error_code error;
  if (!prefix.empty()) {
    fs::remove_all(root_ / prefix, error);
    if (error) throw system_error(ErrorCode::write_failed, "cannot remove", (root_ / prefix).string(), error.value());
    return;
  }
  // The whole dataset: empty the root but keep it (it may be a mount point).
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(root_, error), end; !error && it != end; it.increment(error))
    entries.push_back(it->path());
  if (error) throw system_error(ErrorCode::write_failed, "cannot list", root_.string(), error.value());
  for (const fs::path& entry : entries) {
    fs::remove_all(entry, error);
    if (error) throw system_error(ErrorCode::write_failed, "cannot remove", entry.string(), error.value());
  }
}

bool FilesystemStore::exists(const std::string& key) const {
  struct stat st;
  return ::stat((root_ / key).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void FilesystemStore::flush() {
  spares_.remove_all();
  if (sync_files_) return;  // every put was synced already
  FileDescriptor root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.fd < 0) throw system_error(ErrorCode::open_failed, "cannot open", root_.string(), errno);
  // One syncfs flushes the files of the whole dataset at once.
  if (::syncfs(root.fd) != 0)
    throw system_error(ErrorCode::write_failed, "cannot flush to disk", root_.string(), errno);
}

std::string FilesystemStore::describe(const std::string& key) const { return (root_ / key).string(); }

}  // namespace zarr
