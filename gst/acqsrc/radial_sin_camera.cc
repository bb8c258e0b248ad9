// "simulated: radial sin": rings moving outwards,
//   value = floor(A * (1 + sin(2 pi (10 t + 0.01 r2))))
// with t = n x period in seconds for frame n (the camera's time since the
// acquisition started, not the PTS, so frames do not depend on when the
// pipeline started), r2 = (x - w/2)^2 + (y - h/2)^2 and
// A = 127 (GRAY8) or 32767 (GRAY16_LE).
//
// Why it is fast: 4 r2 = (2x - w)^2 + (2y - h)^2 is an integer, so the
// spatial phase frac(0.01 r2) = ((4 r2) mod 400) / 400 takes 400 values.
// Each frame builds a table of the 400 values (800 entries, so that
// column + row residues index it without a modulo); a pixel is one lookup.
// (a + 200)^2 = a^2 (mod 400), so rows repeat every 100 rows and the rest
// of the frame is row copies.
#include "gst/acqsrc/camera_backends.hh"
#include "gst/acqsrc/simulated_camera.hh"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

namespace acqsrc {
namespace {

constexpr int phase_steps = 400;     // residues of 4 r2 modulo 400
constexpr int pattern_repeat = 100;  // rows (and columns) repeat with this period

// (2i - size)^2 mod 400 for every i: the residue of one axis' part of 4 r2.
std::vector<std::uint16_t> axis_residues(int size) {
  std::vector<std::uint16_t> residues(size);
  for (int i = 0; i < size; ++i) {
    const std::int64_t twice_offset = 2 * std::int64_t{i} - size;
    residues[i] = static_cast<std::uint16_t>(twice_offset * twice_offset % phase_steps);
  }
  return residues;
}

class RadialSinCamera final : public SimulatedCamera {
 public:
  void write_frame(const FrameInfo& frame, const Pixels& pixels) override {
    const GstClockTime camera_time = format().frame_time(frame.frame_id);
    if (format().format == PixelFormat::Gray8)
      render<std::uint8_t>(camera_time, 127.0, pixels);
    else
      render<std::uint16_t>(camera_time, 32767.0, pixels);
  }

 private:
  void prepare() override {
    column_residues_ = axis_residues(format().width);
    row_residues_ = axis_residues(format().height);
  }

  template <typename Sample>
  void render(GstClockTime time, double amplitude, const Pixels& pixels) {
    // frac(10 t) exactly from integer nanoseconds: 10 t = time / 1e8.
    constexpr std::uint64_t tenth_second = GST_SECOND / 10;
    const double time_phase = static_cast<double>(time % tenth_second) / tenth_second;
    Sample table[2 * phase_steps];
    for (int k = 0; k < phase_steps; ++k) {
      const double phase = time_phase + static_cast<double>(k) / phase_steps;
      const double value = std::floor(amplitude * (1.0 + std::sin(2.0 * std::numbers::pi * phase)));
      // sin() of the reduced phase can round a hair past +-1.
      const double clamped = std::clamp(value, 0.0, 2.0 * amplitude);
      Sample sample = static_cast<Sample>(clamped);
      if constexpr (sizeof(Sample) == 2) sample = GUINT16_TO_LE(sample);
      table[k] = table[k + phase_steps] = sample;
    }

    const std::size_t row_bytes = pixels.width * sizeof(Sample);
    const std::uint16_t* columns = column_residues_.data();
    for (int y = 0; y < pixels.height; ++y) {
      std::uint8_t* row = pixels.data + y * pixels.stride;
      if (y >= pattern_repeat) {
        std::memcpy(row, row - pattern_repeat * pixels.stride, row_bytes);
        continue;
      }
      const Sample* shifted = table + row_residues_[y];
      Sample* out = reinterpret_cast<Sample*>(row);
      for (int x = 0; x < pixels.width; ++x) out[x] = shifted[columns[x]];
    }
  }

  std::vector<std::uint16_t> column_residues_;
  std::vector<std::uint16_t> row_residues_;
};

}  // namespace

std::unique_ptr<Camera> make_radial_sin_camera() { return std::make_unique<RadialSinCamera>(); }

}  // namespace acqsrc
