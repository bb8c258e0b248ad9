#include "zarr/frame_record.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

FrameStamp numbered(std::uint64_t number, std::int64_t time_ns = unknown_time) {
  FrameStamp stamp;
  stamp.number = number;
  stamp.time_ns = time_ns;
  return stamp;
}

TEST(FrameRecordTest, GapsBecomeRunsBeforeTheFrameAfterThem) {
  FrameRecord record(GapPolicy::record, 0.01, "");
  for (std::uint64_t n : {5, 6, 9, 10, 11, 20}) {
    EXPECT_EQ(record.gap_before(numbered(n)), n == 9 ? 2u : n == 20 ? 8u : 0u) << n;
    record.add(numbered(n));
  }
  const nlohmann::json all = record.describe(6);
  EXPECT_EQ(all["first_frame"], 5);
  EXPECT_EQ(all["lost_runs"], nlohmann::json::parse("[[2, 2], [5, 8]]"));
  EXPECT_EQ(all["frames_lost"], 10);
  EXPECT_EQ(all["evenly_spaced"], false);
  EXPECT_EQ(all["gap_policy"], "record");
  // What a shape of 5 frames covers: the second gap is after them.
  EXPECT_EQ(record.describe(5)["lost_runs"], nlohmann::json::parse("[[2, 2]]"));
  EXPECT_EQ(record.frames_lost(5), 2u);
  EXPECT_EQ(record.frames_lost(), 10u);
}

TEST(FrameRecordTest, NoGapsIsEvenlySpacedAndStartsAtTheFirstFramesTime) {
  FrameRecord record(GapPolicy::record, 0.05, "frames");
  FrameStamp first = numbered(0);
  first.utc_ns = 1764635472123456789;  // 2025-12-02T00:31:12.123456Z
  record.add(first);
  record.add(numbered(1));
  const nlohmann::json described = record.describe(2);
  EXPECT_EQ(described["start_utc"], "2025-12-02T00:31:12.123456Z");
  EXPECT_EQ(described["evenly_spaced"], true);
  EXPECT_EQ(described["frames_lost"], 0);
  EXPECT_EQ(described["frame_interval_s"], 0.05);
  EXPECT_EQ(described["frame_table"], "frames");
  EXPECT_FALSE(record.describe(0).contains("first_frame"));
}

TEST(FrameRecordTest, FillRunsListTheStandInsAndStayEvenlySpaced) {
  FrameRecord record(GapPolicy::fill, 0.001, "");
  record.add(numbered(0, 1000000));
  EXPECT_EQ(record.gap_before(numbered(3)), 2u);
  const FrameEntry filled = record.add_fill();
  EXPECT_EQ(filled.number, 1u);
  EXPECT_EQ(filled.time_ns, 2000000);  // where it would have been
  EXPECT_EQ(filled.flags, frame_flags::filled);
  record.add_fill();
  EXPECT_EQ(record.gap_before(numbered(3)), 0u);
  record.add(numbered(3));
  const nlohmann::json described = record.describe(4);
  EXPECT_EQ(described["lost_runs"], nlohmann::json::parse("[[1, 2]]"));
  EXPECT_EQ(described["evenly_spaced"], true);
  // A shape that ends inside the run counts only the stand-ins it holds.
  EXPECT_EQ(record.describe(2)["lost_runs"], nlohmann::json::parse("[[1, 1]]"));
}

TEST(FrameRecordTest, FramesWithoutNumbersAreCountedAndNumbersGoingBackAreNoted) {
  FrameRecord record(GapPolicy::record, 0, "");
  EXPECT_EQ(record.add({}).number, 0u);
  const FrameEntry counted = record.add({});
  EXPECT_EQ(counted.number, 1u);
  EXPECT_EQ(counted.flags, frame_flags::counted);
  EXPECT_EQ(record.gap_before(numbered(0)), 0u);
  record.add(numbered(0));
  const nlohmann::json described = record.describe(3);
  EXPECT_EQ(described["numbers_monotonic"], false);
  EXPECT_EQ(described["evenly_spaced"], false);
  EXPECT_NE(described["frame_numbers"], "camera");
  EXPECT_TRUE(described["frame_interval_s"].is_null());
}

TEST(FrameRecordTest, TimesAreTakenOnceEach) {
  FrameRecord record(GapPolicy::record, 0, "");
  for (std::uint64_t n = 0; n < 4; ++n) record.add(numbered(n, std::int64_t(n * 10)));
  EXPECT_EQ(record.take_time(1), 10);
  EXPECT_EQ(record.take_time(3), 30);
  EXPECT_EQ(record.take_time(2), unknown_time);  // forgotten
}

}  // namespace
}  // namespace zarr
