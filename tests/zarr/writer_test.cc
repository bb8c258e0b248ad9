#include "zarr/writer.hh"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>
#include <nlohmann/json.hpp>
#include <vector>

#include "tests/zarr/memory_store.hh"
#include "tests/zarr/test_dir.hh"
#include "zarr/error.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using testing::MemoryStore;
using testing::OpenGateAtExit;
using testing::TestDir;

Settings small(const std::filesystem::path& location) {
  Settings s;
  s.location = location.string();
  s.width = 6;
  s.height = 4;
  s.tile_width = 4;
  s.tile_height = 4;
  s.tile_planes = 2;
  s.sync_files = false;
  return s;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

nlohmann::json zarray(const std::filesystem::path& location) {
  return nlohmann::json::parse(read_file(location / "0" / ".zarray"));
}

// Appends frames whose every sample is `value`.
void append_filled(Writer& writer, const Settings& s, std::uint8_t value) {
  std::vector<std::byte> pixels(std::size_t(s.width) * s.height, std::byte{value});
  const PlaneView plane{pixels.data(), std::ptrdiff_t(s.width), 1};
  writer.append(FrameView{std::span(&plane, 1)});
}

TEST(Writer, ShapeIsOnDiskWhenTheRowCallbackRuns) {
  TestDir dir;
  const Settings s = small(dir / "run.zarr");
  std::vector<std::uint64_t> shapes_seen;
  std::vector<std::uint64_t> frames_reported;
  Writer writer(s, [&](const Progress& stats) {
    shapes_seen.push_back(zarray(s.location)["shape"][0]);
    frames_reported.push_back(stats.frames);
  });
  EXPECT_EQ(zarray(s.location)["shape"][0], 0);
  for (int i = 0; i < 5; ++i) append_filled(writer, s, std::uint8_t(i + 1));
  writer.close();
  EXPECT_EQ(shapes_seen, (std::vector<std::uint64_t>{2, 4, 5}));
  EXPECT_EQ(frames_reported.size(), 3u);
  const Stats stats = writer.stats();
  EXPECT_EQ(stats.frames, 5u);
  EXPECT_EQ(stats.bytes_in, 5u * 6 * 4);
  EXPECT_EQ(stats.chunks_written, 3u * 2);  // 3 t-chunks of 2 tiles
  EXPECT_EQ(stats.bytes_written, 6u * 2 * 4 * 4);
}

TEST(Writer, LastPartialRowIsPaddedWithZerosInAReusedBuffer) {
  TestDir dir;
  Settings s = small(dir / "run.zarr");
  s.tile_planes = 3;
  s.rows_in_flight = 1;  // two buffers: row 2 reuses row 0's
  Writer writer(s);
  for (int i = 0; i < 7; ++i) append_filled(writer, s, 0xAB);
  writer.close();
  // Row 2 holds frame 6 in plane 0; planes 1 and 2 must be fill, not row 0's data.
  const std::string chunk = read_file(dir / "run.zarr/0/2/0/0/1");
  ASSERT_EQ(chunk.size(), 3u * 4 * 4);
  for (std::size_t y = 0; y < 4; ++y)
    for (std::size_t x = 0; x < 4; ++x)
      EXPECT_EQ(std::uint8_t(chunk[y * 4 + x]), x < 2 ? 0xAB : 0) << "ragged edge padding at " << x;
  for (std::size_t i = 16; i < chunk.size(); ++i) ASSERT_EQ(chunk[i], 0) << "plane padding at byte " << i;
  EXPECT_EQ(zarray(dir / "run.zarr")["chunks"], nlohmann::json::parse("[3, 1, 4, 4]"));
}

TEST(Writer, NothingRecordedGivesAnEmptyValidArray) {
  TestDir dir;
  Writer writer(small(dir / "empty.zarr"));
  writer.close();
  const auto meta = zarray(dir / "empty.zarr");
  EXPECT_EQ(meta["shape"], nlohmann::json::parse("[0, 1, 4, 6]"));
  EXPECT_EQ(meta["chunks"][0], 1);
}

TEST(Writer, CloseIsIdempotentAndAppendAfterCloseIsRefused) {
  TestDir dir;
  const Settings s = small(dir / "run.zarr");
  Writer writer(s);
  append_filled(writer, s, 1);
  writer.close();
  EXPECT_NO_THROW(writer.close());
  try {
    append_filled(writer, s, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_frame);
  }
}

TEST(Writer, MalformedFramesAreRefused) {
  TestDir dir;
  Settings s = small(dir / "run.zarr");
  s.channels = 2;
  Writer writer(s);
  std::vector<std::byte> pixels(24);
  const PlaneView good{pixels.data(), 6, 1};
  const PlaneView cases[][2] = {
      {good, {nullptr, 6, 1}},        // no data
      {good, {pixels.data(), 6, 0}},  // pixel stride below the sample size
      {good, {pixels.data(), 3, 1}},  // rows overlap
  };
  for (const auto& planes : cases) EXPECT_THROW(writer.append(FrameView{std::span(planes, 2)}), Error);
  EXPECT_THROW(writer.append(FrameView{std::span(&good, 1)}), Error);  // one channel of two
  EXPECT_EQ(writer.stats().frames, 0u);
}

TEST(Writer, WorkerFailureSurfacesAtAppendOrCloseWithThePath) {
  TestDir dir;
  const Settings s = small(dir / "run.zarr");
  Writer writer(s);
  append_filled(writer, s, 1);
  append_filled(writer, s, 2);
  // Wait for row 0, then make the array's directory unusable for row 1.
  while (zarray(s.location)["shape"][0] != 2) std::this_thread::yield();
  std::filesystem::rename(dir / "run.zarr/0", dir / "moved");
  std::ofstream(dir / "run.zarr/0") << "in the way";
  try {
    for (int i = 0; i < 10; ++i) append_filled(writer, s, 3);
    writer.close();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::open_failed);
    EXPECT_NE(std::string(e.what()).find((dir / "run.zarr/0").string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(writer.close(), Error) << "close after a failure must keep reporting it";
}

// What a call on another thread ended with: nothing, or an Error's code.
std::optional<ErrorCode> outcome(std::future<void>& call) {
  try {
    call.get();
    return std::nullopt;
  } catch (const Error& e) {
    return e.code();
  }
}

// A writer into a MemoryStore the test keeps hold of: one worker, two row
// buffers of 2 frames, each row 2 chunks (6 x 4 frames in 4 x 4 tiles).
struct SlowStoreRecording {
  SlowStoreRecording() {
    settings.location = "memory.zarr";
    settings.width = 6;
    settings.height = 4;
    settings.tile_width = 4;
    settings.tile_height = 4;
    settings.tile_planes = 2;
    settings.max_threads = 1;
    settings.rows_in_flight = 1;
    auto owned = std::make_unique<MemoryStore>();
    store = owned.get();
    writer = std::make_unique<Writer>(settings, std::move(owned));
  }
  ~SlowStoreRecording() {
    store->open_gate();  // lets the writer's destructor finish
  }
  std::uint64_t shape() const { return store->json("0/.zarray")["shape"][0]; }
  std::vector<std::byte> chunk(const std::string& key) const {
    return store->get(key).value_or(std::vector<std::byte>{});
  }

  Settings settings;
  MemoryStore* store = nullptr;
  std::unique_ptr<Writer> writer;
};

using Clock = std::chrono::steady_clock;

// zarrsink's unlock: the streaming thread blocked in append() must return
// at once. After resume() the same frame is appended again and the dataset
// is complete: an interrupted append() loses nothing but that call.
TEST(Writer, CancelReleasesAnAppendBlockedBehindASlowStoreAndResumeGoesOn) {
  SlowStoreRecording r;
  r.store->close_gate(testing::is_chunk_key);
  for (int f = 1; f <= 4; ++f) append_filled(*r.writer, r.settings, std::uint8_t(f));  // both buffers out
  ASSERT_TRUE(r.store->wait_until_held(1));
  auto blocked = std::async(std::launch::async, [&] { append_filled(*r.writer, r.settings, 5); });
  const OpenGateAtExit release_if_failed{*r.store};
  ASSERT_EQ(blocked.wait_for(50ms), std::future_status::timeout) << "append() did not block";
  const Clock::time_point cancelled_at = Clock::now();
  r.writer->cancel();
  ASSERT_EQ(blocked.wait_for(2s), std::future_status::ready);
  EXPECT_LT(Clock::now() - cancelled_at, 100ms);
  EXPECT_EQ(outcome(blocked), ErrorCode::cancelled);
  EXPECT_EQ(r.writer->stats().frames, 4u) << "the interrupted frame is not counted";

  r.writer->resume();
  r.store->open_gate();
  append_filled(*r.writer, r.settings, 5);
  r.writer->close();
  EXPECT_EQ(r.shape(), 5u);
  EXPECT_EQ(r.writer->stats().frames, 5u);
  const std::vector<std::byte> last = r.chunk("0/2/0/0/0");  // frame 5 in plane 0, plane 1 fill
  ASSERT_EQ(last.size(), 32u);
  EXPECT_EQ(last[0], std::byte{5});
  EXPECT_EQ(last[15], std::byte{5});
  EXPECT_EQ(last[16], std::byte{0});
  EXPECT_EQ(r.chunk("0/1/0/0/0")[16], std::byte{4});
}

// Level 1 of the pyramid is the slow one: the frame interrupted while
// level 1 waits must not have gone into level 0 already, or the levels
// would be a frame apart after resume().
TEST(Writer, CancelledAppendLeavesEveryPyramidLevelInStep) {
  Settings s = small("memory.zarr");
  s.multiscale = true;  // level 1: 3 x 2 in one tile
  s.max_threads = 3;    // two held by level 1's rows, one for level 0
  s.rows_in_flight = 1;
  auto owned = std::make_unique<MemoryStore>();
  MemoryStore& store = *owned;
  Writer writer(s, std::move(owned));
  const OpenGateAtExit open_gate_at_exit{store};
  store.close_gate([](const std::string& key) { return key.starts_with("1/") && testing::is_chunk_key(key); });
  for (int f = 1; f <= 4; ++f) append_filled(writer, s, std::uint8_t(f));  // level 1's buffers both out
  ASSERT_TRUE(store.wait_until_held(2));
  ASSERT_TRUE(store.wait_until_stored("0/1/0/0/1")) << "level 0 keeps up";
  auto blocked = std::async(std::launch::async, [&] { append_filled(writer, s, 5); });
  const OpenGateAtExit release_if_failed{store};
  ASSERT_EQ(blocked.wait_for(50ms), std::future_status::timeout) << "append() did not wait for level 1";
  writer.cancel();
  ASSERT_EQ(blocked.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(outcome(blocked), ErrorCode::cancelled);
  writer.resume();
  store.open_gate();
  append_filled(writer, s, 5);
  writer.close();
  for (const char* level : {"0", "1"}) {
    SCOPED_TRACE(level);
    EXPECT_EQ(store.json(std::string(level) + "/.zarray")["shape"][0], 5);
    const auto last_row = store.get(std::string(level) + "/2/0/0/0");
    ASSERT_TRUE(last_row);
    EXPECT_EQ((*last_row)[0], std::byte{5}) << "frame 5 first in the last row";
    EXPECT_EQ(last_row->back(), std::byte{0}) << "and nothing after it";
  }
}

TEST(Writer, WhileCancelledAppendAndCloseRefuseAtOnceWithASentence) {
  SlowStoreRecording r;
  append_filled(*r.writer, r.settings, 1);
  r.writer->cancel();
  try {
    append_filled(*r.writer, r.settings, 2);
    FAIL() << "append() while cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::cancelled);
    EXPECT_NE(std::string(e.what()).find("the recording was interrupted"), std::string::npos) << e.what();
  }
  EXPECT_THROW(r.writer->close(), Error);
  r.writer->resume();
  append_filled(*r.writer, r.settings, 2);
  r.writer->close();
  EXPECT_EQ(r.shape(), 2u);
  EXPECT_EQ(r.chunk("0/0/0/0/0")[16], std::byte{2});
}

TEST(Writer, CancelReleasesACloseWaitingForTheWorkersAndCloseCanBeRetried) {
  SlowStoreRecording r;
  r.store->close_gate(testing::is_chunk_key);
  for (int f = 1; f <= 3; ++f) append_filled(*r.writer, r.settings, std::uint8_t(f));
  auto closing = std::async(std::launch::async, [&] { r.writer->close(); });
  const OpenGateAtExit release_if_failed{*r.store};
  ASSERT_EQ(closing.wait_for(50ms), std::future_status::timeout) << "close() did not wait for the store";
  const Clock::time_point cancelled_at = Clock::now();
  r.writer->cancel();
  ASSERT_EQ(closing.wait_for(2s), std::future_status::ready);
  EXPECT_LT(Clock::now() - cancelled_at, 100ms);
  EXPECT_EQ(outcome(closing), ErrorCode::cancelled);

  r.writer->resume();
  r.store->open_gate();
  r.writer->close();
  EXPECT_EQ(r.shape(), 3u);
  EXPECT_EQ(r.store->flushes(), 1u);
}

TEST(Writer, AbortDropsQueuedRowsAndLeavesWholeRowsReadable) {
  SlowStoreRecording r;
  Settings& s = r.settings;
  s.rows_in_flight = 3;
  auto owned = std::make_unique<MemoryStore>();
  r.store = owned.get();
  r.writer = std::make_unique<Writer>(s, std::move(owned));
  r.store->close_gate(testing::is_chunk_key);
  for (int f = 1; f <= 7; ++f) append_filled(*r.writer, s, std::uint8_t(f));  // rows 0..2 submitted, row 3 filling
  ASSERT_TRUE(r.store->wait_until_held(1)) << "row 0 is being written";
  auto aborting = std::async(std::launch::async, [&] { r.writer->abort(); });
  const OpenGateAtExit release_if_failed{*r.store};
  ASSERT_EQ(aborting.wait_for(50ms), std::future_status::timeout) << "abort() must let row 0 finish";
  r.store->open_gate();
  ASSERT_EQ(aborting.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(outcome(aborting), std::nullopt);

  EXPECT_EQ(r.store->chunk_keys(), (std::vector<std::string>{"0/0/0/0/0", "0/0/0/0/1"}));
  EXPECT_EQ(r.shape(), 2u);
  EXPECT_EQ(r.store->flushes(), 1u);
  EXPECT_NO_THROW(r.writer->close());
  EXPECT_NO_THROW(r.writer->abort());
  try {
    append_filled(*r.writer, s, 8);
    FAIL() << "append() after abort()";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_frame);
  }
}

// A writer destroyed while a cancel is pending (an element torn down
// after unlock) must not wait for the rows still queued.
TEST(Writer, DestroyedWithACancelPendingDropsTheQueuedRows) {
  MemoryStore store;
  Settings s = small("memory.zarr");
  s.max_threads = 1;
  s.rows_in_flight = 3;
  auto writer = std::make_unique<Writer>(s, std::make_unique<testing::BorrowedStore>(store));
  const OpenGateAtExit open_gate_at_exit{store};
  store.close_gate(testing::is_chunk_key);
  for (int f = 1; f <= 7; ++f) append_filled(*writer, s, std::uint8_t(f));  // rows 0..2 submitted
  ASSERT_TRUE(store.wait_until_held(1)) << "row 0 is being written";
  writer->cancel();
  std::thread opener([&] {
    std::this_thread::sleep_for(30ms);
    store.open_gate();
  });
  writer.reset();
  opener.join();
  EXPECT_EQ(store.chunk_keys(), (std::vector<std::string>{"0/0/0/0/0", "0/0/0/0/1"}));
  EXPECT_EQ(store.json("0/.zarray")["shape"][0], 2);
}

}  // namespace
}  // namespace zarr
