// One array of a dataset (a pyramid level): frames go into its row buffers
// (RowPool); a full row goes to the workers as one job per chunk, or per
// shard with Zarr v3 sharding (ShardWriter); once every job of a row is done
// its buffer is reused and the row is published (MetadataPublisher) on the
// publication thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "zarr/cancellation.hh"
#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/codec_chain.hh"
#include "zarr/failure.hh"
#include "zarr/frame_placement.hh"
#include "zarr/image_axes.hh"
#include "zarr/metadata_publisher.hh"
#include "zarr/row_pool.hh"
#include "zarr/shard_writer.hh"
#include "zarr/store.hh"
#include "zarr/thread_pool.hh"

namespace zarr {

struct ArrayLayout {
  std::string path;  // "0", "1", ...
  int zarr_version = 2;
  DataType data_type = DataType::uint8;
  ImageAxes axes;  // shape, chunks (inner, when sharded), shards; axes.sample_size matches data_type
  // The array's attributes (v2: its .zattrs; null: none, as for pyramid levels).
  nlohmann::json attributes = nlohmann::json::object();
  MetadataPublisher::BeforeWrite before_write;  // see MetadataPublisher
};

// What every array of a dataset shares.
struct WriteContext {
  Store& store;
  const CodecChain& codecs;  // what every chunk goes through (stores_as_is(): nothing)
  ThreadPool& pool;
  // One thread that writes the metadata of finished rows: renaming a
  // metadata file over the old one can wait a second behind the chunk
  // writes in the disk's queue (ext4), and neither a worker nor a row
  // buffer (a live camera's next frames) may wait with it.
  ThreadPool& publication;
  Failure& failure;
  std::atomic<std::uint64_t>& bytes_written;
  std::atomic<std::uint64_t>& chunks_written;  // chunk files (shard files when sharded)
  const Cancellation& cancellation;            // ends the waits for a row buffer and for the workers
};

class ArrayWriter {
 public:
  // Called from the publication thread, once per row, in row order, with
  // what the shape now covers; no lock of the array is held.
  using OnPublished = MetadataPublisher::OnPublished;

  // Writes the metadata with no frames and faults the row buffers in.
  // Throws zarr::Error.
  ArrayWriter(ArrayLayout layout, unsigned rows_in_flight, WriteContext context, OnPublished on_published);
  // Waits for the workers still busy with this array's rows, cancelled or not.
  ~ArrayWriter();

  ArrayWriter(const ArrayWriter&) = delete;
  ArrayWriter& operator=(const ArrayWriter&) = delete;

  // Makes sure a row buffer is ready for the next frame; blocks while every
  // buffer is with the workers. Throws the recording's failure or
  // Error(cancelled); nothing has changed then, and it may be called again.
  void prepare_row();
  // Copies a frame (already checked: one plane per colour) into the row
  // being filled, where its place in the acquisition sequence puts it,
  // after prepare_row() when needed; hands a full row to the workers.
  // Throws as prepare_row() does.
  void append(const FrameView& frame);
  // Hands the partial last row to the workers (caller thread, once).
  void submit_last_row();
  // Waits until the workers have returned every row and their metadata is
  // written (after submit_last_row()). Throws Error(cancelled) while a
  // cancel is requested.
  void wait_idle();
  // Stopping fast: drops the row being filled, and the rows no worker has
  // started yet (rows being written finish). The shape will cover the rows
  // before the first dropped one. Does not wait: see drain().
  void drop_pending_rows();
  // Waits until the workers have returned every row and the rows given
  // back are published, deaf to cancellation.
  void drain();
  // Writes the metadata with the final frame count (after wait_idle()).
  void publish_final(std::uint64_t frames);

 private:
  struct RowJob;
  bool append_outermost_in_chunk() const;
  // `reached`: see RowJob (empty for a full row).
  void submit(ChunkRow& row, std::uint64_t planes_stored, std::vector<bool> reached = {});
  void run(RowJob& job, std::size_t index);
  void write_chunk(RowJob& job, std::size_t index);
  void write_shard(RowJob& job, std::size_t index);
  void finish_row(RowJob& job);
  void publish_row(std::uint64_t row, std::uint64_t frames, std::uint64_t bytes);

  const ArrayLayout layout_;
  const FramePlacement placement_;
  const ChunkGrid grid_;  // the chunks of one row buffer
  const std::size_t sample_size_;
  WriteContext context_;
  const ShardWriter shards_;
  MetadataPublisher publisher_;
  std::atomic<bool> dropping_pending_rows_{false};
  RowPool rows_;  // last: destroyed first, waiting for the workers that use the members above

  // Caller thread only.
  ChunkRow* filling_ = nullptr;
  std::uint64_t frames_ = 0;
};

}  // namespace zarr
