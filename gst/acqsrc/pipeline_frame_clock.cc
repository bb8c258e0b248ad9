#include "gst/acqsrc/pipeline_frame_clock.hh"

namespace acqsrc {

GstClockTime PipelineFrameClock::running_time() {
  GstClock* clock = gst_element_get_clock(element_);
  if (!clock) return GST_CLOCK_TIME_NONE;
  const GstClockTime now = gst_clock_get_time(clock);
  gst_object_unref(clock);
  const GstClockTime base_time = gst_element_get_base_time(element_);
  return now > base_time ? now - base_time : 0;
}

bool PipelineFrameClock::wait_until(GstClockTime running_time) {
  GstClock* clock = gst_element_get_clock(element_);
  GstClockID id = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (interrupted_) {
      if (clock) gst_object_unref(clock);
      return false;
    }
    // Without a clock there is nothing to pace by.
    if (!clock) return true;
    id = gst_clock_new_single_shot_id(clock, gst_element_get_base_time(element_) + running_time);
    pending_ = id;
  }
  gst_object_unref(clock);
  const GstClockReturn result = gst_clock_id_wait(id, nullptr);
  std::lock_guard lock(mutex_);
  pending_ = nullptr;
  gst_clock_id_unref(id);
  return result != GST_CLOCK_UNSCHEDULED && !interrupted_;
}

void PipelineFrameClock::interrupt() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
  if (pending_) gst_clock_id_unschedule(pending_);
}

void PipelineFrameClock::resume() {
  std::lock_guard lock(mutex_);
  interrupted_ = false;
}

}  // namespace acqsrc
