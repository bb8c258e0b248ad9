#include "gst/acqsrc/simulated_camera.hh"

#include <algorithm>

namespace acqsrc {

CameraCapabilities SimulatedCamera::capabilities() const {
  return {{PixelFormat::Gray8, PixelFormat::Gray16LE}, 1, 8192, 1, 8192};
}

void SimulatedCamera::configure(const FrameFormat& format, const CameraSettings& settings) {
  format_ = format;
  settings_ = settings;
  prepare();
}

void SimulatedCamera::start(FrameClock& clock, bool live) {
  clock_ = &clock;
  live_ = live;
}

void SimulatedCamera::stop() { clock_ = nullptr; }

std::optional<FrameInfo> SimulatedCamera::wait_for_frame() {
  std::uint64_t frame = next_frame_;
  std::uint64_t dropped = 0;
  if (live_) {
    GstClockTime now = clock_->running_time();
    // A frame whose slot has begun is already there: no wait.
    if (!GST_CLOCK_TIME_IS_VALID(now) || now < format_.frame_time(frame)) {
      if (!clock_->wait_until(format_.frame_time(frame))) return std::nullopt;
      now = clock_->running_time();
    }
    // Frame slots are numbered from running time 0. Coming back late, we
    // find what a camera with `stream_buffers` capture buffers that
    // overwrites its oldest (GenICam OldestFirstOverwrite) still holds: the
    // newest ones, up to the current slot; older ones were lost.
    if (GST_CLOCK_TIME_IS_VALID(now)) {
      const std::uint64_t current = format_.frame_at(now);
      // Slots before the first delivered frame were before acquisition.
      const std::uint64_t buffers = delivered_any_ ? std::max(1u, settings_.stream_buffers) : 1;
      const std::uint64_t oldest_held = current + 1 > buffers ? current + 1 - buffers : 0;
      if (oldest_held > frame) {
        if (delivered_any_) dropped = oldest_held - frame;
        frame = oldest_held;
      }
    }
  }
  delivered_any_ = true;
  next_frame_ = frame + 1;
  const GstClockTime pts = format_.frame_time(frame);
  return FrameInfo{frame, pts, format_.frame_time(frame + 1) - pts, dropped};
}

}  // namespace acqsrc
