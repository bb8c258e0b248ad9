#include "zarr/row_pool.hh"

namespace zarr {

RowPool::RowPool(const ChunkGrid& grid, std::size_t sample_size, unsigned rows_in_flight, ThreadPool& workers,
                 const Cancellation& cancellation)
    : cancellation_(cancellation), waker_(cancellation, [this] {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
      }) {
  for (unsigned i = 0; i < 1 + rows_in_flight; ++i) rows_.push_back(std::make_unique<ChunkRow>(grid, sample_size));
  // Every row starts out, with a worker faulting it in.
  for (const auto& row : rows_)
    workers.submit([this, row = row.get()] {
      row->populate();
      give_back(*row);
    });
  drain();
}

RowPool::~RowPool() { drain(); }

ChunkRow& RowPool::take() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] {
    return (!free_rows_.empty() && unpublished_ < rows_.size()) || cancellation_.cancelled();
  });
  if (cancellation_.cancelled())
    throw recording_interrupted("while waiting for a free row buffer (the workers or the metadata are behind)");
  ChunkRow* row = free_rows_.back();
  free_rows_.pop_back();
  return *row;
}

void RowPool::give_back(ChunkRow& row) {
  std::lock_guard lock(mutex_);
  free_rows_.push_back(&row);
  changed_.notify_all();
}

void RowPool::give_back_unpublished(ChunkRow& row) {
  {
    std::lock_guard lock(mutex_);
    ++unpublished_;  // before the row is free: the pool never looks idle in between
  }
  give_back(row);
}

void RowPool::published() {
  std::lock_guard lock(mutex_);
  --unpublished_;
  changed_.notify_all();
}

bool RowPool::idle_locked() const { return free_rows_.size() == rows_.size() && unpublished_ == 0; }

void RowPool::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return idle_locked() || cancellation_.cancelled(); });
  if (cancellation_.cancelled()) throw recording_interrupted("while waiting for the workers to write the last rows");
}

void RowPool::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return idle_locked(); });
}

}  // namespace zarr
