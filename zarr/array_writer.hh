// One array of a dataset (a pyramid level): its chunk-row buffers, the jobs
// that encode and store a finished row (a chunk per job, or a shard per job
// with Zarr v3 sharding) and its metadata, whose shape grows strictly in row
// order once a row is on disk.
//
// With sharding a row buffer holds one shard row: chunks_per_shard_t inner
// t-chunks of every tile, each tile's planes contiguous, so every inner chunk
// is a contiguous slice of the buffer and is encoded in place.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/codec_chain.hh"
#include "zarr/failure.hh"
#include "zarr/metadata.hh"
#include "zarr/store.hh"
#include "zarr/thread_pool.hh"

namespace zarr {

struct ArrayLayout {
  std::string path;  // "0", "1", ...
  int zarr_version = 2;
  DataType data_type = DataType::uint8;
  std::uint32_t channels = 1, height = 0, width = 0;
  ChunkShape chunk;  // the inner chunk when sharded
  std::uint32_t chunks_per_shard_t = 1, chunks_per_shard_y = 1, chunks_per_shard_x = 1;
  nlohmann::json attributes = nlohmann::json::object();  // v3 user metadata (v2: the writer's .zattrs)

  bool sharded() const { return chunks_per_shard_t * chunks_per_shard_y * chunks_per_shard_x > 1; }
};

// What every array of a dataset shares.
struct WriteContext {
  Store& store;
  const CodecChain& codecs;  // what every chunk goes through (stores_as_is(): nothing)
  ThreadPool& pool;
  Failure& failure;
  std::atomic<std::uint64_t>& bytes_written;
  std::atomic<std::uint64_t>& chunks_written;  // chunk files (shard files when sharded)
};

class ArrayWriter {
 public:
  // Called from a worker with the number of rows the shape now covers.
  using RowsPublished = std::function<void(std::uint64_t rows)>;

  // Writes the metadata with no frames and faults the row buffers in.
  // Throws zarr::Error.
  ArrayWriter(ArrayLayout layout, unsigned rows_in_flight, WriteContext context, RowsPublished on_published);
  // Waits for the workers still busy with this array's rows.
  ~ArrayWriter();

  ArrayWriter(const ArrayWriter&) = delete;
  ArrayWriter& operator=(const ArrayWriter&) = delete;

  // Copies a frame (already checked) into the row being filled; blocks while
  // every row buffer is with the workers. Throws the recording's failure.
  void append(const FrameView& frame);
  // Hands the partial last row to the workers (caller thread, once).
  void submit_last_row();
  // Waits until the workers have returned every row.
  void wait_idle();
  // Writes the metadata with the final frame count (after wait_idle()).
  void publish_final(std::uint64_t frames);

 private:
  std::uint32_t row_planes() const { return grid_.chunk().planes; }
  ChunkRow* take_free_row();
  void submit(ChunkRow* row, std::uint32_t inner_planes_stored);
  struct RowJob;
  void write_chunk(RowJob& job, std::size_t index);
  void write_shard(RowJob& job, std::size_t index);
  void finish_row(RowJob& job);
  void publish_shape_locked(std::uint64_t frames);

  const ArrayLayout layout_;
  const ChunkGrid grid_;  // chunks of one row buffer: (row planes, tile height, tile width)
  const std::size_t sample_size_;
  const std::uint32_t shards_y_, shards_x_;
  WriteContext context_;
  const RowsPublished on_published_;

  // Caller thread only.
  ChunkRow* filling_ = nullptr;
  std::uint64_t frames_ = 0;

  std::mutex mutex_;
  std::condition_variable row_returned_;
  std::vector<std::unique_ptr<ChunkRow>> rows_;
  std::vector<ChunkRow*> free_rows_;
  std::size_t rows_pending_ = 0;

  // What the metadata says; rows become part of the shape strictly in order.
  std::mutex metadata_mutex_;
  ArrayMetadata metadata_;
  std::map<std::uint64_t, std::uint32_t> finished_rows_;  // row -> frames, waiting for earlier rows
  std::uint64_t next_row_to_publish_ = 0;
  std::uint64_t published_frames_ = 0;
};

}  // namespace zarr
