// A request to stop waiting, shared by the caller and the workers of one
// recording: Writer::cancel() sets it (zarrsink's unlock), Writer::resume()
// clears it (unlock_stop). Whatever may block for long checks it: a wait for
// a free row buffer or for the workers, an S3 back-off sleep, a curl
// transfer (its progress callback), and then throws Error(cancelled).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "zarr/error.hh"

namespace zarr {

class Cancellation {
 public:
  // Registers `wake` for the Waker's life: cancel() calls it, and it must
  // make a waiter on another condition variable look at cancelled() again
  // (lock that waiter's mutex, notify). Destroying the Waker waits for a
  // call in progress, so `wake` may use whatever outlives the Waker.
  class Waker {
   public:
    Waker(const Cancellation& cancellation, std::function<void()> wake) : cancellation_(cancellation) {
      std::lock_guard lock(cancellation_.wakers_mutex_);
      id_ = cancellation_.next_waker_id_++;
      cancellation_.wakers_.emplace(id_, std::move(wake));
    }
    ~Waker() {
      std::lock_guard lock(cancellation_.wakers_mutex_);
      cancellation_.wakers_.erase(id_);
    }
    Waker(const Waker&) = delete;
    Waker& operator=(const Waker&) = delete;

   private:
    const Cancellation& cancellation_;
    std::uint64_t id_ = 0;
  };

  // Sets the request, ends every sleep_for() and calls every waker.
  void cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    sleeping_.notify_all();
    // Called under wakers_mutex_ so that a Waker cannot go away meanwhile;
    // a waker never registers or cancels, so this cannot deadlock.
    std::lock_guard lock(wakers_mutex_);
    for (const auto& [id, wake] : wakers_) wake();
  }
  void reset() { cancelled_ = false; }
  bool cancelled() const { return cancelled_; }

  // Sleeps for `duration` unless cancelled first; false when cancelled.
  bool sleep_for(std::chrono::milliseconds duration) const {
    std::unique_lock lock(mutex_);
    return !sleeping_.wait_for(lock, duration, [this] { return cancelled_.load(); });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable sleeping_;
  std::atomic<bool> cancelled_{false};

  // Registering to be woken does not change the request: a const operation,
  // so that everything below the writer holds a const Cancellation.
  mutable std::mutex wakers_mutex_;
  mutable std::map<std::uint64_t, std::function<void()>> wakers_;
  mutable std::uint64_t next_waker_id_ = 0;
};

// The Error(cancelled) of a wait that cancel() ended, or of a call refused
// while the request stands: "the recording was interrupted (cancelled) " +
// `detail` ("while waiting for a free row buffer").
inline Error recording_interrupted(const std::string& detail) {
  return Error(ErrorCode::cancelled, "the recording was interrupted (cancelled) " + detail);
}

}  // namespace zarr
