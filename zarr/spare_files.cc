#include "zarr/spare_files.hh"

#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace fs = std::filesystem;

namespace zarr {

namespace {

fs::path spare_name(const fs::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  return target.parent_path() / ("." + target.filename().string() + "." + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter.fetch_add(1)) + ".spare");
}

}  // namespace

SpareFiles::~SpareFiles() { remove_all(); }

fs::path SpareFiles::take(const fs::path& target) {
  std::lock_guard lock(mutex_);
  const auto found = spares_.find(target.string());
  if (found == spares_.end() || found->second.empty()) return {};
  std::vector<Spare>& spares = found->second;
  if (Clock::now() - spares.front().replaced < grace_) return {};
  fs::path path = std::move(spares.front().path);
  spares.erase(spares.begin());
  return path;
}

SpareFiles::Kept SpareFiles::keep(const fs::path& target) {
  const fs::path spare = spare_name(target);
  if (::link(target.c_str(), spare.c_str()) != 0) return errno == ENOENT ? Kept::nothing_there : Kept::cannot_link;
  std::lock_guard lock(mutex_);
  spares_[target.string()].push_back({spare, Clock::now()});
  return Kept::kept;
}

void SpareFiles::forget_newest(const fs::path& target) {
  fs::path newest;
  {
    std::lock_guard lock(mutex_);
    const auto found = spares_.find(target.string());
    if (found == spares_.end() || found->second.empty()) return;
    newest = std::move(found->second.back().path);
    found->second.pop_back();
  }
  ::unlink(newest.c_str());
}

bool SpareFiles::holds(const fs::path& path) const {
  std::lock_guard lock(mutex_);
  for (const auto& [target, spares] : spares_)
    for (const Spare& spare : spares)
      if (spare.path == path) return true;
  return false;
}

std::size_t SpareFiles::remove_all() {
  std::map<std::string, std::vector<Spare>> spares;
  {
    std::lock_guard lock(mutex_);
    spares.swap(spares_);
  }
  std::size_t removed = 0;
  for (const auto& [target, list] : spares)
    for (const Spare& spare : list) removed += ::unlink(spare.path.c_str()) == 0;
  return removed;
}

}  // namespace zarr
