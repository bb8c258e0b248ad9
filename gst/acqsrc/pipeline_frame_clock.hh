// The FrameClock of an element: running time on the element's clock, waits
// that the element can cut short (unlock) so EOS and state changes never
// wait for a pending frame.
#pragma once

#include "gst/acqsrc/camera.hh"

#include <mutex>

namespace acqsrc {

class PipelineFrameClock final : public FrameClock {
 public:
  explicit PipelineFrameClock(GstElement* element) : element_(element) {}

  GstClockTime running_time() override;
  bool wait_until(GstClockTime running_time) override;

  // Ends the current wait and refuses new ones until resume().
  void interrupt();
  void resume();

 private:
  GstElement* element_;
  std::mutex mutex_;
  GstClockID pending_ = nullptr;
  bool interrupted_ = false;
};

}  // namespace acqsrc
