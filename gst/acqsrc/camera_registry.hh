// Maps camera names (the `camera` property) to backends.
#pragma once

#include "camera.hh"

#include <memory>
#include <string>
#include <vector>

namespace acqsrc {

// The default camera, as in Acquire.
inline constexpr const char* kDefaultCameraName = "simulated: radial sin";

// A camera for `name`, or nullptr when no backend knows that name.
std::unique_ptr<Camera> make_camera(const std::string& name);

// Every name make_camera() accepts, for error messages and documentation.
std::vector<std::string> available_camera_names();

// The names joined with ", ", each in double quotes.
std::string describe_available_cameras();

}  // namespace acqsrc
