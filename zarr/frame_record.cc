#include "zarr/frame_record.hh"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace zarr {

using nlohmann::json;

std::string iso8601_utc(std::int64_t utc_ns) {
  const std::time_t seconds = std::time_t(utc_ns / 1000000000);
  const long micros = long(utc_ns % 1000000000 / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  return text;
}

FrameRecord::FrameRecord(GapPolicy policy, double frame_interval_s, std::string table_path)
    : policy_(policy), frame_interval_s_(frame_interval_s), table_path_(std::move(table_path)) {}

std::uint64_t FrameRecord::gap_before(const FrameStamp& stamp) const {
  std::lock_guard lock(mutex_);
  if (stored_ == 0 || !stamp.number || *stamp.number <= last_number_) return 0;
  return *stamp.number - last_number_ - 1;
}

FrameEntry FrameRecord::add(const FrameStamp& stamp) {
  std::lock_guard lock(mutex_);
  FrameEntry entry{0, stamp.time_ns, stamp.camera_time_ns, stamp.flags};
  if (stamp.number) {
    entry.number = *stamp.number;
    if (stored_ > 0 && entry.number <= last_number_) numbers_monotonic_ = false;
  } else {
    entry.number = stored_ == 0 ? 0 : last_number_ + 1;
    entry.flags |= frame_flags::counted;
    numbers_from_source_ = false;
  }
  if (stored_ > 0 && entry.number > last_number_ + 1) {
    runs_.push_back({stored_, entry.number - last_number_ - 1});
    total_lost_ += runs_.back().missing;
  }
  return store_locked(entry, stamp.utc_ns);
}

FrameEntry FrameRecord::add_fill() {
  std::lock_guard lock(mutex_);
  FrameEntry entry{last_number_ + 1, unknown_time, unknown_time, frame_flags::filled};
  // Where the lost frame would have been, when the interval says.
  if (last_time_ns_ != unknown_time && frame_interval_s_ > 0)
    entry.time_ns = last_time_ns_ + std::int64_t(frame_interval_s_ * 1e9 + 0.5);
  if (!runs_.empty() && runs_.back().index + runs_.back().missing == stored_)
    ++runs_.back().missing;
  else
    runs_.push_back({stored_, 1});
  ++total_lost_;
  return store_locked(entry, unknown_time);
}

FrameEntry FrameRecord::store_locked(const FrameEntry& entry, std::int64_t utc_ns) {
  if (stored_ == 0) {
    first_number_ = entry.number;
    if (utc_ns == unknown_time)
      utc_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count();
    start_utc_ = iso8601_utc(utc_ns);
  }
  last_number_ = entry.number;
  last_time_ns_ = entry.time_ns;
  times_.push_back(entry.time_ns);
  ++stored_;
  return entry;
}

std::uint64_t FrameRecord::lost_locked(std::uint64_t frames) const {
  std::uint64_t lost = 0;
  for (const Run& run : runs_) {
    if (run.index >= frames) break;
    // A fill run may reach past `frames`; a recorded gap is before its index.
    lost += policy_ == GapPolicy::fill ? std::min(run.missing, frames - run.index) : run.missing;
  }
  return lost;
}

std::uint64_t FrameRecord::frames_lost(std::uint64_t frames) const {
  std::lock_guard lock(mutex_);
  return lost_locked(frames);
}

std::int64_t FrameRecord::take_time(std::uint64_t index) {
  std::lock_guard lock(mutex_);
  while (!times_.empty() && times_base_ < index) {
    times_.pop_front();
    ++times_base_;
  }
  return times_base_ == index && !times_.empty() ? times_.front() : unknown_time;
}

std::uint64_t FrameRecord::frames_lost() const {
  std::lock_guard lock(mutex_);
  return total_lost_;  // the streaming thread asks every frame (stats): no walk over the runs
}

json FrameRecord::describe(std::uint64_t frames) const {
  std::lock_guard lock(mutex_);
  json runs = json::array();
  for (const Run& run : runs_) {
    if (run.index >= frames) break;
    const std::uint64_t missing = policy_ == GapPolicy::fill ? std::min(run.missing, frames - run.index) : run.missing;
    runs.push_back({run.index, missing});
  }
  const std::uint64_t lost = lost_locked(frames);
  // Nothing here changes from one row to the next unless frames were lost,
  // so Zarr v2 rewrites .zattrs only then (the shape says how many are stored).
  json record = {
      {"frames_lost", lost},
      {"lost_runs", runs},
      {"gap_policy", to_string(policy_)},
      {"frame_interval_s", frame_interval_s_ > 0 ? json(frame_interval_s_) : json(nullptr)},
      // The OME time scale (frame_interval_s per index) is exact only then.
      {"evenly_spaced", numbers_monotonic_ && (lost == 0 || policy_ == GapPolicy::fill)},
      {"frame_numbers", numbers_from_source_ ? "camera" : "counted where the source gave none"},
      {"numbers_monotonic", numbers_monotonic_},
  };
  if (frames > 0) {
    record["start_utc"] = start_utc_;
    record["first_frame"] = first_number_;
  }
  record["lost_runs_meaning"] =
      policy_ == GapPolicy::fill
          ? "[index, count]: stored frames index .. index+count-1 are blank stand-ins for lost camera frames; "
            "stored frame i is camera frame first_frame + i"
          : "[index, count]: count camera frames were lost just before stored frame index; stored frame i is "
            "camera frame first_frame + i + the counts of the runs with index <= i";
  if (!table_path_.empty()) record["frame_table"] = table_path_;
  return record;
}

}  // namespace zarr
