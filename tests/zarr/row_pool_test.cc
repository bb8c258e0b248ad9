#include "zarr/row_pool.hh"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "zarr/error.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Generous for a loaded machine; a wait that polls or is never woken takes
// far longer (or forever).
constexpr auto quickly = 100ms;

struct Rows {
  ChunkGrid grid{1, 4, 4, {2, 4, 4}};
  ThreadPool workers{2};
  Cancellation cancellation;
  RowPool pool{grid, 1, 2, workers, cancellation};  // 1 + 2 rows
};

// Takes every row of the pool.
std::vector<ChunkRow*> take_all(RowPool& pool) {
  std::vector<ChunkRow*> rows;
  for (std::size_t i = 0; i < pool.size(); ++i) rows.push_back(&pool.take());
  return rows;
}

TEST(RowPool, HoldsOneRowMoreThanRowsInFlightEachDistinct) {
  Rows rows;
  EXPECT_EQ(rows.pool.size(), 3u);
  const std::vector<ChunkRow*> taken = take_all(rows.pool);
  EXPECT_EQ(std::set<ChunkRow*>(taken.begin(), taken.end()).size(), 3u);
  for (ChunkRow* row : taken) {
    EXPECT_EQ(row->bytes(), 2u * 4 * 4);
    rows.pool.give_back(*row);
  }
}

TEST(RowPool, TakeBlocksUntilARowIsGivenBack) {
  Rows rows;
  std::vector<ChunkRow*> taken = take_all(rows.pool);
  std::atomic<bool> given_back{false};
  auto taker = std::async(std::launch::async, [&] {
    ChunkRow& row = rows.pool.take();
    return std::make_pair(&row, given_back.load());
  });
  EXPECT_EQ(taker.wait_for(50ms), std::future_status::timeout) << "take() did not wait";
  given_back = true;
  rows.pool.give_back(*taken[1]);
  ASSERT_EQ(taker.wait_for(5s), std::future_status::ready);
  const auto [row, after_give_back] = taker.get();
  EXPECT_EQ(row, taken[1]);
  EXPECT_TRUE(after_give_back);
  for (ChunkRow* r : {taken[0], taken[2], row}) rows.pool.give_back(*r);
}

TEST(RowPool, CancelEndsABlockedTakeAtOnceAndResumeAllowsTakingAgain) {
  Rows rows;
  std::vector<ChunkRow*> taken = take_all(rows.pool);
  auto taker = std::async(std::launch::async, [&] {
    try {
      rows.pool.take();
      return std::make_pair(ErrorCode::invalid_frame, std::string("took a row"));
    } catch (const Error& e) {
      return std::make_pair(e.code(), std::string(e.what()));
    }
  });
  EXPECT_EQ(taker.wait_for(30ms), std::future_status::timeout);
  const Clock::time_point cancelled_at = Clock::now();
  rows.cancellation.cancel();
  ASSERT_EQ(taker.wait_for(5s), std::future_status::ready);
  EXPECT_LT(Clock::now() - cancelled_at, quickly);
  const auto [code, message] = taker.get();
  EXPECT_EQ(code, ErrorCode::cancelled) << message;
  EXPECT_NE(message.find("interrupted"), std::string::npos) << message;

  // While the request stands, take() refuses even with a row free.
  rows.pool.give_back(*taken[0]);
  EXPECT_THROW(rows.pool.take(), Error);

  rows.cancellation.reset();
  EXPECT_EQ(&rows.pool.take(), taken[0]);
  for (ChunkRow* row : taken) rows.pool.give_back(*row);
}

TEST(RowPool, WaitIdleWaitsForEveryRowAndEndsOnCancel) {
  Rows rows;
  std::vector<ChunkRow*> taken = take_all(rows.pool);
  rows.pool.give_back(*taken[0]);
  rows.pool.give_back(*taken[1]);
  auto waiter = std::async(std::launch::async, [&] { rows.pool.wait_idle(); });
  EXPECT_EQ(waiter.wait_for(30ms), std::future_status::timeout) << "one row is still out";
  rows.cancellation.cancel();
  ASSERT_EQ(waiter.wait_for(quickly), std::future_status::ready);
  try {
    waiter.get();
    FAIL() << "wait_idle() returned with a row out";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::cancelled);
  }

  // drain() does not hear the cancel: it returns once the row is back.
  auto drainer = std::async(std::launch::async, [&] { rows.pool.drain(); });
  EXPECT_EQ(drainer.wait_for(30ms), std::future_status::timeout);
  rows.pool.give_back(*taken[2]);
  EXPECT_EQ(drainer.wait_for(5s), std::future_status::ready);

  rows.cancellation.reset();
  EXPECT_NO_THROW(rows.pool.wait_idle());  // every row is back
}

}  // namespace
}  // namespace zarr
