#include "zarr/writer.hh"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <nlohmann/json.hpp>
#include <vector>

#include "test_dir.hh"
#include "zarr/error.hh"

namespace zarr {
namespace {

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
  Writer writer(s, [&](const Stats& stats) {
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
      {good, {nullptr, 6, 1}},          // no data
      {good, {pixels.data(), 6, 0}},    // pixel stride below the sample size
      {good, {pixels.data(), 3, 1}},    // rows overlap
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

}  // namespace
}  // namespace zarr
