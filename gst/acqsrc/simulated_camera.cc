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
    // Acquisition starts when the pipeline first asks for a frame, so the
    // time downstream takes to set up is neither lost nor skipped frames.
    if (!acquisition_start_) acquisition_start_ = GST_CLOCK_TIME_IS_VALID(now) ? now : 0;
    const GstClockTime due = *acquisition_start_ + format_.frame_time(frame);
    // A frame whose slot has begun is already there: no wait.
    if (!GST_CLOCK_TIME_IS_VALID(now) || now < due) {
      if (!clock_->wait_until(due)) return std::nullopt;
      now = clock_->running_time();
    }
    // Coming back late, we find what a camera with `stream_buffers` capture
    // buffers that overwrites its oldest (GenICam OldestFirstOverwrite)
    // still holds: the newest ones, up to the current slot; older ones were
    // lost.
    if (GST_CLOCK_TIME_IS_VALID(now) && now >= *acquisition_start_) {
      const std::uint64_t current = format_.frame_at(now - *acquisition_start_);
      const std::uint64_t buffers = std::max(1u, settings_.stream_buffers);
      const std::uint64_t oldest_held = current + 1 > buffers ? current + 1 - buffers : 0;
      if (oldest_held > frame) {
        dropped = oldest_held - frame;
        frame = oldest_held;
      }
    }
  }
  next_frame_ = frame + 1;
  // The camera's clock starts with the acquisition: frame n is taken at
  // n periods on it, wherever the pipeline's running time stood.
  const GstClockTime camera_time = format_.frame_time(frame);
  const GstClockTime pts = acquisition_start_.value_or(0) + camera_time;
  FrameInfo info{frame, pts, format_.frame_time(frame + 1) - camera_time, dropped};
  info.camera_timestamp = camera_time;
  return info;
}

}  // namespace acqsrc
