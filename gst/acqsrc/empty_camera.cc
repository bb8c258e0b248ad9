// "simulated: empty": frames of zeros, to measure the rest of a pipeline.
// The element shares one zeroed read-only memory between all buffers, so a
// frame costs no per-pixel work.
#include "gst/acqsrc/camera_backends.hh"
#include "gst/acqsrc/simulated_camera.hh"

#include <cstring>

namespace acqsrc {
namespace {

class EmptyCamera final : public SimulatedCamera {
 public:
  bool frames_are_blank() const override { return true; }

  // Only used by an element that cannot share memory.
  void write_frame(const FrameInfo&, const Pixels& pixels) override {
    const std::size_t row_bytes = pixels.width * bytes_per_pixel(format().format);
    for (int y = 0; y < pixels.height; ++y) std::memset(pixels.data + y * pixels.stride, 0, row_bytes);
  }
};

}  // namespace

std::unique_ptr<Camera> make_empty_camera() { return std::make_unique<EmptyCamera>(); }

}  // namespace acqsrc
