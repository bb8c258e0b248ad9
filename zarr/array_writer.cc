#include "zarr/array_writer.hh"

#include <memory>

#include "zarr/large_buffer.hh"
#include "zarr/metadata.hh"

namespace zarr {

namespace {

ArrayMetadata initial_metadata(const ArrayLayout& layout, const WriteContext& context) {
  ArrayMetadata metadata;
  metadata.shape = layout.axes.shape(0);
  metadata.append = layout.axes.append;
  metadata.chunks = layout.axes.chunks();
  metadata.chunks_per_shard = layout.axes.chunks_per_shard();
  metadata.dimension_names = layout.axes.names();
  metadata.data_type = layout.data_type;
  metadata.compressor = layout.zarr_version == 2 ? context.codecs.v2_compressor() : nlohmann::json(nullptr);
  metadata.codecs = context.codecs.v3_codecs();
  metadata.attributes = layout.attributes;
  return metadata;
}

}  // namespace

// A row handed to the workers: its buffer, how many planes each chunk
// stores, and how many jobs (chunks or shards) are still to run.
struct ArrayWriter::RowJob {
  enum class Fate { undecided, written, dropped };

  ChunkRow& row;
  std::uint64_t planes_stored;
  std::atomic<std::size_t> jobs_left;
  // A last, partial row: the plane chunks a frame reached. The others are
  // nothing but fill and are not written (a missing chunk reads the same).
  // Empty: every plane chunk holds frames.
  std::vector<bool> reached = {};
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
      placement_(layout_.axes),
      grid_(placement_.plane_chunks_per_row(), std::uint32_t(layout_.axes.y().size),
            std::uint32_t(layout_.axes.x().size),
            {placement_.planes_per_chunk(), layout_.axes.y().chunk, layout_.axes.x().chunk}),
      sample_size_(sample_size(layout_.data_type)),
      context_(context),
      shards_(grid_, layout_.axes, context_.codecs),
      publisher_(context_.store, layout_.path, layout_.zarr_version, initial_metadata(layout_, context_),
                 std::move(on_published), layout_.before_write, layout_.axes.frames_per_step()),
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
  row.row = frames_ / placement_.frames_per_row();
  row.frames = 0;
  filling_ = &row;
}

void ArrayWriter::append(const FrameView& frame) {
  prepare_row();
  for (std::uint32_t colour = 0; colour < layout_.axes.colours; ++colour) {
    const FramePlacement::Spot spot = placement_.place(filling_->frames, colour);
    filling_->copy_plane(spot.plane_chunk, spot.plane, frame.channels[colour], frame.swap_bytes);
  }
  ++filling_->frames;
  ++frames_;
  if (filling_->frames == placement_.frames_per_row()) {
    ChunkRow& full = *filling_;
    filling_ = nullptr;
    submit(full, placement_.planes_per_chunk());
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
  // Padding of a buffer that may hold an earlier row's frames: the
  // places of the frames this row did not get.
  for (std::uint64_t frame = row->frames; frame < placement_.frames_per_row(); ++frame)
    for (std::uint32_t colour = 0; colour < layout_.axes.colours; ++colour) {
      const FramePlacement::Spot spot = placement_.place(frame, colour);
      row->clear_plane(spot.plane_chunk, spot.plane);
    }
  std::vector<bool> reached(placement_.plane_chunks_per_row(), false);
  for (std::uint64_t frame = 0; frame < row->frames; ++frame)
    for (std::uint32_t colour = 0; colour < layout_.axes.colours; ++colour)
      reached[placement_.place(frame, colour).plane_chunk] = true;
  std::uint64_t planes_stored = placement_.planes_per_chunk();
  const Axis& append = layout_.axes.axes[layout_.axes.append];
  if (row->row == 0 && append.shard == 1 && append_outermost_in_chunk()) {
    // Shorter than one chunk: store a chunk of exactly the steps recorded
    // (a partial last one included) instead of padding to the full chunk:
    // its steps are a prefix of each chunk.
    const std::uint64_t frames_per_step = layout_.axes.frames_per_step();
    const std::uint64_t steps = (row->frames + frames_per_step - 1) / frames_per_step;
    publisher_.set_append_chunk(steps);
    planes_stored = planes_stored / append.chunk * steps;
  }
  submit(*row, planes_stored, std::move(reached));
}

// The axes stored before the append axis have chunks of 1 (or there are
// none): the append axis is then the outermost inside a chunk.
bool ArrayWriter::append_outermost_in_chunk() const {
  for (std::size_t j = 0; j < layout_.axes.append; ++j)
    if (layout_.axes.axes[j].chunk != 1) return false;
  return true;
}

void ArrayWriter::submit(ChunkRow& row, std::uint64_t planes_stored, std::vector<bool> reached) {
  const std::size_t jobs = layout_.axes.sharded() ? shards_.shards_per_row() : grid_.chunks_per_row();
  auto job = std::make_shared<RowJob>(row, planes_stored, jobs);
  job->reached = std::move(reached);
  for (std::size_t i = 0; i < jobs; ++i) context_.pool.submit([this, job, i] { run(*job, i); });
}

void ArrayWriter::run(RowJob& job, std::size_t index) {
  // The dataset ends at the last row completed before a failure.
  if (job.to_write(dropping_pending_rows_) && !context_.failure.failed()) {
    try {
      if (layout_.axes.sharded())
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
  if (!job.reached.empty() && !job.reached[position.plane_chunk]) return;  // no frame reached it: fill
  std::vector<std::uint64_t> indices = placement_.chunk_indices(job.row.row, position.plane_chunk);
  indices.push_back(position.y);
  indices.push_back(position.x);
  const std::string key = layout_.zarr_version == 3 ? chunk_key_v3(layout_.path, indices)
                                                    : chunk_key_v2(layout_.path, indices);
  const std::span<const std::byte> raw = job.row.chunk(index, job.planes_stored);
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
  const Shard shard = shards_.assemble(job.row, index, job.planes_stored, encoded);
  if (shard.empty()) return;  // nothing but fill: a missing shard reads the same
  context_.store.put_parts(chunk_key_v3(layout_.path, shards_.shard_indices(job.row.row, index)), shard.parts());
  context_.bytes_written += shard.bytes();
  job.bytes_stored += shard.bytes();
  ++context_.chunks_written;
}

void ArrayWriter::finish_row(RowJob& job) {
  if (job.fate != RowJob::Fate::written || context_.failure.failed()) {
    rows_.give_back(job.row);
    return;
  }
  // The buffer is free for the next frames before the metadata is written.
  const std::uint64_t row = job.row.row, frames = job.row.frames, bytes = job.bytes_stored;
  rows_.give_back_unpublished(job.row);
  context_.publication.submit([this, row, frames, bytes] { publish_row(row, frames, bytes); });
}

// A row stored before a failure is published even when the failure comes
// while it waits for this thread: the dataset ends at the last row stored.
void ArrayWriter::publish_row(std::uint64_t row, std::uint64_t frames, std::uint64_t bytes) {
  try {
    publisher_.row_finished(row, frames, bytes);
  } catch (...) {
    context_.failure.record(std::current_exception());
  }
  rows_.published();
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
