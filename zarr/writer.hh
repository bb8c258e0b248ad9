// Streams frames into a chunked, compressed Zarr v2 dataset.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "zarr/frame.hh"
#include "zarr/settings.hh"

namespace zarr {

struct Stats {
  std::uint64_t frames = 0;          // frames appended
  std::uint64_t bytes_in = 0;        // raw sample bytes appended
  std::uint64_t bytes_written = 0;   // chunk bytes stored (after compression)
  std::uint64_t chunks_written = 0;
  double compression_ratio() const { return bytes_written ? double(bytes_in) / bytes_written : 0.0; }
};

// Called (from a worker thread) each time a whole chunk row along t is on
// disk and the array's shape says so.
using RowWrittenCallback = std::function<void(const Stats&)>;

class Writer {
 public:
  // Validates the settings, prepares the location and writes the metadata.
  // Throws zarr::Error.
  explicit Writer(const Settings& settings, RowWrittenCallback on_row_written = {});
  // Closes if close() was not called; errors are swallowed here, so call close().
  ~Writer();

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Copies the frame into the chunk row being filled; blocks when the
  // workers are behind. Throws zarr::Error, including a worker's earlier failure.
  void append(const FrameView& frame);

  // Writes the partial last row and the final metadata. Throws zarr::Error.
  // Safe to call more than once.
  void close();

  Stats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zarr
