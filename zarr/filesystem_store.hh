// A Store on a local filesystem: the dataset root is a directory, keys are
// files below it. put() writes a temporary file in the target directory,
// optionally fsyncs it, and renames it into place. A value it replaces is
// kept as a spare file until flush() (see SpareFiles).
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <unordered_set>

#include "zarr/spare_files.hh"
#include "zarr/store.hh"

namespace zarr {

class FilesystemStore final : public Store {
 public:
  // Creates the root and its missing parents. Throws zarr::Error when the
  // root cannot be created or exists as something other than a directory.
  FilesystemStore(std::filesystem::path root, bool sync_files);

  void put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) override;
  std::optional<std::vector<std::byte>> get(const std::string& key) const override;
  std::vector<std::string> list(const std::string& prefix, std::size_t max_keys = SIZE_MAX) const override;
  void remove(const std::string& prefix) override;
  bool exists(const std::string& key) const override;
  void flush() override;
  std::string describe(const std::string& key) const override;

  const std::filesystem::path& root() const { return root_; }

 private:
  void ensure_directory(const std::filesystem::path& directory);

  std::filesystem::path root_;
  bool sync_files_;
  std::atomic<bool> direct_io_{true};  // off once the filesystem refuses O_DIRECT
  std::mutex directories_mutex_;
  std::unordered_set<std::string> known_directories_;  // saves a mkdir per chunk
  SpareFiles spares_{std::chrono::seconds(2)};  // a reader of the old value has 2 s to read it
};

}  // namespace zarr
