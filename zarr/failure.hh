// The first failure of a recording, shared by the caller and the workers of
// every array: once set, no more chunks are written and every later call
// reports it.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>

namespace zarr {

class Failure {
 public:
  void record(std::exception_ptr failure) {
    std::lock_guard lock(mutex_);
    if (!first_) first_ = failure;
    failed_ = true;
  }
  bool failed() const { return failed_; }
  void rethrow_if_failed() const {
    if (!failed_) return;
    std::lock_guard lock(mutex_);
    std::rethrow_exception(first_);
  }

 private:
  mutable std::mutex mutex_;
  std::exception_ptr first_;
  std::atomic<bool> failed_{false};
};

}  // namespace zarr
