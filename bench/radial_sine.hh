// The radial-sine test pattern of the acqsrc issue, for benchmarks:
//   value = floor(127 * (1 + sin(2*pi*(10*t + 0.01*r2)))), t = n * period,
//   r2 = (x - width/2)^2 + (y - height/2)^2.
// Benchmarks precompute a few frames before timing and cycle through them.
#pragma once

#include <algorithm>
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

// The same pattern as acqsrc's "simulated: radial sin" makes it, exactly:
// the spatial phase frac(0.01 r2) from the integer residue ((2x - w)^2 +
// (2y - h)^2) mod 400, so rows and columns repeat exactly (every 100), and
// the time phase frac(10 t) from integer nanoseconds. radial_sine_frame()
// evaluates the formula in floating point instead, which rounds some
// pixels one level apart: its frames compress about 2.7x less than
// acqsrc's (8.6x against 23x with blosc-lz4, 960x540x64 chunks), so a
// ceiling meant for acqsrc's frames must use these.
inline std::vector<std::uint8_t> acqsrc_radial_sine_frame(std::uint32_t width, std::uint32_t height, std::uint64_t n,
                                                          double period_s) {
  constexpr int steps = 400;
  const auto residue = [](std::int64_t i, std::int64_t size) { return int((2 * i - size) * (2 * i - size) % steps); };
  const std::uint64_t time_ns = std::uint64_t(std::llround(period_s * 1e9)) * n, tenth_second = 100'000'000;
  const double time_phase = double(time_ns % tenth_second) / double(tenth_second);
  std::uint8_t table[2 * steps];
  for (int k = 0; k < steps; ++k) {
    const double value = std::floor(127.0 * (1.0 + std::sin(2.0 * M_PI * (time_phase + double(k) / steps))));
    table[k] = table[k + steps] = std::uint8_t(std::clamp(value, 0.0, 254.0));
  }
  std::vector<std::uint8_t> frame(std::size_t(width) * height);
  for (std::uint32_t y = 0; y < height; ++y)
    for (std::uint32_t x = 0; x < width; ++x)
      frame[std::size_t(y) * width + x] = table[residue(y, height) + residue(x, width)];
  return frame;
}

// Distinct frames as acqsrc makes them (see acqsrc_radial_sine_frame).
inline std::vector<std::vector<std::uint8_t>> acqsrc_radial_sine_frames(std::uint32_t width, std::uint32_t height,
                                                                        unsigned count, double period_s) {
  std::vector<std::vector<std::uint8_t>> frames;
  for (unsigned n = 0; n < count; ++n) frames.push_back(acqsrc_radial_sine_frame(width, height, n, period_s));
  return frames;
}

}  // namespace bench
