#include "zarr/error.hh"

#include <cerrno>
#include <cstring>

namespace zarr {

Error system_error(ErrorCode code, const std::string& action, const std::string& path, int system_errno) {
  if (system_errno == ENOSPC || system_errno == EDQUOT) code = ErrorCode::no_space;
  return Error(code, action + " " + path + ": " + std::strerror(system_errno), path, system_errno);
}

Error invalid_setting(const std::string& setting, const std::string& why) {
  Error error(ErrorCode::invalid_setting, "invalid setting \"" + setting + "\": " + why);
  error.setting_ = setting;
  return error;
}

}  // namespace zarr
