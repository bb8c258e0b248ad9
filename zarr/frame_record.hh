// Which camera frame each stored frame is, when it was taken, and which
// frames were lost. Kept as frames are appended; described, compactly, in
// the "acquisition" attributes of array 0 (the lost frames as runs, however
// long the recording), and per frame in the frame table when asked for
// (zarr/frame_table.hh). Docs: docs/zarr-library.md, "The frame record".
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "zarr/settings.hh"

namespace zarr {

inline constexpr std::int64_t unknown_time = -1;
// The key of the record in array 0's attributes.
inline constexpr const char* acquisition_key = "acquisition";

// Per-frame flags, as the frame table's `flags` column stores them.
namespace frame_flags {
inline constexpr std::uint8_t discontinuity = 1;  // the source marked a break before it (GStreamer DISCONT)
inline constexpr std::uint8_t corrupted = 2;      // delivered although incomplete (GStreamer CORRUPTED)
inline constexpr std::uint8_t filled = 4;         // no camera frame: gap-policy fill's stand-in for a lost one
inline constexpr std::uint8_t counted = 8;        // the source gave no number: one more than the previous
}  // namespace frame_flags

// What the caller knows of one frame.
struct FrameStamp {
  std::optional<std::uint64_t> number;         // camera frame number; nullopt: the previous one + 1
  std::int64_t time_ns = unknown_time;         // capture time on the recording's clock (zarrsink: running time)
  std::int64_t camera_time_ns = unknown_time;  // the camera's own clock
  std::int64_t utc_ns = unknown_time;          // wall-clock UTC of the capture; the first frame's is the start
  std::uint8_t flags = 0;                      // discontinuity, corrupted
};

// One stored frame, as the frame table stores it.
struct FrameEntry {
  std::uint64_t number = 0;
  std::int64_t time_ns = unknown_time;
  std::int64_t camera_time_ns = unknown_time;
  std::uint8_t flags = 0;
};

// Fills a gap of at most this many frames (gap-policy fill); a longer one
// (a camera restart, a broken counter) fails the recording instead of
// writing that many blank frames.
inline constexpr std::uint64_t max_filled_gap = 100000;

class FrameRecord {
 public:
  // `table_path`: where the frame table is ("" without one), for the description.
  FrameRecord(GapPolicy policy, double frame_interval_s, std::string table_path);

  // Caller thread. Frames lost just before the stamped frame: the jump of
  // its number past the previous one (0 for the first frame, a number that
  // does not go up, or none).
  std::uint64_t gap_before(const FrameStamp& stamp) const;
  // Records the next stored frame: a camera frame (its gap, if any, as a
  // run of lost frames) ...
  FrameEntry add(const FrameStamp& stamp);
  // ... or a stand-in for the next lost frame (gap-policy fill).
  FrameEntry add_fill();

  // Any thread: the "acquisition" attributes for the first `frames` stored
  // frames (what the array's shape says).
  nlohmann::json describe(std::uint64_t frames) const;
  // Frames lost (or filled) before stored index `frames`; all so far.
  std::uint64_t frames_lost(std::uint64_t frames) const;
  std::uint64_t frames_lost() const;
  // Any thread: the time of stored frame `index` (unknown_time when not
  // given), forgetting the frames before it: call with growing indices.
  std::int64_t take_time(std::uint64_t index);

 private:
  struct Run {
    std::uint64_t index;    // record: the stored frame after the gap; fill: the first filled frame
    std::uint64_t missing;  // frames lost there
  };
  std::uint64_t lost_locked(std::uint64_t frames) const;
  FrameEntry store_locked(const FrameEntry& entry, std::int64_t utc_ns);

  const GapPolicy policy_;
  const double frame_interval_s_;
  const std::string table_path_;

  mutable std::mutex mutex_;
  std::uint64_t stored_ = 0;
  std::uint64_t first_number_ = 0;
  std::uint64_t last_number_ = 0;
  std::int64_t last_time_ns_ = unknown_time;
  std::string start_utc_;  // ISO 8601, of the first frame
  std::vector<Run> runs_;
  std::uint64_t total_lost_ = 0;    // the missing of every run
  std::deque<std::int64_t> times_;  // of stored frames times_base_ ... not yet taken
  std::uint64_t times_base_ = 0;
  bool numbers_from_source_ = true;  // every frame came with its number
  bool numbers_monotonic_ = true;    // every number was above the one before
};

// "2026-12-02T00:31:12.123456Z"
std::string iso8601_utc(std::int64_t utc_ns);

}  // namespace zarr
