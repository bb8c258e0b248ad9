#include "zarr/array_writer.hh"

#include <memory>

#include "zarr/large_buffer.hh"
#include "zarr/metadata.hh"

namespace zarr {

namespace {

ArrayMetadata initial_metadata(const ArrayLayout& layout, const WriteContext& context) {
  ArrayMetadata metadata;
  metadata.shape = {0, layout.channels, layout.height, layout.width};
  metadata.chunks = {layout.chunk.planes, 1, layout.chunk.height, layout.chunk.width};
  metadata.chunks_per_shard = {layout.chunks_per_shard_t, 1, layout.chunks_per_shard_y, layout.chunks_per_shard_x};
  metadata.data_type = layout.data_type;
  metadata.compressor = layout.zarr_version == 2 ? context.codecs.v2_compressor() : nlohmann::json(nullptr);
  metadata.codecs = context.codecs.v3_codecs();
  metadata.attributes = layout.attributes;
  return metadata;
}

}  // namespace

// A row handed to the workers: its buffer, how many planes each inner chunk
// stores, and how many jobs (chunks or shards) are still to run.
struct ArrayWriter::RowJob {
  enum class Fate { undecided, written, dropped };

  ChunkRow& row;
  std::uint32_t inner_planes_stored;
  std::atomic<std::size_t> jobs_left;
  std::atomic<std::uint64_t> bytes_stored{0};
  // Decided by the first of the row's jobs to start, so that a row is
  // written whole or not at all when pending rows are dropped.
  std::atomic<Fate> fate{Fate::undecided};

  bool to_write(bool dropping) {
    Fate undecided = Fate::undecided;
    fate.compare_exchange_strong(undecided, dropping ? Fate::dropped : Fate::written);
    return fate == Fate::written;
  }
};

ArrayWriter::ArrayWriter(ArrayLayout layout, unsigned rows_in_flight, WriteContext context, OnPublished on_published)
    : layout_(std::move(layout)),
      grid_(layout_.channels, layout_.height, layout_.width,
            {layout_.chunk.planes * layout_.chunks_per_shard_t, layout_.chunk.height, layout_.chunk.width}),
      sample_size_(sample_size(layout_.data_type)),
      context_(context),
      shards_(grid_, layout_.chunk.planes,
              {layout_.chunks_per_shard_t, layout_.chunks_per_shard_y, layout_.chunks_per_shard_x}, sample_size_,
              context_.codecs),
      publisher_(context_.store, layout_.path, layout_.zarr_version, initial_metadata(layout_, context_),
                 std::move(on_published), layout_.before_write),
      rows_(grid_, sample_size_, rows_in_flight, context_.pool, context_.cancellation) {}

ArrayWriter::~ArrayWriter() {
  if (filling_) rows_.give_back(*filling_);
  rows_.drain();
}

void ArrayWriter::prepare_row() {
  if (filling_) return;
  context_.failure.rethrow_if_failed();
  // Back-pressure: wait for the workers to return a buffer (they always do,
  // also after a failure).
  ChunkRow& row = rows_.take();
  if (context_.failure.failed()) {
    rows_.give_back(row);
    context_.failure.rethrow_if_failed();
  }
  row.row = grid_.row_of_frame(frames_);
  row.frames = 0;
  filling_ = &row;
}

void ArrayWriter::append(const FrameView& frame) {
  prepare_row();
  filling_->copy_frame(filling_->frames, frame);
  ++filling_->frames;
  ++frames_;
  if (filling_->frames == row_planes()) {
    ChunkRow& full = *filling_;
    filling_ = nullptr;
    submit(full, layout_.chunk.planes);
  }
}

void ArrayWriter::submit_last_row() {
  ChunkRow* row = filling_;
  filling_ = nullptr;
  if (!row) return;
  if (context_.failure.failed()) {
    rows_.give_back(*row);
    return;
  }
  std::uint32_t inner_planes_stored = layout_.chunk.planes;
  if (row->row == 0 && layout_.chunks_per_shard_t == 1) {
    // Shorter than one t-chunk: store a t-chunk of exactly the frames
    // recorded instead of padding to the full plane count.
    publisher_.set_chunk_planes(row->frames);
    inner_planes_stored = row->frames;
  } else {
    // Padding of a buffer that may hold an earlier row's frames.
    row->clear_planes_from(row->frames);
  }
  submit(*row, inner_planes_stored);
}

void ArrayWriter::submit(ChunkRow& row, std::uint32_t inner_planes_stored) {
  const std::size_t jobs = layout_.sharded() ? shards_.shards_per_row() : grid_.chunks_per_row();
  auto job = std::make_shared<RowJob>(row, inner_planes_stored, jobs);
  for (std::size_t i = 0; i < jobs; ++i) context_.pool.submit([this, job, i] { run(*job, i); });
}

void ArrayWriter::run(RowJob& job, std::size_t index) {
  // The dataset ends at the last row completed before a failure.
  if (job.to_write(dropping_pending_rows_) && !context_.failure.failed()) {
    try {
      if (layout_.sharded())
        write_shard(job, index);
      else
        write_chunk(job, index);
    } catch (...) {
      context_.failure.record(std::current_exception());
    }
  }
  if (--job.jobs_left == 0) finish_row(job);
}

void ArrayWriter::write_chunk(RowJob& job, std::size_t index) {
  const ChunkPosition position = grid_.position(index);
  const std::string key = layout_.zarr_version == 3
                              ? chunk_key_v3(layout_.path, job.row.row, position.c, position.y, position.x)
                              : chunk_key_v2(layout_.path, job.row.row, position.c, position.y, position.x);
  const std::span<const std::byte> raw = job.row.chunk(index, job.inner_planes_stored);
  if (!context_.codecs.stores_as_is()) {
    // One scratch buffer per worker thread, reused for every chunk.
    thread_local LargeBuffer encoded;
    encoded.grow_to(context_.codecs.max_encoded_size(raw.size()));
    const std::size_t n = context_.codecs.encode(raw, {encoded.data(), encoded.size()});
    context_.store.put(key, {encoded.data(), n});
    context_.bytes_written += n;
    job.bytes_stored += n;
  } else {
    context_.store.put(key, raw);
    context_.bytes_written += raw.size();
    job.bytes_stored += raw.size();
  }
  ++context_.chunks_written;
}

void ArrayWriter::write_shard(RowJob& job, std::size_t index) {
  thread_local LargeBuffer encoded;  // one per worker thread, reused for every shard
  const Shard shard = shards_.assemble(job.row, index, job.inner_planes_stored, encoded);
  if (shard.empty()) return;  // nothing but fill: a missing shard reads the same
  const ShardPosition at = shards_.position(index);
  context_.store.put_parts(chunk_key_v3(layout_.path, job.row.row, at.c, at.y, at.x), shard.parts());
  context_.bytes_written += shard.bytes();
  job.bytes_stored += shard.bytes();
  ++context_.chunks_written;
}

void ArrayWriter::finish_row(RowJob& job) {
  if (job.fate == RowJob::Fate::written && !context_.failure.failed()) {
    try {
      publisher_.row_finished(job.row.row, job.row.frames, job.bytes_stored);
    } catch (...) {
      context_.failure.record(std::current_exception());
    }
  }
  rows_.give_back(job.row);
}

void ArrayWriter::wait_idle() { rows_.wait_idle(); }

void ArrayWriter::drop_pending_rows() {
  dropping_pending_rows_ = true;
  if (filling_) rows_.give_back(*filling_);
  filling_ = nullptr;
}

void ArrayWriter::drain() { rows_.drain(); }

void ArrayWriter::publish_final(std::uint64_t frames) { publisher_.publish_final(frames); }

}  // namespace zarr
