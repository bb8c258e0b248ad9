#include "gst/acqsrc/camera_registry.hh"

#include "gst/acqsrc/camera_backends.hh"

namespace acqsrc {
namespace {

// A family of cameras: the simulated ones have one fixed name each; a
// hardware family (e.g. "aravis:<device id>") lists what it discovers and
// opens names with its prefix.
struct CameraFamily {
  // How names of this family look, for documentation: never probes hardware.
  const char* naming;
  bool simulated;
  std::vector<std::string> (*list)();
  // The camera called `name`, or nullptr when the family has no such camera.
  std::unique_ptr<Camera> (*open)(const std::string& name);
};

// A simulated camera: its name, and Acquire's name for it as an alias.
template <const char* name, const char* acquire_name, const char* naming, std::unique_ptr<Camera> (*make)()>
constexpr CameraFamily simulated_camera() {
  return {naming, true, [] { return std::vector<std::string>{name}; },
          [](const std::string& asked) {
            return asked == name || asked == acquire_name ? make() : std::unique_ptr<Camera>();
          }};
}

constexpr char radial_sin[] = "simulated:radial-sin";
constexpr char uniform_random[] = "simulated:uniform-random";
constexpr char empty[] = "simulated:empty";
constexpr char radial_sin_acquire[] = "simulated: radial sin";
constexpr char uniform_random_acquire[] = "simulated: uniform random";
constexpr char empty_acquire[] = "simulated: empty";
constexpr char radial_sin_naming[] = "\"simulated:radial-sin\" (Acquire's \"simulated: radial sin\")";
constexpr char uniform_random_naming[] = "\"simulated:uniform-random\" (Acquire's \"simulated: uniform random\")";
constexpr char empty_naming[] = "\"simulated:empty\" (Acquire's \"simulated: empty\")";

// A new backend is one entry here.
const CameraFamily families[] = {
    simulated_camera<radial_sin, radial_sin_acquire, radial_sin_naming, make_radial_sin_camera>(),
    simulated_camera<uniform_random, uniform_random_acquire, uniform_random_naming, make_uniform_random_camera>(),
    simulated_camera<empty, empty_acquire, empty_naming, make_empty_camera>(),
#ifdef ACQSRC_HAVE_ARAVIS
    {"\"aravis:<device id or IP address>\"", false, list_aravis_cameras, open_aravis_camera},
#endif
};

std::unique_ptr<Camera> open_exactly(const std::string& name) {
  for (const CameraFamily& family : families) {
    if (auto camera = family.open(name)) return camera;
  }
  return nullptr;
}

// GStreamer 1.22's gst-device-monitor-1.0 prints a name that needs quoting
// the way gst_value_serialize() does: in double quotes, with a backslash
// before each space ("aravis:Vendor\ Model-1"). A POSIX shell keeps those
// backslashes inside double quotes, so they reach the property: such a name
// is opened as the name without them. No camera name has a backslash.
std::string without_backslash_escapes(const std::string& name) {
  std::string unescaped;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size()) ++i;
    unescaped += name[i];
  }
  return unescaped;
}

}  // namespace

std::unique_ptr<Camera> make_camera(const std::string& name) {
  if (auto camera = open_exactly(name)) return camera;
  if (name.find('\\') != std::string::npos) return open_exactly(without_backslash_escapes(name));
  return nullptr;
}

std::vector<std::string> available_camera_names(CameraListing listing) {
  std::vector<std::string> names;
  for (const CameraFamily& family : families) {
    if (family.simulated && listing == CameraListing::hardware_only) continue;
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
