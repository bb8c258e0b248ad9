// The running time of each frame handed to the writer, kept until the frame
// is on disk, so a progress message can say when its newest frame was taken.
// Filled by the streaming thread, read by the library's workers.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

class FrameTimes {
 public:
  void add(std::uint64_t frame, GstClockTime running_time) {
    std::lock_guard lock(mutex_);
    times_.emplace_back(frame, running_time);
  }

  // The running time of frame `frame` (GST_CLOCK_TIME_NONE when unknown);
  // forgets the frames before it, which are on disk already.
  GstClockTime take(std::uint64_t frame) {
    std::lock_guard lock(mutex_);
    while (!times_.empty() && times_.front().first < frame) times_.pop_front();
    return !times_.empty() && times_.front().first == frame ? times_.front().second : GST_CLOCK_TIME_NONE;
  }

 private:
  std::mutex mutex_;
  std::deque<std::pair<std::uint64_t, GstClockTime>> times_;
};
