// Maps camera names (the `camera` property) to backends.
#pragma once

#include "gst/acqsrc/camera.hh"

#include <memory>
#include <string>
#include <vector>

namespace acqsrc {

// Camera names are "<family>:<camera>" with nothing a shell or
// gst_value_serialize() would quote ("simulated:radial-sin",
// "aravis:<device id>"), so the launch line gst-device-monitor-1.0 prints
// works pasted into a shell. Acquire's names ("simulated: radial sin") and
// "aravis: <device id>" are accepted too.

// The default camera, as in Acquire.
inline constexpr const char* default_camera_name = "simulated:radial-sin";

// A camera for `name` (or one of its aliases), or nullptr when no backend
// knows that name. Throws CameraError when a backend knows the name but
// cannot open the camera (unreachable, busy).
std::unique_ptr<Camera> make_camera(const std::string& name);

enum class CameraListing { all, hardware_only };

// The cameras present now, by their names: the simulated ones (unless
// hardware_only) and every discovered one (hardware discovery takes about a
// second).
std::vector<std::string> available_camera_names(CameraListing listing = CameraListing::all);

// How camera names look, without probing hardware: for property blurbs.
std::string describe_camera_naming();

// The names joined with ", ", each in double quotes.
std::string describe_available_cameras();

}  // namespace acqsrc
