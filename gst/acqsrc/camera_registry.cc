#include "camera_registry.hh"

#include "camera_backends.hh"

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

template <const char* kName, const char* kQuotedName, std::unique_ptr<Camera> (*kMake)()>
constexpr CameraFamily single_camera() {
  return {kQuotedName, [] { return std::vector<std::string>{kName}; },
          [](const std::string& name) {
            return name == kName ? kMake() : std::unique_ptr<Camera>();
          }};
}

constexpr char kRadialSin[] = "simulated: radial sin";
constexpr char kUniformRandom[] = "simulated: uniform random";
constexpr char kEmpty[] = "simulated: empty";
constexpr char kRadialSinQuoted[] = "\"simulated: radial sin\"";
constexpr char kUniformRandomQuoted[] = "\"simulated: uniform random\"";
constexpr char kEmptyQuoted[] = "\"simulated: empty\"";

// A new backend is one entry here.
const CameraFamily kFamilies[] = {
    single_camera<kRadialSin, kRadialSinQuoted, make_radial_sin_camera>(),
    single_camera<kUniformRandom, kUniformRandomQuoted, make_uniform_random_camera>(),
    single_camera<kEmpty, kEmptyQuoted, make_empty_camera>(),
#ifdef ACQSRC_HAVE_ARAVIS
    {"\"aravis: <device id or IP address>\"", list_aravis_cameras, open_aravis_camera},
#endif
};

}  // namespace

std::unique_ptr<Camera> make_camera(const std::string& name) {
  for (const CameraFamily& family : kFamilies) {
    if (auto camera = family.open(name)) return camera;
  }
  return nullptr;
}

std::vector<std::string> available_camera_names() {
  std::vector<std::string> names;
  for (const CameraFamily& family : kFamilies) {
    for (std::string& name : family.list()) names.push_back(std::move(name));
  }
  return names;
}

std::string describe_camera_naming() {
  std::string text;
  for (const CameraFamily& family : kFamilies) {
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
