// A fixed set of worker threads running submitted jobs in FIFO order.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zarr {

class ThreadPool {
 public:
  // threads 0 means one per core.
  explicit ThreadPool(unsigned threads);
  // Runs every job already submitted, then joins the threads.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Jobs must not throw: they report failures through their own channel.
  void submit(std::function<void()> job);
  unsigned size() const { return unsigned(threads_.size()); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace zarr
