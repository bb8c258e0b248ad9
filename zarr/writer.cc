#include "zarr/writer.hh"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <vector>

#include "zarr/chunk_grid.hh"
#include "zarr/chunk_row.hh"
#include "zarr/codec.hh"
#include "zarr/error.hh"
#include "zarr/filesystem_store.hh"
#include "zarr/large_buffer.hh"
#include "zarr/location.hh"
#include "zarr/metadata.hh"
#include "zarr/thread_pool.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// A row handed to the workers: its buffer, how many planes each of its
// chunks stores, and how many chunks are still to be written.
struct RowJob {
  ChunkRow* row;
  std::uint32_t planes_stored;
  std::atomic<std::size_t> chunks_left;
};

}  // namespace

class Writer::Impl {
 public:
  Impl(const Settings& settings, RowWrittenCallback on_row_written);
  ~Impl();
  void append(const FrameView& frame);
  void close();
  Stats stats() const;

 private:
  void check_frame(const FrameView& frame) const;
  ChunkRow* take_free_row();
  void submit(ChunkRow* row, std::uint32_t planes_stored);
  void write_chunk(RowJob& job, std::size_t index);
  void finish_row(RowJob& job);
  void publish_shape_locked(std::uint64_t frames);
  void record_failure(std::exception_ptr failure);
  void rethrow_failure();

  const Settings settings_;
  const RowWrittenCallback on_row_written_;
  const std::size_t sample_size_;
  const ChunkGrid grid_;
  const std::unique_ptr<Codec> codec_;
  std::unique_ptr<Store> store_;

  // Caller thread only.
  ChunkRow* filling_ = nullptr;
  bool closed_ = false;

  // Row buffers and failures, shared with the workers.
  mutable std::mutex mutex_;
  std::condition_variable row_returned_;
  std::vector<std::unique_ptr<ChunkRow>> rows_;
  std::vector<ChunkRow*> free_rows_;
  std::size_t rows_pending_ = 0;
  std::exception_ptr failure_;
  std::atomic<bool> failed_{false};

  // What .zarray says; rows become part of the shape strictly in order.
  std::mutex metadata_mutex_;
  ArrayMetadata array_;
  std::map<std::uint64_t, std::uint32_t> finished_rows_;  // row -> frames, waiting for earlier rows
  std::uint64_t next_row_to_publish_ = 0;
  std::uint64_t published_frames_ = 0;

  std::atomic<std::uint64_t> frames_{0}, bytes_in_{0}, bytes_written_{0}, chunks_written_{0};

  ThreadPool pool_;  // last: joined before anything it uses is destroyed
};

Writer::Impl::Impl(const Settings& settings, RowWrittenCallback on_row_written)
    : settings_((validate(settings), settings)),
      on_row_written_(std::move(on_row_written)),
      sample_size_(sample_size(settings.data_type)),
      grid_(settings.channels, settings.height, settings.width, derive_chunk_shape(settings)),
      codec_(make_codec(settings.compression, settings.data_type)),
      store_(std::make_unique<FilesystemStore>(settings.location, settings.sync_files)),
      pool_(settings.max_threads) {
  prepare_location(*store_, settings.overwrite);

  const ChunkShape& chunk = grid_.chunk();
  array_.shape = {0, settings.channels, settings.height, settings.width};
  array_.chunks = {chunk.planes, 1, chunk.height, chunk.width};
  array_.data_type = settings.data_type;
  array_.compressor = codec_ ? codec_->v2_metadata() : nlohmann::json(nullptr);

  const nlohmann::json user_attributes = settings.user_metadata_json.empty()
                                             ? nlohmann::json::object()
                                             : nlohmann::json::parse(settings.user_metadata_json);
  store_->put(".zgroup", as_bytes(to_text(zgroup_v2())));
  store_->put(".zattrs", as_bytes(to_text(root_attributes_v2(settings.pixel_size_y_um, settings.pixel_size_x_um))));
  store_->put(std::string(array_path) + "/.zattrs", as_bytes(to_text(user_attributes)));
  store_->put(std::string(array_path) + "/.zarray", as_bytes(to_text(zarray_v2(array_))));

  // Mapped untouched: pages count towards memory once first filled.
  for (unsigned i = 0; i < 1 + settings.rows_in_flight; ++i) {
    rows_.push_back(std::make_unique<ChunkRow>(grid_, sample_size_));
    free_rows_.push_back(rows_.back().get());
  }
}

Writer::Impl::~Impl() {
  // Workers may still be finishing rows when the writer is abandoned after a
  // failure: wait for them before the members they touch go away.
  std::unique_lock lock(mutex_);
  row_returned_.wait(lock, [this] { return rows_pending_ == 0; });
}

void Writer::Impl::check_frame(const FrameView& frame) const {
  if (frame.channels.size() != settings_.channels)
    throw Error(ErrorCode::invalid_frame, "frame has " + std::to_string(frame.channels.size()) +
                                              " channels, the array has " + std::to_string(settings_.channels));
  for (std::size_t c = 0; c < frame.channels.size(); ++c) {
    const PlaneView& plane = frame.channels[c];
    const std::string which = "frame channel " + std::to_string(c);
    if (!plane.data) throw Error(ErrorCode::invalid_frame, which + " has no data");
    if (plane.pixel_stride < std::ptrdiff_t(sample_size_))
      throw Error(ErrorCode::invalid_frame, which + " has pixel_stride " + std::to_string(plane.pixel_stride) +
                                                ", less than the sample size " + std::to_string(sample_size_));
    const std::ptrdiff_t row_bytes = std::ptrdiff_t(settings_.width - 1) * plane.pixel_stride + sample_size_;
    if (settings_.height > 1 && std::abs(plane.row_stride) < row_bytes)
      throw Error(ErrorCode::invalid_frame, which + " has row_stride " + std::to_string(plane.row_stride) +
                                                ", less than one row of " + std::to_string(row_bytes) + " bytes");
  }
}

void Writer::Impl::append(const FrameView& frame) {
  if (closed_) throw Error(ErrorCode::invalid_frame, "frame appended after the writer was closed");
  if (failed_) rethrow_failure();
  check_frame(frame);
  if (!filling_) {
    filling_ = take_free_row();
    filling_->row = grid_.row_of_frame(frames_);
    filling_->frames = 0;
  }
  filling_->copy_frame(filling_->frames, frame);
  ++filling_->frames;
  ++frames_;
  bytes_in_ += std::uint64_t(settings_.width) * settings_.height * settings_.channels * sample_size_;
  if (filling_->frames == grid_.chunk().planes) {
    submit(filling_, grid_.chunk().planes);
    filling_ = nullptr;
  }
}

ChunkRow* Writer::Impl::take_free_row() {
  std::unique_lock lock(mutex_);
  // Back-pressure: wait for the workers to return a buffer.
  row_returned_.wait(lock, [this] { return !free_rows_.empty() || failure_; });
  if (failure_) std::rethrow_exception(failure_);
  ChunkRow* row = free_rows_.back();
  free_rows_.pop_back();
  return row;
}

void Writer::Impl::submit(ChunkRow* row, std::uint32_t planes_stored) {
  auto job = std::make_shared<RowJob>(row, planes_stored, grid_.chunks_per_row());
  {
    std::lock_guard lock(mutex_);
    ++rows_pending_;
  }
  for (std::size_t i = 0; i < grid_.chunks_per_row(); ++i)
    pool_.submit([this, job, i] {
      write_chunk(*job, i);
      if (--job->chunks_left == 0) finish_row(*job);
    });
}

void Writer::Impl::write_chunk(RowJob& job, std::size_t index) {
  if (failed_) return;  // the dataset ends at the last row completed before the failure
  try {
    const ChunkPosition position = grid_.position(index);
    const std::string key = chunk_key_v2(job.row->row, position.c, position.y, position.x);
    const std::span<const std::byte> raw = job.row->chunk(index, job.planes_stored);
    if (codec_) {
      // One scratch buffer per worker thread, reused for every chunk.
      thread_local LargeBuffer encoded;
      if (encoded.size() < codec_->max_encoded_size(raw.size()))
        encoded = LargeBuffer(codec_->max_encoded_size(raw.size()));
      const std::size_t n = codec_->encode(raw, {encoded.data(), encoded.size()});
      store_->put(key, {encoded.data(), n});
      bytes_written_ += n;
    } else {
      store_->put(key, raw);
      bytes_written_ += raw.size();
    }
    ++chunks_written_;
  } catch (...) {
    record_failure(std::current_exception());
  }
}

void Writer::Impl::finish_row(RowJob& job) {
  if (!failed_) {
    try {
      std::lock_guard lock(metadata_mutex_);
      finished_rows_[job.row->row] = job.row->frames;
      // A row finishing before an earlier one waits; each row is announced
      // on its own, in order, once the shape covers it.
      while (!finished_rows_.empty() && finished_rows_.begin()->first == next_row_to_publish_) {
        publish_shape_locked(published_frames_ + finished_rows_.begin()->second);
        finished_rows_.erase(finished_rows_.begin());
        ++next_row_to_publish_;
        if (on_row_written_) on_row_written_(stats());
      }
    } catch (...) {
      record_failure(std::current_exception());
    }
  }
  std::lock_guard lock(mutex_);
  free_rows_.push_back(job.row);
  --rows_pending_;
  row_returned_.notify_all();
}

void Writer::Impl::publish_shape_locked(std::uint64_t frames) {
  array_.shape[0] = frames;
  store_->put(std::string(array_path) + "/.zarray", as_bytes(to_text(zarray_v2(array_))));
  published_frames_ = frames;
}

void Writer::Impl::record_failure(std::exception_ptr failure) {
  std::lock_guard lock(mutex_);
  if (!failure_) failure_ = failure;
  failed_ = true;
  row_returned_.notify_all();
}

void Writer::Impl::rethrow_failure() {
  std::lock_guard lock(mutex_);
  std::rethrow_exception(failure_);
}

void Writer::Impl::close() {
  if (closed_) {
    if (failed_) rethrow_failure();  // a failed recording stays failed
    return;
  }
  closed_ = true;
  if (filling_ && !failed_) {
    const std::uint32_t frames = filling_->frames;
    std::uint32_t planes_stored = grid_.chunk().planes;
    if (filling_->row == 0) {
      // Shorter than one t-chunk: store a t-chunk of exactly the frames
      // recorded instead of padding to the full plane count.
      std::lock_guard lock(metadata_mutex_);
      array_.chunks[0] = frames;
      planes_stored = frames;
    } else {
      filling_->clear_planes_from(frames);
    }
    submit(filling_, planes_stored);
  }
  filling_ = nullptr;
  {
    std::unique_lock lock(mutex_);
    row_returned_.wait(lock, [this] { return rows_pending_ == 0; });
    if (failure_) std::rethrow_exception(failure_);
  }
  try {
    std::lock_guard lock(metadata_mutex_);
    if (frames_ == 0) array_.chunks[0] = 1;  // nothing recorded: the smallest valid t-chunk
    publish_shape_locked(frames_);
    store_->flush();
  } catch (...) {
    record_failure(std::current_exception());
    throw;
  }
}

Stats Writer::Impl::stats() const {
  Stats stats;
  stats.frames = frames_;
  stats.bytes_in = bytes_in_;
  stats.bytes_written = bytes_written_;
  stats.chunks_written = chunks_written_;
  return stats;
}

Writer::Writer(const Settings& settings, RowWrittenCallback on_row_written)
    : impl_(std::make_unique<Impl>(settings, std::move(on_row_written))) {}

Writer::~Writer() {
  try {
    impl_->close();
  } catch (...) {
    // Documented: errors at destruction are dropped; call close() to see them.
  }
}

void Writer::append(const FrameView& frame) { impl_->append(frame); }
void Writer::close() { impl_->close(); }
Stats Writer::stats() const { return impl_->stats(); }

}  // namespace zarr
