#include "zarr/metadata_publisher.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "tests/zarr/memory_store.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using testing::MemoryStore;

ArrayMetadata metadata_of_4_plane_chunks() {
  ArrayMetadata metadata;
  metadata.shape = {0, 1, 8, 8};
  metadata.chunks = {4, 1, 8, 8};
  metadata.compressor = nullptr;
  return metadata;
}

std::uint64_t shape_on_disk(const MemoryStore& store) { return store.json("0/.zarray")["shape"][0]; }

TEST(MetadataPublisher, RowsFinishingOutOfOrderArePublishedInOrder) {
  MemoryStore store;
  std::vector<PublishedShape> announced;
  std::vector<std::uint64_t> on_disk_when_announced;
  MetadataPublisher publisher(store, "0", 2, metadata_of_4_plane_chunks(), [&](const PublishedShape& shape) {
    announced.push_back(shape);
    on_disk_when_announced.push_back(shape_on_disk(store));
  });
  EXPECT_EQ(shape_on_disk(store), 0u);

  publisher.row_finished(2, 3);  // the last, partial row first
  publisher.row_finished(1, 4);
  EXPECT_EQ(shape_on_disk(store), 0u) << "row 0 is not on disk yet";
  EXPECT_TRUE(announced.empty());
  EXPECT_EQ(publisher.published(), (PublishedShape{0, 0}));

  publisher.row_finished(0, 4);
  EXPECT_EQ(announced, (std::vector<PublishedShape>{{1, 4}, {2, 8}, {3, 11}}));
  EXPECT_EQ(on_disk_when_announced, (std::vector<std::uint64_t>{4, 8, 11}));
  EXPECT_EQ(publisher.published(), (PublishedShape{3, 11}));
  EXPECT_EQ(store.json("0/.zarray")["chunks"], nlohmann::json::parse("[4, 1, 8, 8]"));
}

// The callback is where zarrsink posts a message: it must be free to call
// the library, the publisher included. With the lock held this would
// deadlock; it runs on a thread of its own so that a deadlock fails the
// test instead of hanging it.
TEST(MetadataPublisher, CallbackRunsWithoutTheLockAndMayCallThePublisher) {
  auto store = std::make_shared<MemoryStore>();
  auto seen = std::make_shared<std::vector<PublishedShape>>();
  std::shared_ptr<MetadataPublisher> calling_back;
  calling_back = std::make_shared<MetadataPublisher>(*store, "1", 2, metadata_of_4_plane_chunks(),
                                                     [&calling_back, seen](const PublishedShape& shape) {
                                                       seen->push_back(calling_back->published());
                                                       // Row 1 finishing from inside the announcement of row 0: it is
                                                       // published after this call returns, still in order.
                                                       if (shape.rows == 1) calling_back->row_finished(1, 2);
                                                     });
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  std::thread([calling_back, &done] {
    calling_back->row_finished(0, 4);
    done.set_value();
  }).detach();
  if (finished.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "row_finished() deadlocked: the callback ran with the publisher's lock held";
    std::_Exit(1);  // the thread holds the lock forever
  }
  EXPECT_EQ(*seen, (std::vector<PublishedShape>{{1, 4}, {2, 6}}));
  EXPECT_EQ(store->json("1/.zarray")["shape"][0], 6);
}

TEST(MetadataPublisher, ManyWorkersAnnounceEveryRowOnceInOrderOneAtATime) {
  MemoryStore store;
  constexpr std::uint64_t rows = 300;
  std::vector<std::uint64_t> order;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  MetadataPublisher publisher(store, "0", 3, metadata_of_4_plane_chunks(), [&](const PublishedShape& shape) {
    if (++inside > 1) overlapped = true;
    order.push_back(shape.rows);
    if (shape.frames != shape.rows * 4) overlapped = true;  // every row holds 4 frames
    --inside;
  });
  std::vector<std::uint64_t> shuffled(rows);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(13));
  std::vector<std::thread> workers;
  std::atomic<std::size_t> next{0};
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&] {
      for (std::size_t i; (i = next++) < rows;) publisher.row_finished(shuffled[i], 4);
    });
  for (auto& worker : workers) worker.join();
  std::vector<std::uint64_t> expected(rows);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(order, expected);
  EXPECT_FALSE(overlapped);
  EXPECT_EQ(publisher.published(), (PublishedShape{rows, rows * 4}));
  EXPECT_EQ(store.json("0/zarr.json")["shape"][0], rows * 4);
}

TEST(MetadataPublisher, ShortRecordingAndEmptyRecordingFinalMetadata) {
  MemoryStore store;
  MetadataPublisher short_one(store, "0", 2, metadata_of_4_plane_chunks(), nullptr);
  short_one.set_append_chunk(3);
  short_one.row_finished(0, 3);
  short_one.publish_final(3);
  EXPECT_EQ(store.json("0/.zarray")["shape"], nlohmann::json::parse("[3, 1, 8, 8]"));
  EXPECT_EQ(store.json("0/.zarray")["chunks"], nlohmann::json::parse("[3, 1, 8, 8]"));

  MetadataPublisher empty(store, "1", 2, metadata_of_4_plane_chunks(), nullptr);
  empty.publish_final(0);
  EXPECT_EQ(store.json("1/.zarray")["shape"], nlohmann::json::parse("[0, 1, 8, 8]"));
  EXPECT_EQ(store.json("1/.zarray")["chunks"][0], 1) << "a t-chunk of 0 is invalid";
}

TEST(MetadataPublisher, FailedWriteKeepsTheShapeAndTheRowWaiting) {
  MemoryStore store;
  std::vector<PublishedShape> announced;
  MetadataPublisher publisher(store, "0", 2, metadata_of_4_plane_chunks(),
                              [&](const PublishedShape& shape) { announced.push_back(shape); });
  publisher.row_finished(0, 4);
  store.fail_puts([](const std::string& key) { return key == "0/.zarray"; });
  EXPECT_THROW(publisher.row_finished(1, 4), Error);
  EXPECT_EQ(publisher.published(), (PublishedShape{1, 4}));
  EXPECT_EQ(shape_on_disk(store), 4u);
  store.fail_puts(nullptr);
  publisher.row_finished(2, 4);  // row 1 is still waiting and goes first
  EXPECT_EQ(announced, (std::vector<PublishedShape>{{1, 4}, {2, 8}, {3, 12}}));
  EXPECT_EQ(shape_on_disk(store), 12u);
}

}  // namespace
TEST(MetadataPublisher, BytesAddUpOverThePublishedRowsOnly) {
  MemoryStore store;
  std::vector<PublishedShape> announced;
  MetadataPublisher publisher(store, "0", 2, metadata_of_4_plane_chunks(),
                              [&](const PublishedShape& shape) { announced.push_back(shape); });
  publisher.row_finished(1, 4, 700);  // waits for row 0: not on disk for a reader yet
  EXPECT_EQ(publisher.published(), (PublishedShape{0, 0, 0}));
  publisher.row_finished(0, 4, 300);
  EXPECT_EQ(announced, (std::vector<PublishedShape>{{1, 4, 300}, {2, 8, 1000}}));
}

}  // namespace zarr
