// The radial-sine test pattern of the acqsrc issue, for benchmarks:
//   value = floor(127 * (1 + sin(2*pi*(10*t + 0.01*r2)))), t = n * period,
//   r2 = (x - width/2)^2 + (y - height/2)^2.
// Benchmarks precompute a few frames before timing and cycle through them.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace bench {

inline std::vector<std::uint8_t> radial_sine_frame(std::uint32_t width, std::uint32_t height, std::uint64_t n,
                                                   double period_s) {
  std::vector<std::uint8_t> frame(std::size_t(width) * height);
  const double t = double(n) * period_s;
  const double cx = width / 2.0, cy = height / 2.0;
  for (std::uint32_t y = 0; y < height; ++y)
    for (std::uint32_t x = 0; x < width; ++x) {
      const double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
      frame[std::size_t(y) * width + x] =
          std::uint8_t(std::floor(127.0 * (1.0 + std::sin(2.0 * M_PI * (10.0 * t + 0.01 * r2)))));
    }
  return frame;
}

// Distinct frames, by default for a 13 ms period (no aliasing of the 10 Hz
// phase); acqsrc's default 10 ms period gives 10 distinct frames.
inline std::vector<std::vector<std::uint8_t>> radial_sine_frames(std::uint32_t width, std::uint32_t height,
                                                                 unsigned count, double period_s = 0.013) {
  std::vector<std::vector<std::uint8_t>> frames;
  for (unsigned n = 0; n < count; ++n) frames.push_back(radial_sine_frame(width, height, n, period_s));
  return frames;
}

}  // namespace bench
