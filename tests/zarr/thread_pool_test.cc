#include "zarr/thread_pool.hh"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <vector>

namespace zarr {
namespace {

using namespace std::chrono_literals;

TEST(ThreadPool, OneThreadRunsJobsInTheOrderSubmitted) {
  std::vector<int> order;
  std::mutex gate;
  {
    ThreadPool pool(1);
    std::unique_lock hold(gate);
    // The first job waits until every job is queued, so that none runs
    // as soon as it is submitted.
    pool.submit([&] { std::lock_guard wait(gate); });
    for (int i = 0; i < 100; ++i) pool.submit([&order, i] { order.push_back(i); });
    hold.unlock();
  }
  std::vector<int> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(order, expected);
}

TEST(ThreadPool, DestructorReturnsOnlyAfterEveryJobRan) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 40; ++i)
      pool.submit([&done] {
        std::this_thread::sleep_for(1ms);
        ++done;
      });
  }
  EXPECT_EQ(done, 40);
}

TEST(ThreadPool, SeveralThreadsRunJobsAtTheSameTime) {
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0;
  std::atomic<int> met{0};
  {
    ThreadPool pool(3);
    ASSERT_EQ(pool.size(), 3u);
    // Each job waits for the other two: only with three threads at once do
    // they all get there before the timeout.
    for (int i = 0; i < 3; ++i)
      pool.submit([&] {
        std::unique_lock lock(mutex);
        ++running;
        changed.notify_all();
        if (changed.wait_for(lock, 10s, [&] { return running == 3; })) ++met;
      });
  }
  EXPECT_EQ(met, 3);
}

TEST(ThreadPool, ZeroThreadsMeansOnePerCore) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace zarr
