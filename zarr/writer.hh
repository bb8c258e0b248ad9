// Streams frames into a chunked, compressed Zarr dataset (v2 or v3, optionally
// sharded, with a multiscale pyramid).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "zarr/frame.hh"
#include "zarr/frame_record.hh"
#include "zarr/settings.hh"
#include "zarr/store.hh"

namespace zarr {

struct Stats {
  std::uint64_t frames = 0;         // frames appended
  std::uint64_t bytes_in = 0;       // raw sample bytes appended
  std::uint64_t bytes_written = 0;  // chunk bytes stored (after compression)
  std::uint64_t chunks_written = 0;
  std::uint64_t frames_lost = 0;  // gaps in the frame numbers (filled ones too), see FrameRecord
  double compression_ratio() const { return bytes_written ? double(bytes_in) / bytes_written : 0.0; }
};

// What is on disk and readable: the frames every array's published shape
// covers, and the chunk bytes of those rows.
struct Progress {
  std::uint64_t frames = 0;
  std::uint64_t bytes_in = 0;                  // raw sample bytes of those frames (level 0)
  std::uint64_t bytes_written = 0;             // chunk bytes stored for them (every level)
  std::uint64_t frames_lost = 0;               // camera frames lost among them (see FrameRecord)
  std::int64_t newest_time_ns = unknown_time;  // the FrameStamp time of the newest of them
  double compression_ratio() const { return bytes_written ? double(bytes_in) / bytes_written : 0.0; }
};

// Called from a worker thread, holding none of the library's locks, after
// chunk rows are on disk and the shapes say so. Calls never overlap and
// their figures never go backwards; a call may cover several rows.
using RowWrittenCallback = std::function<void(const Progress&)>;

class Writer {
 public:
  // Validates the settings, prepares the location and writes the metadata.
  // Throws zarr::Error.
  explicit Writer(const Settings& settings, RowWrittenCallback on_row_written = {});
  // The same, writing into `store` instead of the one settings.location asks
  // for (tests, custom storage); settings.location then only names the dataset.
  Writer(const Settings& settings, std::unique_ptr<Store> store, RowWrittenCallback on_row_written = {});
  // Closes if neither close() nor abort() was called, or aborts if a cancel
  // is requested; errors are swallowed here, so call close().
  ~Writer();

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Copies the frame into the chunk row being filled; blocks when the
  // workers are behind. `stamp` says which camera frame it is and when it
  // was taken (the frame record; by default the next number, time unknown);
  // with GapPolicy::fill a jump in the numbers first appends blank frames.
  // Throws zarr::Error, including a worker's earlier failure.
  void append(const FrameView& frame, const FrameStamp& stamp = {});

  // Writes the partial last row and the final metadata. Throws zarr::Error.
  // Safe to call more than once; after Error(cancelled), calling it again
  // (after resume()) goes on waiting where it stopped.
  void close();

  // Any thread, at any time: ends at once, with Error(cancelled), an
  // append() waiting for a free row buffer or a close() waiting for the
  // workers (GStreamer's unlock). Until resume(), append() and close() throw
  // Error(cancelled) at once. The frame of an interrupted append() is not
  // recorded; nothing else is lost: rows already handed to the workers are
  // still written. (A store given the cancellation may also end its own
  // waits: an S3 request then fails, and so does the recording.)
  void cancel();
  // Clears the request (GStreamer's unlock_stop): append() and close() work
  // again, unless the recording failed meanwhile (they then throw that).
  void resume();
  // Until resume(): the store gives up a transfer that has stalled (no byte
  // moved for half a second) and does not retry, while moving transfers and new
  // requests go on; cancel() does this too. For a stop that still finishes
  // (close() or abort() after resume()) and must not hang on a dead store:
  // the recording then fails with Error(cancelled) at the stalled object.
  void give_up_stalled_transfers();

  // Stops fast, instead of close(), when the end of the recording does not
  // matter (a stop without end of stream): the partial row being filled and
  // the rows no worker has started yet are dropped, the rows being written
  // finish (waited for, even when cancelled), then the dataset is flushed.
  // Each array's shape stays at the rows stored before the first dropped
  // one: a readable dataset of whole rows. Afterwards it is closed (close()
  // and abort() do nothing, append() is refused). Not concurrently with
  // append() or close(): cancel() first to end one that blocks. Throws
  // zarr::Error: a worker's failure, or the flush's.
  void abort();

  Stats stats() const;

  // True once the append dimension holds the size the dimensions gave it
  // (never for an unbounded one): append() then refuses frames, and the
  // caller should close(). Caller thread.
  bool complete() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zarr
