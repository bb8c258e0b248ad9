// What the simulated cameras share: any size and format up to Acquire's
// 8192x8192, a frame counter that fixes the timestamps, and live pacing by
// the pipeline clock with drops, like a free-running hardware camera with
// `stream-buffers` capture buffers. A live camera starts acquiring when
// the first frame is asked for; frame n is taken n periods later, and that
// is its camera timestamp.
#pragma once

#include "gst/acqsrc/camera.hh"

namespace acqsrc {

class SimulatedCamera : public Camera {
 public:
  CameraCapabilities capabilities() const override;
  void configure(const FrameFormat& format, const CameraSettings& settings) override;
  void start(FrameClock& clock, bool live) override;
  void stop() override;
  std::optional<FrameInfo> wait_for_frame() override;

 protected:
  const FrameFormat& format() const { return format_; }
  const CameraSettings& settings() const { return settings_; }
  // Per-size preparation (tables), done once per negotiated caps.
  virtual void prepare() {}

 private:
  FrameFormat format_;
  CameraSettings settings_;
  FrameClock* clock_ = nullptr;
  bool live_ = false;
  // Running time of the first frame asked for (live only).
  std::optional<GstClockTime> acquisition_start_;
  std::uint64_t next_frame_ = 0;
};

}  // namespace acqsrc
