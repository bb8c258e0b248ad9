#include "zarr/array_writer.hh"

#include <cstring>

#include "zarr/large_buffer.hh"
#include "zarr/shard_index.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

bool all_zero(std::span<const std::byte> bytes) {
  // memcmp against itself shifted by one byte: libc's vectorised compare.
  return bytes.empty() || (bytes[0] == std::byte{0} && std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0);
}

// Grows a worker's scratch buffer to at least `bytes`.
void reserve(LargeBuffer& buffer, std::size_t bytes) {
  if (buffer.size() < bytes) buffer = LargeBuffer(bytes);
}

}  // namespace

// A row handed to the workers: its buffer, how many planes each inner chunk
// stores, and how many jobs (chunks or shards) are still to run.
struct ArrayWriter::RowJob {
  ChunkRow* row;
  std::uint32_t inner_planes_stored;
  std::atomic<std::size_t> jobs_left;
};

ArrayWriter::ArrayWriter(ArrayLayout layout, unsigned rows_in_flight, WriteContext context,
                         RowsPublished on_published)
    : layout_(std::move(layout)),
      grid_(layout_.channels, layout_.height, layout_.width,
            {layout_.chunk.planes * layout_.chunks_per_shard_t, layout_.chunk.height, layout_.chunk.width}),
      sample_size_(sample_size(layout_.data_type)),
      shards_y_(ceil_div(grid_.chunks_along_y(), layout_.chunks_per_shard_y)),
      shards_x_(ceil_div(grid_.chunks_along_x(), layout_.chunks_per_shard_x)),
      context_(context),
      on_published_(std::move(on_published)) {
  metadata_.shape = {0, layout_.channels, layout_.height, layout_.width};
  metadata_.chunks = {layout_.chunk.planes, 1, layout_.chunk.height, layout_.chunk.width};
  metadata_.chunks_per_shard = {layout_.chunks_per_shard_t, 1, layout_.chunks_per_shard_y, layout_.chunks_per_shard_x};
  metadata_.data_type = layout_.data_type;
  metadata_.compressor = layout_.zarr_version == 2 ? context_.codecs.v2_compressor() : nlohmann::json(nullptr);
  metadata_.codecs = context_.codecs.v3_codecs();
  metadata_.attributes = layout_.attributes;
  publish_shape_locked(0);

  for (unsigned i = 0; i < 1 + rows_in_flight; ++i) {
    rows_.push_back(std::make_unique<ChunkRow>(grid_, sample_size_));
    free_rows_.push_back(rows_.back().get());
  }
  // The buffers are faulted in now, by the workers in parallel, before the
  // first frame: a live camera's streaming thread then never pays for it
  // frame by frame, and the workers never compete with it for the cores and
  // the mmap lock while frames arrive (that made a 200 fps camera drop).
  for (const auto& row : rows_) {
    ++rows_pending_;
    context_.pool.submit([this, row = row.get()] {
      row->populate();
      std::lock_guard lock(mutex_);
      --rows_pending_;
      row_returned_.notify_all();
    });
  }
  wait_idle();
}

ArrayWriter::~ArrayWriter() {
  wait_idle();
}

void ArrayWriter::append(const FrameView& frame) {
  if (!filling_) {
    filling_ = take_free_row();
    filling_->row = grid_.row_of_frame(frames_);
    filling_->frames = 0;
  }
  filling_->copy_frame(filling_->frames, frame);
  ++filling_->frames;
  ++frames_;
  if (filling_->frames == row_planes()) {
    submit(filling_, layout_.chunk.planes);
    filling_ = nullptr;
  }
}

ChunkRow* ArrayWriter::take_free_row() {
  std::unique_lock lock(mutex_);
  // Back-pressure: wait for the workers to return a buffer (they always do,
  // also after a failure).
  row_returned_.wait(lock, [this] { return !free_rows_.empty(); });
  context_.failure.rethrow_if_failed();
  ChunkRow* row = free_rows_.back();
  free_rows_.pop_back();
  return row;
}

void ArrayWriter::submit_last_row() {
  ChunkRow* row = filling_;
  filling_ = nullptr;
  if (!row || context_.failure.failed()) {
    if (row) {
      std::lock_guard lock(mutex_);
      free_rows_.push_back(row);
    }
    return;
  }
  std::uint32_t inner_planes_stored = layout_.chunk.planes;
  if (row->row == 0 && layout_.chunks_per_shard_t == 1) {
    // Shorter than one t-chunk: store a t-chunk of exactly the frames
    // recorded instead of padding to the full plane count.
    std::lock_guard lock(metadata_mutex_);
    metadata_.chunks[0] = row->frames;
    inner_planes_stored = row->frames;
  } else {
    // Padding of a buffer that may hold an earlier row's frames.
    row->clear_planes_from(row->frames);
  }
  submit(row, inner_planes_stored);
}

void ArrayWriter::submit(ChunkRow* row, std::uint32_t inner_planes_stored) {
  const std::size_t jobs =
      layout_.sharded() ? std::size_t(layout_.channels) * shards_y_ * shards_x_ : grid_.chunks_per_row();
  auto job = std::make_shared<RowJob>(row, inner_planes_stored, jobs);
  {
    std::lock_guard lock(mutex_);
    ++rows_pending_;
  }
  for (std::size_t i = 0; i < jobs; ++i)
    context_.pool.submit([this, job, i] {
      if (!context_.failure.failed()) {  // the dataset ends at the last row completed before a failure
        try {
          if (layout_.sharded())
            write_shard(*job, i);
          else
            write_chunk(*job, i);
        } catch (...) {
          context_.failure.record(std::current_exception());
        }
      }
      if (--job->jobs_left == 0) finish_row(*job);
    });
}

void ArrayWriter::write_chunk(RowJob& job, std::size_t index) {
  const ChunkPosition position = grid_.position(index);
  const std::string key = layout_.zarr_version == 3
                              ? chunk_key_v3(layout_.path, job.row->row, position.c, position.y, position.x)
                              : chunk_key_v2(layout_.path, job.row->row, position.c, position.y, position.x);
  const std::span<const std::byte> raw = job.row->chunk(index, job.inner_planes_stored);
  if (!context_.codecs.stores_as_is()) {
    // One scratch buffer per worker thread, reused for every chunk.
    thread_local LargeBuffer encoded;
    reserve(encoded, context_.codecs.max_encoded_size(raw.size()));
    const std::size_t n = context_.codecs.encode(raw, {encoded.data(), encoded.size()});
    context_.store.put(key, {encoded.data(), n});
    context_.bytes_written += n;
  } else {
    context_.store.put(key, raw);
    context_.bytes_written += raw.size();
  }
  ++context_.chunks_written;
}

void ArrayWriter::write_shard(RowJob& job, std::size_t index) {
  const std::uint32_t shard_x = std::uint32_t(index % shards_x_);
  const std::uint32_t shard_y = std::uint32_t(index / shards_x_ % shards_y_);
  const std::uint32_t c = std::uint32_t(index / shards_x_ / shards_y_);
  const std::uint32_t per_t = layout_.chunks_per_shard_t, per_y = layout_.chunks_per_shard_y,
                      per_x = layout_.chunks_per_shard_x;
  const std::size_t plane_bytes = grid_.samples_per_plane_of_chunk() * sample_size_;
  const std::size_t inner_bytes = std::size_t(job.inner_planes_stored) * plane_bytes;

  thread_local LargeBuffer encoded;
  if (!context_.codecs.stores_as_is()) reserve(encoded, std::size_t(per_t) * per_y * per_x * context_.codecs.max_encoded_size(inner_bytes));
  std::size_t encoded_used = 0;

  ShardIndex shard_index(std::size_t(per_t) * per_y * per_x);
  std::vector<std::span<const std::byte>> parts;
  std::uint64_t offset = 0;
  for (std::uint32_t t = 0; t < per_t; ++t) {
    // Inner t-chunks past the frames of a last, partial row lie outside the array.
    if (std::uint64_t(t) * layout_.chunk.planes >= job.row->frames) break;
    for (std::uint32_t y = 0; y < per_y; ++y) {
      const std::uint32_t chunk_y = shard_y * per_y + y;
      if (chunk_y >= grid_.chunks_along_y()) break;  // ragged bottom: outside the array
      for (std::uint32_t x = 0; x < per_x; ++x) {
        const std::uint32_t chunk_x = shard_x * per_x + x;
        if (chunk_x >= grid_.chunks_along_x()) break;  // ragged right edge
        const std::span<const std::byte> raw = job.row->chunk(grid_.index({c, chunk_y, chunk_x}), row_planes())
                                                   .subspan(std::size_t(t) * layout_.chunk.planes * plane_bytes,
                                                            inner_bytes);
        if (all_zero(raw)) continue;  // reads as the fill value 0
        std::span<const std::byte> stored = raw;
        if (!context_.codecs.stores_as_is()) {
          std::span<std::byte> out{encoded.data() + encoded_used, context_.codecs.max_encoded_size(inner_bytes)};
          stored = out.first(context_.codecs.encode(raw, out));
          encoded_used += stored.size();
        }
        shard_index.set((std::size_t(t) * per_y + y) * per_x + x, offset, stored.size());
        parts.push_back(stored);
        offset += stored.size();
      }
    }
  }
  if (parts.empty()) return;  // nothing but fill: a missing shard reads the same
  const std::vector<std::byte> index_bytes = shard_index.encode();
  parts.push_back(index_bytes);
  context_.store.put_parts(chunk_key_v3(layout_.path, job.row->row, c, shard_y, shard_x), parts);
  context_.bytes_written += offset + index_bytes.size();
  ++context_.chunks_written;
}

void ArrayWriter::finish_row(RowJob& job) {
  if (!context_.failure.failed()) {
    try {
      std::lock_guard lock(metadata_mutex_);
      finished_rows_[job.row->row] = job.row->frames;
      // A row finishing before an earlier one waits; each row is announced
      // on its own, in order, once the shape covers it.
      while (!finished_rows_.empty() && finished_rows_.begin()->first == next_row_to_publish_) {
        publish_shape_locked(published_frames_ + finished_rows_.begin()->second);
        finished_rows_.erase(finished_rows_.begin());
        ++next_row_to_publish_;
        if (on_published_) on_published_(next_row_to_publish_);
      }
    } catch (...) {
      context_.failure.record(std::current_exception());
    }
  }
  std::lock_guard lock(mutex_);
  free_rows_.push_back(job.row);
  --rows_pending_;
  row_returned_.notify_all();
}

void ArrayWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  row_returned_.wait(lock, [this] { return rows_pending_ == 0; });
}

void ArrayWriter::publish_final(std::uint64_t frames) {
  std::lock_guard lock(metadata_mutex_);
  if (frames == 0) metadata_.chunks[0] = 1;  // nothing recorded: the smallest valid t-chunk
  publish_shape_locked(frames);
}

void ArrayWriter::publish_shape_locked(std::uint64_t frames) {
  metadata_.shape[0] = frames;
  if (layout_.zarr_version == 3)
    context_.store.put(layout_.path + "/zarr.json", as_bytes(to_text(array_v3(metadata_))));
  else
    context_.store.put(layout_.path + "/.zarray", as_bytes(to_text(zarray_v2(metadata_))));
  published_frames_ = frames;
}

}  // namespace zarr
