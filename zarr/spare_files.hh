// Files that a put() replaced, kept as hidden spares and rewritten in place
// by a later put() of the same key instead of being deleted. Deleting a file
// frees its blocks, and on a filesystem mounted with online discard (ext4
// without a journal on this project's VMs) each free sends the disk a
// discard that can stall every write for up to a second: long enough for a
// live camera to drop frames, and the metadata is replaced at every row.
// A spare is rewritten only `grace` after it was replaced, so a reader that
// opened the old value and reads it at once never sees it change.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace zarr {

class SpareFiles {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SpareFiles(Clock::duration grace) : grace_(grace) {}
  // Deletes the spares left (see remove_all()).
  ~SpareFiles();

  SpareFiles(const SpareFiles&) = delete;
  SpareFiles& operator=(const SpareFiles&) = delete;

  // A spare of `target` replaced at least `grace` ago, no longer a spare
  // (the caller rewrites it and renames it onto `target`); empty if none.
  std::filesystem::path take(const std::filesystem::path& target);

  enum class Kept { nothing_there, kept, cannot_link };
  // Before `target` is replaced: links its file under a hidden name beside
  // it, so that the rename frees nothing. cannot_link on a filesystem
  // without hard links (the replaced file is then freed as before). Puts of
  // one key must not run at once (a writer never does that).
  Kept keep(const std::filesystem::path& target);

  // Undoes the last keep() of `target` (its rename failed: the file is
  // still the value) and removes the spare's name.
  void forget_newest(const std::filesystem::path& target);

  // Whether `path` is one of the spares (not a value of the store).
  bool holds(const std::filesystem::path& path) const;

  // Deletes every spare (the end of a recording: the blocks are freed once,
  // when nothing waits for the disk). Returns how many.
  std::size_t remove_all();

 private:
  struct Spare {
    std::filesystem::path path;
    Clock::time_point replaced;
  };
  const Clock::duration grace_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Spare>> spares_;  // by target, oldest first
};

}  // namespace zarr
