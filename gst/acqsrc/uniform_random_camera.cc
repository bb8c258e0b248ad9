// "simulated: uniform random": every byte uniformly random, so every sample
// is uniform over the format's full range. Frame n is generated from
// (seed, n) alone: runs are reproducible, and a dropped frame does not
// change the frames after it.
#include "gst/acqsrc/camera_backends.hh"
#include "gst/acqsrc/simulated_camera.hh"

#include <cstring>

namespace acqsrc {
namespace {

// SplitMix64: turns (seed, frame) into well-mixed generator state.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256**: fast, 64 good bits per step.
class Xoshiro256 {
 public:
  Xoshiro256(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t mix = seed ^ splitmix64(stream);
    for (std::uint64_t& word : state_) word = splitmix64(mix);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

 private:
  std::uint64_t state_[4];
};

class UniformRandomCamera final : public SimulatedCamera {
 public:
  void write_frame(const FrameInfo& frame, const Pixels& pixels) override {
    Xoshiro256 generator(settings().seed, frame.frame_id);
    // Rows are contiguous apart from their padding, so fill the span from
    // the first pixel to the last one (padding included) 8 bytes at a time.
    const std::size_t row_bytes = pixels.width * bytes_per_pixel(format().format);
    const std::size_t span = pixels.stride * (pixels.height - 1) + row_bytes;
    std::uint8_t* out = pixels.data;
    std::size_t i = 0;
    for (; i + 8 <= span; i += 8) {
      const std::uint64_t word = generator.next();
      std::memcpy(out + i, &word, 8);
    }
    if (i < span) {
      const std::uint64_t word = generator.next();
      std::memcpy(out + i, &word, span - i);
    }
  }
};

}  // namespace

std::unique_ptr<Camera> make_uniform_random_camera() { return std::make_unique<UniformRandomCamera>(); }

}  // namespace acqsrc
