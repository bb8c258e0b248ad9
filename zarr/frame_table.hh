// The frame table (Settings::frame_table): a group `frames` beside the image
// with one 1-D array per column, index i describing stored frame i:
//   number       uint64  the camera's frame number
//   time         int64   capture time in ns on the recording's clock (-1 unknown)
//   camera_time  int64   the camera's own timestamp in ns (-1 none)
//   flags        uint8   frame_flags (zarr/frame_record.hh)
// chunked along t like the image (at most max_table_chunk entries a chunk)
// and compressed with its codec. publish() runs inside the image's metadata
// publication, before the image's shape grows, so a reader (and a dataset
// left by a killed process) finds a row for every frame the image holds.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "zarr/codec_chain.hh"
#include "zarr/frame_record.hh"
#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

inline constexpr const char* frame_table_path = "frames";
inline constexpr std::uint64_t max_table_chunk = 65536;

class FrameTable {
 public:
  // Writes the group and its empty arrays. `chunk_frames`: the image's
  // frames per chunk. Throws zarr::Error.
  FrameTable(Store& store, const Settings& settings, std::uint64_t chunk_frames);

  // Caller thread: the entry of the next stored frame.
  void add(const FrameEntry& entry);
  // Stores the entries of the first `frames` stored frames (each chunk they
  // touch, then each column's shape). Not concurrently with itself.
  void publish(std::uint64_t frames);

 private:
  struct Column {
    std::string name;
    DataType type;
    std::string unit;
    void (*put)(const FrameEntry&, std::byte*);  // the entry's value, little-endian
    CodecChain codecs;
  };
  void write_column_metadata(const Column& column, std::uint64_t frames);
  static nlohmann::json column_attributes(const Column& column);
  // Chunk `chunk` of a column from `entries` (entry `base` first), up to frame `frames`.
  void write_chunk(const Column& column, std::uint64_t chunk, std::uint64_t base,
                   const std::vector<FrameEntry>& entries, std::uint64_t frames);

  Store& store_;
  const int zarr_version_;
  const std::uint64_t chunk_;
  std::vector<Column> columns_;

  std::mutex mutex_;
  std::deque<FrameEntry> pending_;  // from entry base_: the chunks not yet whole on disk
  std::uint64_t base_ = 0;
};

}  // namespace zarr
