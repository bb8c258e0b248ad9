#include "zarr/spare_files.hh"

#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace fs = std::filesystem;

namespace zarr {

fs::path hidden_sibling(const fs::path& target, const char* kind) {
  static std::atomic<std::uint64_t> counter{0};
  return target.parent_path() / ("." + target.filename().string() + "." + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter.fetch_add(1)) + "." + kind);
}

SpareFiles::~SpareFiles() { remove_all(); }

fs::path SpareFiles::take(const fs::path& target) {
  std::lock_guard lock(mutex_);
  const auto found = spares_.find(target.parent_path().string());
  if (found == spares_.end() || found->second.empty()) return {};
  std::vector<Spare>& spares = found->second;
  if (Clock::now() - spares.front().replaced < grace_) return {};
  fs::path path = std::move(spares.front().path);
  spares.erase(spares.begin());
  return path;
}

SpareFiles::Kept SpareFiles::keep(const fs::path& target) {
  fs::path spare = hidden_sibling(target, "spare");
  if (::link(target.c_str(), spare.c_str()) != 0)
    return {errno == ENOENT ? Outcome::nothing_there : Outcome::cannot_link, {}};
  std::lock_guard lock(mutex_);
  spares_[target.parent_path().string()].push_back({spare, Clock::now()});
  return {Outcome::kept, std::move(spare)};
}

void SpareFiles::forget(const fs::path& spare) {
  {
    std::lock_guard lock(mutex_);
    std::vector<Spare>& spares = spares_[spare.parent_path().string()];
    std::erase_if(spares, [&](const Spare& s) { return s.path == spare; });
  }
  ::unlink(spare.c_str());
}

bool SpareFiles::holds(const fs::path& path) const {
  std::lock_guard lock(mutex_);
  const auto found = spares_.find(path.parent_path().string());
  if (found == spares_.end()) return false;
  for (const Spare& spare : found->second)
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
  for (const auto& [directory, list] : spares)
    for (const Spare& spare : list) removed += ::unlink(spare.path.c_str()) == 0;
  return removed;
}

}  // namespace zarr
