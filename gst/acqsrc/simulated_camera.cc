#include "simulated_camera.hh"

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
    if (!clock_->wait_until(format_.frame_time(frame))) return std::nullopt;
    // Frame slots numbered from running time 0: when we come back later
    // than the next slot, the frames in between were never taken.
    const GstClockTime now = clock_->running_time();
    if (GST_CLOCK_TIME_IS_VALID(now)) {
      const std::uint64_t current = format_.frame_at(now);
      if (current > frame) {
        // Slots before the first delivered frame were before acquisition.
        if (delivered_any_) dropped = current - frame;
        frame = current;
      }
    }
  }
  delivered_any_ = true;
  next_frame_ = frame + 1;
  const GstClockTime pts = format_.frame_time(frame);
  return FrameInfo{frame, pts, format_.frame_time(frame + 1) - pts, dropped};
}

}  // namespace acqsrc
