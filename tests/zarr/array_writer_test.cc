#include "zarr/array_writer.hh"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "tests/zarr/memory_store.hh"
#include "zarr/error.hh"
#include "zarr/settings.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using testing::MemoryStore;
using testing::OpenGateAtExit;

// What an ArrayWriter shares with the other arrays of a recording, and
// what it announced.
struct Recording {
  explicit Recording(unsigned threads) : pool(threads) {}

  const CodecChain codecs;  // chunks stored as they are

  WriteContext context() {
    return {store, codecs, pool, publication, failure, bytes_written, chunks_written, cancellation};
  }
  ArrayWriter::OnPublished recorder() {
    // Rows and frames kept for comparison; the bytes of the last one apart.
    return [this](const PublishedShape& shape) {
      std::lock_guard lock(mutex);
      published.push_back({shape.rows, shape.frames});
      bytes_published = shape.bytes;
    };
  }
  std::vector<PublishedShape> announced() {
    std::lock_guard lock(mutex);
    return published;
  }
  std::vector<std::uint8_t> value(const std::string& key) const {
    const auto bytes = store.get(key);
    if (!bytes) return {};
    return {reinterpret_cast<const std::uint8_t*>(bytes->data()),
            reinterpret_cast<const std::uint8_t*>(bytes->data() + bytes->size())};
  }

  MemoryStore store;
  ThreadPool pool;
  ThreadPool publication{1};
  Failure failure;
  std::atomic<std::uint64_t> bytes_written{0}, chunks_written{0};
  Cancellation cancellation;
  std::mutex mutex;
  std::vector<PublishedShape> published;
  std::uint64_t bytes_published = 0;
};

// A (t, c, y, x) uint8 array of one channel; shards along t, y and x.
ArrayLayout layout(std::uint32_t width, std::uint32_t height, ChunkShape chunk, int zarr_version = 2,
                   std::uint32_t shard_t = 1, std::uint32_t shard_y = 1, std::uint32_t shard_x = 1) {
  Settings s;
  s.width = width;
  s.height = height;
  s.tile_width = chunk.width;
  s.tile_height = chunk.height;
  s.tile_planes = std::uint32_t(chunk.planes);
  s.zarr_version = zarr_version;
  s.chunks_per_shard_t = shard_t;
  s.chunks_per_shard_y = shard_y;
  s.chunks_per_shard_x = shard_x;
  ArrayLayout layout;
  layout.path = "0";
  layout.zarr_version = zarr_version;
  layout.axes = image_axes(s);
  return layout;
}

// A uint8 frame whose samples are `fill`, or 0 from column `zero_from` on.
void append(ArrayWriter& array, const ArrayLayout& layout, std::uint8_t fill, std::uint32_t zero_from = ~0u) {
  const std::size_t width = layout.axes.x().size;
  std::vector<std::byte> samples(width * layout.axes.y().size);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = std::byte(i % width < zero_from ? fill : 0);
  const PlaneView plane{samples.data(), std::ptrdiff_t(width), 1};
  array.append(FrameView{std::span(&plane, 1)});
}

std::vector<std::uint8_t> repeated(std::initializer_list<std::pair<std::uint8_t, std::size_t>> runs) {
  std::vector<std::uint8_t> bytes;
  for (auto [value, count] : runs) bytes.insert(bytes.end(), count, value);
  return bytes;
}

std::uint64_t shape_on_disk(const Recording& recording, const std::string& key = "0/.zarray") {
  return recording.store.json(key)["shape"][0];
}

TEST(ArrayWriter, RowsArePublishedInOrderWhenWorkersFinishOutOfOrder) {
  Recording recording(2);
  const ArrayLayout one_chunk_rows = layout(4, 4, {2, 4, 4});
  ArrayWriter array(one_chunk_rows, 3, recording.context(), recording.recorder());
  const OpenGateAtExit open_gate_at_exit{recording.store};
  EXPECT_EQ(shape_on_disk(recording), 0u);
  recording.store.close_gate([](const std::string& key) { return key == "0/0/0/0/0"; });  // row 0 hangs
  for (std::uint8_t f = 1; f <= 6; ++f) append(array, one_chunk_rows, f);
  ASSERT_TRUE(recording.store.wait_until_stored("0/2/0/0/0")) << "rows 1 and 2 are written meanwhile";
  EXPECT_TRUE(recording.store.wait_until_stored("0/1/0/0/0", 0ms));
  EXPECT_FALSE(recording.store.exists("0/0/0/0/0"));
  EXPECT_EQ(shape_on_disk(recording), 0u) << "rows 1 and 2 must wait for row 0";
  EXPECT_TRUE(recording.announced().empty());

  recording.store.open_gate();
  array.wait_idle();
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 2}, {2, 4}, {3, 6}}));
  EXPECT_EQ(recording.bytes_published, recording.bytes_written) << "the bytes of the rows published";
  EXPECT_GT(recording.bytes_published, 0u);
  EXPECT_EQ(shape_on_disk(recording), 6u);
  EXPECT_EQ(recording.value("0/1/0/0/0"), repeated({{3, 16}, {4, 16}}));
  EXPECT_EQ(recording.chunks_written, 3u);
  EXPECT_EQ(recording.bytes_written, 3u * 32);
}

// Renaming metadata over the old file can wait a second behind the chunk
// writes (ext4): the row buffers and the workers go on meanwhile.
TEST(ArrayWriter, AStalledMetadataWriteHoldsNoRowBufferButHoldsTheWriterBackAfterThePoolsRows) {
  Recording recording(1);
  const ArrayLayout one_chunk_rows = layout(4, 4, {2, 4, 4});
  ArrayWriter array(one_chunk_rows, 1, recording.context(), recording.recorder());  // 2 row buffers
  const OpenGateAtExit open_gate_at_exit{recording.store};
  recording.store.close_gate([](const std::string& key) { return key == "0/.zarray"; });
  auto appending = std::async(std::launch::async, [&] {
    for (std::uint8_t f = 1; f <= 8; ++f) append(array, one_chunk_rows, f);  // 4 rows through 2 buffers
  });
  // Row 1 is stored while row 0's metadata is stuck: its buffer did not wait ...
  ASSERT_TRUE(recording.store.wait_until_stored("0/1/0/0/0")) << "a row buffer waited for its metadata";
  // ... but the chunks run at most the pool's rows ahead of the metadata:
  // row 3 waits (a full disk must leave room for the earlier rows' metadata).
  EXPECT_EQ(appending.wait_for(300ms), std::future_status::timeout) << "rows ran unbounded ahead of the metadata";
  EXPECT_FALSE(recording.store.exists("0/3/0/0/0"));
  EXPECT_EQ(shape_on_disk(recording), 0u) << "the metadata is still being written";
  EXPECT_TRUE(recording.announced().empty());

  auto idle = std::async(std::launch::async, [&] { array.wait_idle(); });
  EXPECT_EQ(idle.wait_for(50ms), std::future_status::timeout) << "wait_idle() returned before the rows were published";
  recording.cancellation.cancel();
  ASSERT_EQ(idle.wait_for(1s), std::future_status::ready);
  EXPECT_THROW(idle.get(), Error) << "cancel ends the wait for a stalled publication";
  ASSERT_EQ(appending.wait_for(1s), std::future_status::ready);
  EXPECT_THROW(appending.get(), Error) << "cancel ends the wait for a row";
  recording.cancellation.reset();

  recording.store.open_gate();
  array.wait_idle();
  // Rows 0 and 1, and row 2 if it was taken before row 1 was stored.
  const std::vector<PublishedShape> all = {{1, 2}, {2, 4}, {3, 6}};
  const std::vector<PublishedShape> announced = recording.announced();
  ASSERT_GE(announced.size(), 2u);
  ASSERT_LE(announced.size(), 3u);
  EXPECT_EQ(announced, std::vector<PublishedShape>(all.begin(), all.begin() + std::ptrdiff_t(announced.size())));
  EXPECT_EQ(shape_on_disk(recording), announced.back().frames);
  EXPECT_EQ(recording.value("0/1/0/0/0"), repeated({{3, 16}, {4, 16}}));
}

TEST(ArrayWriter, PartialLastRowIsPaddedWithFillInAReusedBuffer) {
  Recording recording(2);
  const ArrayLayout ragged = layout(6, 4, {3, 4, 4});                       // 2 tiles, the second half outside
  ArrayWriter array(ragged, 1, recording.context(), recording.recorder());  // row 2 reuses row 0's buffer
  for (int f = 0; f < 7; ++f) append(array, ragged, 0xAB);
  array.submit_last_row();
  array.wait_idle();
  array.publish_final(7);
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 3}, {2, 6}, {3, 7}}));
  EXPECT_EQ(recording.store.json("0/.zarray")["shape"], nlohmann::json::parse("[7, 1, 4, 6]"));
  // Frame 6 in plane 0 (its right tile: 2 columns in the frame), planes 1
  // and 2 fill, not row 0's frames.
  std::vector<std::uint8_t> expected;
  for (int y = 0; y < 4; ++y) expected.insert(expected.end(), {0xAB, 0xAB, 0, 0});
  expected.resize(3 * 16, 0);
  EXPECT_EQ(recording.value("0/2/0/0/1"), expected);
  EXPECT_EQ(recording.chunks_written, 6u);
  EXPECT_EQ(recording.bytes_written, 6u * 3 * 16);
}

TEST(ArrayWriter, RecordingShorterThanOneRowStoresOnlyItsFrames) {
  Recording recording(1);
  const ArrayLayout deep = layout(4, 4, {8, 4, 4});
  ArrayWriter array(deep, 1, recording.context(), recording.recorder());
  append(array, deep, 5);
  append(array, deep, 6);
  array.submit_last_row();
  array.wait_idle();
  array.publish_final(2);
  EXPECT_EQ(recording.store.json("0/.zarray")["chunks"], nlohmann::json::parse("[2, 1, 4, 4]"));
  EXPECT_EQ(recording.value("0/0/0/0/0"), repeated({{5, 16}, {6, 16}}));
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 2}}));
}

TEST(ArrayWriter, ShardedRowsAreOneShardPerTileGroupAndFillShardsAreLeftOut) {
  Recording recording(2);
  // Shard rows of 4 frames; 2 shards across, the right one all fill.
  const ArrayLayout sharded = layout(8, 4, {2, 2, 2}, 3, 2, 2, 2);
  ArrayWriter array(sharded, 1, recording.context(), recording.recorder());
  for (std::uint8_t f = 1; f <= 6; ++f) append(array, sharded, f, 4);
  array.submit_last_row();
  array.wait_idle();
  array.publish_final(6);

  EXPECT_EQ(recording.store.chunk_keys(), (std::vector<std::string>{"0/c/0/0/0/0", "0/c/1/0/0/0"}));
  const std::size_t index_bytes = 16 * 8 + 4;
  // Row 0: 8 inner chunks of 2 planes x 2 x 2; row 1 (2 frames): inner t-chunk 1 absent.
  const std::vector<std::uint8_t> first = recording.value("0/c/0/0/0/0");
  ASSERT_EQ(first.size(), 8 * 8 + index_bytes);
  EXPECT_EQ(std::vector<std::uint8_t>(first.begin(), first.begin() + 8), repeated({{1, 4}, {2, 4}}));
  EXPECT_EQ(std::vector<std::uint8_t>(first.begin() + 56, first.begin() + 64), repeated({{3, 4}, {4, 4}}));
  const std::vector<std::uint8_t> last = recording.value("0/c/1/0/0/0");
  ASSERT_EQ(last.size(), 4 * 8 + index_bytes);
  EXPECT_EQ(std::vector<std::uint8_t>(last.begin(), last.begin() + 8), repeated({{5, 4}, {6, 4}}));
  EXPECT_EQ(recording.chunks_written, 2u);
  EXPECT_EQ(recording.bytes_written, first.size() + last.size());
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 4}, {2, 6}}));
  EXPECT_EQ(shape_on_disk(recording, "0/zarr.json"), 6u);
}

TEST(ArrayWriter, FailureStopsWritingAndIsRethrownByAppend) {
  Recording recording(1);
  const ArrayLayout one_chunk_rows = layout(4, 4, {2, 4, 4});
  ArrayWriter array(one_chunk_rows, 1, recording.context(), recording.recorder());
  recording.store.fail_puts([](const std::string& key) { return key == "0/1/0/0/0"; });
  try {
    for (std::uint8_t f = 1; f <= 20; ++f) append(array, one_chunk_rows, f);
    FAIL() << "the failure of row 1 was not reported";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::write_failed);
    EXPECT_NE(std::string(e.what()).find("memory:0/1/0/0/0"), std::string::npos) << e.what();
  }
  array.submit_last_row();
  array.wait_idle();
  EXPECT_TRUE(recording.failure.failed());
  EXPECT_EQ(recording.store.chunk_keys(), (std::vector<std::string>{"0/0/0/0/0"})) << "nothing after the failure";
  EXPECT_EQ(shape_on_disk(recording), 2u);
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 2}}));
}

TEST(ArrayWriter, CancelledWaitForARowChangesNothingAndAppendingGoesOnAfterReset) {
  Recording recording(1);
  const ArrayLayout one_chunk_rows = layout(4, 4, {2, 4, 4});
  ArrayWriter array(one_chunk_rows, 1, recording.context(), recording.recorder());
  const OpenGateAtExit open_gate_at_exit{recording.store};
  recording.store.close_gate(testing::is_chunk_key);
  for (std::uint8_t f = 1; f <= 4; ++f) append(array, one_chunk_rows, f);  // both buffers with the workers
  auto blocked = std::async(std::launch::async, [&] { append(array, one_chunk_rows, 5); });
  const OpenGateAtExit release_if_failed{recording.store};
  EXPECT_EQ(blocked.wait_for(30ms), std::future_status::timeout);
  recording.cancellation.cancel();
  ASSERT_EQ(blocked.wait_for(1s), std::future_status::ready);
  try {
    blocked.get();
    FAIL() << "append() returned while every buffer was out";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::cancelled);
  }
  recording.cancellation.reset();
  recording.store.open_gate();
  append(array, one_chunk_rows, 5);
  append(array, one_chunk_rows, 6);
  array.submit_last_row();
  array.wait_idle();
  EXPECT_EQ(recording.value("0/2/0/0/0"), repeated({{5, 16}, {6, 16}}));
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 2}, {2, 4}, {3, 6}}));
}

TEST(ArrayWriter, DroppingPendingRowsFinishesOnlyTheRowsBeingWritten) {
  Recording recording(1);
  const ArrayLayout one_chunk_rows = layout(4, 4, {2, 4, 4});
  ArrayWriter array(one_chunk_rows, 2, recording.context(), recording.recorder());
  const OpenGateAtExit open_gate_at_exit{recording.store};
  recording.store.close_gate(testing::is_chunk_key);
  for (std::uint8_t f = 1; f <= 5; ++f) append(array, one_chunk_rows, f);  // rows 0, 1 submitted, row 2 filling
  ASSERT_TRUE(recording.store.wait_until_held(1)) << "row 0 is being written";
  array.drop_pending_rows();
  recording.store.open_gate();
  array.drain();
  EXPECT_EQ(recording.store.chunk_keys(), (std::vector<std::string>{"0/0/0/0/0"}));
  EXPECT_EQ(shape_on_disk(recording), 2u);
  EXPECT_EQ(recording.announced(), (std::vector<PublishedShape>{{1, 2}}));
}

}  // namespace
}  // namespace zarr
