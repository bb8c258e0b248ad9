// The chunk-row buffers of one array: 1 + rows_in_flight of them, one being
// filled by the caller and the others with the workers. Memory does not grow
// with the recording: when every buffer is out, take() waits for one to come
// back (back-pressure), unless the recording is cancelled. A row given back
// before its metadata is written counts as busy for wait_idle() and drain()
// until published() says it is; and take() also waits while as many rows as
// the pool holds are stored but not yet described, so that the chunks on
// disk never run far ahead of the metadata (a full disk then still leaves
// the rows before it described, not a dataset of no frames).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "zarr/cancellation.hh"
#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/thread_pool.hh"

namespace zarr {

class RowPool {
 public:
  // Allocates the rows and has `workers` fault them in, in parallel, before
  // returning: a live camera's thread then never pays for first touch frame
  // by frame, nor competes with the workers for the cores and the mmap lock
  // while frames arrive (that made a 200 fps camera drop). `grid` and
  // `cancellation` must outlive the pool.
  RowPool(const ChunkGrid& grid, std::size_t sample_size, unsigned rows_in_flight, ThreadPool& workers,
          const Cancellation& cancellation);
  // Waits for every row to come back (see drain()).
  ~RowPool();

  RowPool(const RowPool&) = delete;
  RowPool& operator=(const RowPool&) = delete;

  // A free row, in whatever state its last user left it. Blocks while every
  // row is out, or while size() rows wait for their metadata. Throws
  // Error(cancelled) at once while a cancel is requested.
  ChunkRow& take();
  // Returns a taken row; any thread.
  void give_back(ChunkRow& row);
  // Returns a taken row whose metadata is still to be written: its buffer
  // is free at once, and published() must follow. Any thread.
  void give_back_unpublished(ChunkRow& row);
  // The metadata of a row given back unpublished is written. Any thread.
  void published();

  // Blocks until every row is back and published. Throws Error(cancelled)
  // at once while a cancel is requested.
  void wait_idle();
  // The same, deaf to cancellation: before what the workers use goes away.
  void drain();

  std::size_t size() const { return rows_.size(); }

 private:
  bool idle_locked() const;

  const Cancellation& cancellation_;
  std::vector<std::unique_ptr<ChunkRow>> rows_;

  std::mutex mutex_;
  std::condition_variable changed_;  // a row came back, or a cancel was requested
  std::vector<ChunkRow*> free_rows_;
  std::size_t unpublished_ = 0;  // rows given back whose metadata is not written yet
  Cancellation::Waker waker_;    // last: unregistered before the mutex goes away
};

}  // namespace zarr
