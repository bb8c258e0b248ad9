#include "zarr/cancellation.hh"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>

namespace zarr {
namespace {

using namespace std::chrono_literals;

TEST(Cancellation, CancelEndsASleepAndResetClearsTheRequest) {
  Cancellation cancellation;
  EXPECT_TRUE(cancellation.sleep_for(1ms)) << "a sleep not cancelled runs its course";
  auto sleeper = std::async(std::launch::async, [&] { return cancellation.sleep_for(10s); });
  EXPECT_EQ(sleeper.wait_for(20ms), std::future_status::timeout);
  cancellation.cancel();
  ASSERT_EQ(sleeper.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(sleeper.get());
  EXPECT_TRUE(cancellation.cancelled());
  EXPECT_FALSE(cancellation.sleep_for(10s)) << "while cancelled, a sleep ends at once";
  cancellation.reset();
  EXPECT_FALSE(cancellation.cancelled());
  EXPECT_TRUE(cancellation.sleep_for(1ms));
}

TEST(Cancellation, WakersAreCalledOnlyWhileRegistered) {
  Cancellation cancellation;
  const Cancellation& seen_by_workers = cancellation;  // registering needs only a const one
  int calls = 0;
  {
    const Cancellation::Waker waker(seen_by_workers, [&] { ++calls; });
    cancellation.cancel();
    EXPECT_EQ(calls, 1);
  }
  cancellation.cancel();
  EXPECT_EQ(calls, 1) << "a waker gone is not called";
}

TEST(Cancellation, InterruptedErrorIsCancelledWithASentence) {
  const Error error = recording_interrupted("while waiting for a free row buffer");
  EXPECT_EQ(error.code(), ErrorCode::cancelled);
  EXPECT_STREQ(error.what(), "the recording was interrupted (cancelled) while waiting for a free row buffer");
}

}  // namespace
}  // namespace zarr
