#include "gst/acqsrc/camera_registry.hh"

#include "gst/acqsrc/camera_backends.hh"

namespace acqsrc {
namespace {

// A family of cameras: the simulated ones have one fixed name each; a
// hardware family (e.g. "aravis: <device id>") lists what it discovers and
// opens names with its prefix.
struct CameraFamily {
  // How names of this family look, for documentation: never probes hardware.
  const char* naming;
  std::vector<std::string> (*list)();
  // The camera called `name`, or nullptr when the family has no such camera.
  std::unique_ptr<Camera> (*open)(const std::string& name);
};

template <const char* only_name, const char* quoted_name, std::unique_ptr<Camera> (*make)()>
constexpr CameraFamily single_camera() {
  return {quoted_name, [] { return std::vector<std::string>{only_name}; },
          [](const std::string& name) { return name == only_name ? make() : std::unique_ptr<Camera>(); }};
}

constexpr char radial_sin[] = "simulated: radial sin";
constexpr char uniform_random[] = "simulated: uniform random";
constexpr char empty[] = "simulated: empty";
constexpr char radial_sin_quoted[] = "\"simulated: radial sin\"";
constexpr char uniform_random_quoted[] = "\"simulated: uniform random\"";
constexpr char empty_quoted[] = "\"simulated: empty\"";

// A new backend is one entry here.
const CameraFamily families[] = {
    single_camera<radial_sin, radial_sin_quoted, make_radial_sin_camera>(),
    single_camera<uniform_random, uniform_random_quoted, make_uniform_random_camera>(),
    single_camera<empty, empty_quoted, make_empty_camera>(),
#ifdef ACQSRC_HAVE_ARAVIS
    {"\"aravis: <device id or IP address>\"", list_aravis_cameras, open_aravis_camera},
#endif
};

}  // namespace

std::unique_ptr<Camera> make_camera(const std::string& name) {
  for (const CameraFamily& family : families) {
    if (auto camera = family.open(name)) return camera;
  }
  return nullptr;
}

std::vector<std::string> available_camera_names() {
  std::vector<std::string> names;
  for (const CameraFamily& family : families) {
    for (std::string& name : family.list()) names.push_back(std::move(name));
  }
  return names;
}

std::string describe_camera_naming() {
  std::string text;
  for (const CameraFamily& family : families) {
    if (!text.empty()) text += ", ";
    text += family.naming;
  }
  return text;
}

std::string describe_available_cameras() {
  std::string text;
  for (const std::string& name : available_camera_names()) {
    if (!text.empty()) text += ", ";
    text += "\"" + name + "\"";
  }
  return text;
}

}  // namespace acqsrc
