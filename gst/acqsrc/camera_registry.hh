// Maps camera names (the `camera` property) to backends.
#pragma once

#include "gst/acqsrc/camera.hh"

#include <memory>
#include <string>
#include <vector>

namespace acqsrc {

// The default camera, as in Acquire.
inline constexpr const char* default_camera_name = "simulated: radial sin";

// A camera for `name`, or nullptr when no backend knows that name. Throws
// CameraError when a backend knows the name but cannot open the camera
// (unreachable, busy).
std::unique_ptr<Camera> make_camera(const std::string& name);

// The cameras present now: the simulated ones and every discovered one
// (hardware discovery takes about a second).
std::vector<std::string> available_camera_names();

// How camera names look, without probing hardware: for property blurbs.
std::string describe_camera_naming();

// The names joined with ", ", each in double quotes.
std::string describe_available_cameras();

}  // namespace acqsrc
