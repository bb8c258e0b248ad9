// The one exception type of the library: a sentence for the user that names
// the setting or the path, plus what a caller needs to classify it.
#pragma once

#include <stdexcept>
#include <string>

namespace zarr {

enum class ErrorCode {
  invalid_setting,  // a Settings field or the metadata JSON is wrong
  already_exists,   // location holds data and overwrite is off, or is not a Zarr dataset
  open_failed,      // cannot create or open the location or a file in it
  write_failed,     // writing, syncing or renaming failed
  no_space,         // ENOSPC / EDQUOT
  invalid_frame,    // a frame does not match the array (size, channels)
  cancelled,        // Writer::cancel() ended a wait, a sleep or a transfer
  insufficient_memory,  // the recording's chunk rows need more memory than the process may use
  busy,             // another writer holds the dataset's lock (DatasetLock)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string path = {}, int system_errno = 0)
      : std::runtime_error(message), code_(code), path_(std::move(path)), errno_(system_errno) {}

  ErrorCode code() const { return code_; }
  const std::string& path() const { return path_; }  // empty when no path is involved
  int system_errno() const { return errno_; }        // 0 when not a system error
  // The setting an invalid_setting error is about, by its public name (the
  // zarrsink property of the same name): "tile-planes", "location"...
  const std::string& setting() const { return setting_; }

 private:
  friend Error invalid_setting(const std::string& setting, const std::string& why);
  ErrorCode code_;
  std::string path_;
  int errno_;
  std::string setting_;
};

// Error(invalid_setting) about `setting` (its public name, see setting()):
// "invalid setting \"<setting>\": <why>". `why` may name other settings the
// same way, quoted.
Error invalid_setting(const std::string& setting, const std::string& why);

// An Error for a failed system call on `path`: "<action> <path>: <strerror>".
// ENOSPC and EDQUOT become no_space whatever `code` says.
Error system_error(ErrorCode code, const std::string& action, const std::string& path, int system_errno);

}  // namespace zarr
