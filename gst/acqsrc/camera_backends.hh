// Factories of the camera backends, one per file; camera_registry.cc lists
// them under their names.
#pragma once

#include "gst/acqsrc/camera.hh"

#include <memory>
#include <string>
#include <vector>

namespace acqsrc {

std::unique_ptr<Camera> make_radial_sin_camera();
std::unique_ptr<Camera> make_uniform_random_camera();
std::unique_ptr<Camera> make_empty_camera();

#ifdef ACQSRC_HAVE_ARAVIS
// GenICam cameras through Aravis, named "aravis: <device id>".
std::vector<std::string> list_aravis_cameras();
std::unique_ptr<Camera> open_aravis_camera(const std::string& name);
#endif

}  // namespace acqsrc
