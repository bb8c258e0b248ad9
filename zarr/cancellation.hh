// A request to stop waiting, shared by the caller and the workers of one
// recording: Writer::cancel() sets it (zarrsink's unlock), Writer::resume()
// clears it (unlock_stop). Whatever may block for long checks it: a wait for
// a free row buffer, an S3 back-off sleep, a curl transfer (its progress
// callback), and then throws Error(cancelled).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace zarr {

class Cancellation {
 public:
  // Sets the request, ends every sleep_for() and calls every waker.
  void cancel() {
    std::vector<std::function<void()>> wakers;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      wakers = wakers_;
    }
    sleeping_.notify_all();
    for (const auto& wake : wakers) wake();
  }
  void reset() { cancelled_ = false; }
  bool cancelled() const { return cancelled_; }

  // Sleeps for `duration` unless cancelled first; false when cancelled.
  bool sleep_for(std::chrono::milliseconds duration) const {
    std::unique_lock lock(mutex_);
    return !sleeping_.wait_for(lock, duration, [this] { return cancelled_.load(); });
  }

  // `wake` is called by cancel(): it must make a waiter on another condition
  // variable look at cancelled() again (lock that waiter's mutex, notify).
  // Registered for the Cancellation's whole life.
  void add_waker(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wakers_.push_back(std::move(wake));
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable sleeping_;
  std::atomic<bool> cancelled_{false};
  std::vector<std::function<void()>> wakers_;
};

}  // namespace zarr
