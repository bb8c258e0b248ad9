// Files that a put() replaced, kept as hidden spares and rewritten in place
// by a later put() in the same directory instead of being deleted. Deleting
// a file frees its blocks, and on a filesystem mounted with online discard
// (ext4 without a journal on this project's VMs) each free sends the disk a
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

// A name beside `target`, hidden and unique in this process:
// .<name>.<pid>-<n>.<kind> (a temporary file's or a spare's).
std::filesystem::path hidden_sibling(const std::filesystem::path& target, const char* kind);

class SpareFiles {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SpareFiles(Clock::duration grace) : grace_(grace) {}
  // Deletes the spares left (see remove_all()).
  ~SpareFiles();

  SpareFiles(const SpareFiles&) = delete;
  SpareFiles& operator=(const SpareFiles&) = delete;

  // A spare in `target`'s directory replaced at least `grace` ago, no
  // longer a spare (the caller rewrites it and renames it onto `target`);
  // empty if none. Spares are shared by the keys of a directory, so keys
  // replaced only for a while (a frame table's partial chunk) leave none
  // behind for long.
  std::filesystem::path take(const std::filesystem::path& target);

  enum class Outcome { nothing_there, kept, cannot_link };
  struct Kept {
    Outcome outcome;
    std::filesystem::path spare;  // with Outcome::kept
  };
  // Before `target` is replaced: links its file under a hidden name beside
  // it, so that the rename frees nothing. cannot_link on a filesystem
  // without hard links (the replaced file is then freed as before). Puts of
  // one key must not run at once (a writer never does that).
  Kept keep(const std::filesystem::path& target);
  // Undoes a keep() whose rename failed (the file is still the value) and
  // removes the spare's name.
  void forget(const std::filesystem::path& spare);

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
  std::map<std::string, std::vector<Spare>> spares_;  // by directory, oldest first
};

}  // namespace zarr
