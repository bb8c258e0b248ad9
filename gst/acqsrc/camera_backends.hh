// Factories of the camera backends, one per file; camera_registry.cc lists
// them under their names.
#pragma once

#include "camera.hh"

#include <memory>

namespace acqsrc {

std::unique_ptr<Camera> make_radial_sin_camera();
std::unique_ptr<Camera> make_uniform_random_camera();
std::unique_ptr<Camera> make_empty_camera();

}  // namespace acqsrc
