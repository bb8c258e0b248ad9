#include "zarr/writer.hh"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <vector>

#include "zarr/array_writer.hh"
#include "zarr/cancellation.hh"
#include "zarr/codec_registry.hh"
#include "zarr/dataset_lock.hh"
#include "zarr/downsampler.hh"
#include "zarr/error.hh"
#include "zarr/failure.hh"
#include "zarr/frame_record.hh"
#include "zarr/frame_table.hh"
#include "zarr/location.hh"
#include "zarr/make_store.hh"
#include "zarr/memory_budget.hh"
#include "zarr/metadata.hh"
#include "zarr/ome_metadata.hh"
#include "zarr/pyramid.hh"
#include "zarr/s3_location.hh"
#include "zarr/thread_pool.hh"
#include "zarr/z_pairs.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// Contiguous native-order planes of one frame: a pyramid level's frame, or
// level 0 turned little-endian before downsampling.
struct FramePlanes {
  std::uint32_t width = 0, height = 0;
  std::size_t sample_size = 0;
  std::vector<std::vector<std::byte>> memory;  // one per channel
  std::vector<PlaneView> views;

  FramePlanes(std::uint32_t channels, std::uint32_t w, std::uint32_t h, std::size_t ss)
      : width(w), height(h), sample_size(ss), memory(channels, std::vector<std::byte>(std::size_t(w) * h * ss)) {
    for (auto& plane : memory) views.push_back({plane.data(), std::ptrdiff_t(w * ss), std::ptrdiff_t(ss)});
  }
  FrameView view() const { return {views, false}; }
};

// The pyramid's levels, once their row buffers are known to fit in the
// memory the process may use: before anything at the location is touched.
std::vector<ImageAxes> admitted_levels(const Settings& settings, const ImageAxes& full) {
  std::vector<ImageAxes> levels = pyramid_levels(settings, full);
  check_recording_memory(settings, levels, memory_available());
  return levels;
}

// The lock of a dataset on a filesystem; S3 has none (docs/object-storage.md),
// and a store given by the caller is the caller's business.
std::unique_ptr<DatasetLock> lock_for(const Settings& settings, bool store_given) {
  if (store_given || is_s3_location(settings.location)) return nullptr;
  return std::make_unique<DatasetLock>(settings.location);
}

// Empty settings that mean a default, filled in once.
Settings with_defaults(Settings settings) {
  settings.s3.region = s3_region(settings.s3);
  return settings;
}

}  // namespace

class Writer::Impl {
 public:
  // `store` nullptr: the one settings.location asks for.
  Impl(const Settings& settings, std::unique_ptr<Store> store, RowWrittenCallback on_row_written);
  ~Impl();
  void append(const FrameView& frame, const FrameStamp& stamp);
  void close();
  void cancel() {
    cancellation_.cancel();
    store_cancellation_.cancel();
  }
  void resume() {
    cancellation_.reset();
    store_cancellation_.reset();
  }
  void give_up_stalled_transfers() { store_cancellation_.cancel(); }
  bool cancel_requested() const { return cancellation_.cancelled(); }
  void abort();
  Stats stats() const;
  bool complete() const { return frame_limit_ && frames_ >= frame_limit_; }

 private:
  void check_frame(const FrameView& frame) const;
  void fill_gap(std::uint64_t gap, const FrameStamp& next);
  template <class Record>
  void store_frame(const FrameView& frame, Record record);
  void append_pyramid(const FrameView& frame);
  void describe_frames(std::uint64_t frames, nlohmann::json& attributes);
  void rows_published(std::size_t level, const PublishedShape& shape);
  void write_group_metadata(bool evenly_spaced);

  const Settings settings_;
  const CheckedSettings checked_;
  const RowWrittenCallback on_row_written_;
  const std::size_t sample_size_;
  const std::vector<ImageAxes> levels_;
  const std::uint64_t frames_per_step_;  // level 0's frames per index of the append dimension
  const std::uint64_t frame_limit_;      // frames that end the recording (a bounded append dimension); 0 = none
  const GapPolicy gap_policy_;           // settings.gap_policy, automatic resolved
  const CodecChain codecs_;
  // Before the store: held before the location is touched, released last.
  const std::unique_ptr<DatasetLock> lock_;
  // Before the store, which ends its stalled transfers on it.
  Cancellation cancellation_;        // ends the writer's waits (append, close)
  Cancellation store_cancellation_;  // ends the store's stalled transfers and retries
  std::unique_ptr<Store> store_;

  // Caller thread only.
  bool closed_ = false;                    // no more frames: close() or abort() began
  bool finished_ = false;                  // the final metadata is written (close) or the rows dropped (abort)
  std::vector<FramePlanes> level_frames_;  // [k] for level k >= 1; [0] for a byte-swapped level 0
  std::vector<FramePlanes> blank_frame_;   // gap-policy fill's stand-in, made at the first gap
  std::vector<std::unique_ptr<ZPairs>> z_pairs_;  // [k]: level k's z step (downsample_z), or null
  std::vector<std::uint64_t> level_frames_in_;    // [k]: frames level k has been given (0: every frame)

  FrameRecord record_;
  std::unique_ptr<FrameTable> table_;     // with settings.frame_table
  std::atomic<bool> told_uneven_{false};  // the group's OME metadata says the frames are not evenly spaced

  Failure failure_;
  std::atomic<std::uint64_t> frames_{0}, bytes_in_{0}, bytes_written_{0}, chunks_written_{0};

  // What on_row_written_ announces: the rows every level has published.
  std::mutex published_mutex_;
  std::vector<std::deque<PublishedShape>> published_;  // per level: its shapes past the rows announced
  std::uint64_t rows_on_disk_ = 0;
  Progress on_disk_;  // of rows_on_disk_
  std::uint64_t frames_announced_ = 0;
  bool announcing_ = false;  // on_row_written_ is being called

  ThreadPool pool_;  // joined (after the arrays wait for their rows) before anything it uses goes away
  ThreadPool publication_{1};  // writes the metadata of finished rows, in turn (see WriteContext)
  std::vector<std::unique_ptr<ArrayWriter>> arrays_;  // destroyed first: waits for the workers and publication
};

Writer::Impl::Impl(const Settings& settings, std::unique_ptr<Store> store, RowWrittenCallback on_row_written)
    : settings_(with_defaults(settings)),
      checked_(validate(settings_)),
      on_row_written_(std::move(on_row_written)),
      sample_size_(sample_size(settings.data_type)),
      levels_(admitted_levels(settings_, checked_.axes)),
      frames_per_step_(checked_.axes.frames_per_step()),
      frame_limit_(checked_.axes.append_size * frames_per_step_),
      gap_policy_(effective_gap_policy(settings.gap_policy, frames_per_step_)),
      codecs_(make_codec_chain(settings.compression, settings.data_type)),
      lock_(lock_for(settings_, store != nullptr)),
      store_(store ? std::move(store) : make_store(settings_, &store_cancellation_)),
      record_(gap_policy_, settings.frame_interval_s, settings.frame_table ? frame_table_path : ""),
      published_(levels_.size()),
      pool_(settings.max_threads) {
  // The old dataset, when overwritten, stays aside until the new one's
  // metadata is written: a throw before discard() puts it back.
  const std::unique_ptr<DatasetReplacement> replaced = prepare_location(*store_, settings.overwrite);
  write_group_metadata(true);
  if (settings.frame_table)
    table_ = std::make_unique<FrameTable>(*store_, settings_,
                                          checked_.axes.axes[checked_.axes.append].chunk * frames_per_step_);

  const WriteContext context{*store_,  codecs_,        pool_,           publication_,
                             failure_, bytes_written_, chunks_written_, cancellation_};
  for (std::size_t k = 0; k < levels_.size(); ++k) {
    ArrayLayout layout;
    layout.path = level_path(k);
    layout.zarr_version = settings.zarr_version;
    layout.data_type = settings.data_type;
    layout.axes = levels_[k];
    if (k == 0) {
      layout.attributes = checked_.user_attributes;
      layout.attributes[std::string(acquisition_key)] = record_.describe(0);
      layout.before_write = [this](std::uint64_t frames, nlohmann::json& attributes) {
        describe_frames(frames, attributes);
      };
    } else if (settings.zarr_version == 2) {
      layout.attributes = nullptr;  // no .zattrs for pyramid levels
    }
    arrays_.push_back(
        std::make_unique<ArrayWriter>(layout, settings.rows_in_flight, context,
                                      [this, k](const PublishedShape& shape) { rows_published(k, shape); }));
  }

  for (std::size_t k = 0; k < levels_.size(); ++k) {
    const std::uint32_t width = std::uint32_t(levels_[k].x().size), height = std::uint32_t(levels_[k].y().size);
    level_frames_.emplace_back(k == 0 ? 0 : settings.channels, width, height, sample_size_);
    const std::size_t z = z_axis(levels_[k]);
    const bool halves_z = k > 0 && z != ImageAxes::none && levels_[k].axes[z].size < levels_[k - 1].axes[z].size;
    z_pairs_.push_back(halves_z ? std::make_unique<ZPairs>(levels_[k - 1], z, width, height, settings.data_type,
                                                           settings.downsample_method)
                                : nullptr);
  }
  level_frames_in_.assign(levels_.size(), 0);
  if (replaced) replaced->discard();
}

Writer::Impl::~Impl() {
  // Workers may still be finishing rows when the writer is abandoned after a
  // failure: the arrays wait for them before the members they touch go away.
  arrays_.clear();
}

void Writer::Impl::write_group_metadata(bool evenly_spaced) {
  OmeImage image = ome_image(settings_, levels_);
  image.evenly_spaced = evenly_spaced;
  if (settings_.zarr_version == 3) {
    store_->put("zarr.json", as_bytes(to_text(group_v3(ome_attributes_v05(image)))));
  } else {
    store_->put(".zgroup", as_bytes(to_text(zgroup_v2())));
    store_->put(".zattrs", as_bytes(to_text(ome_attributes_v04(image))));
  }
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

void Writer::Impl::append(const FrameView& frame, const FrameStamp& stamp) {
  if (closed_) throw Error(ErrorCode::invalid_frame, "frame appended after the writer was closed");
  failure_.rethrow_if_failed();
  if (complete())
    throw Error(ErrorCode::invalid_frame, "frame appended after the recording was complete: \"" +
                                              levels_[0].axes[levels_[0].append].name + "\" holds " +
                                              std::to_string(levels_[0].append_size) + " (" +
                                              std::to_string(frame_limit_) + " frames)");
  if (cancellation_.cancelled()) throw recording_interrupted("before this frame: it was not appended");
  check_frame(frame);
  if (gap_policy_ == GapPolicy::fill)
    if (const std::uint64_t gap = record_.gap_before(stamp)) fill_gap(gap, stamp);
  if (complete()) return;  // the gap's blank frames completed the recording: this frame is past its end
  store_frame(frame, [&] { return record_.add(stamp); });
}

// Blank frames for the lost ones, so that index t stays camera frame first + t.
void Writer::Impl::fill_gap(std::uint64_t gap, const FrameStamp& next) {
  if (gap > max_filled_gap)
    throw invalid_setting("gap-policy", "fill: " + std::to_string(gap) + " frames were lost before camera frame " +
                                            std::to_string(*next.number) + ", more than the " +
                                            std::to_string(max_filled_gap) +
                                            " a gap may fill (a camera restart or a broken counter?); the frames "
                                            "before it are kept. Use gap-policy=record to record such gaps");
  if (blank_frame_.empty())
    blank_frame_.emplace_back(settings_.channels, settings_.width, settings_.height, sample_size_);
  // One at a time: a cancel() between two leaves the record and the image in step.
  // A bounded recording ends where it ends, blank frames or not.
  for (std::uint64_t i = 0; i < gap && !complete(); ++i)
    store_frame(blank_frame_.front().view(), [&] { return record_.add_fill(); });
}

// `record` enters the frame in the record; it runs once the frame is sure
// to be taken (its row buffers ready), before a row holding it can publish.
template <class Record>
void Writer::Impl::store_frame(const FrameView& frame, Record record) {
  // Every level's row buffer first: a wait that cancel() ends then leaves no
  // level a frame ahead of another, and the frame unrecorded.
  for (auto& array : arrays_) array->prepare_row();
  const FrameEntry entry = record();
  if (table_) table_->add(entry);
  arrays_[0]->append(frame);
  ++level_frames_in_[0];
  if (levels_.size() > 1) append_pyramid(frame);
  ++frames_;
  bytes_in_ += std::uint64_t(settings_.width) * settings_.height * settings_.channels * sample_size_;
}

// Level 0's metadata is about to say `frames`: the frame table first, then
// the record in the same attributes as the shape (v3) or just before (v2).
void Writer::Impl::describe_frames(std::uint64_t frames, nlohmann::json& attributes) {
  if (table_) table_->publish(frames);
  nlohmann::json record = record_.describe(frames);
  // Which indices each stored frame has: its number in the order of the
  // dimensions (the last fastest); the shape counts whole steps only.
  nlohmann::json dimensions = nlohmann::json::array();
  const ImageAxes& full = levels_[0];
  for (std::size_t i = 0; i < full.acquisition.size(); ++i) {
    const Axis& axis = full.axes[full.acquisition[i]];
    dimensions.push_back({{"name", axis.name},
                          {"kind", to_string(axis.kind)},
                          {"size", i == 0 ? nlohmann::json(full.append_size ? nlohmann::json(full.append_size) : nullptr)
                                          : nlohmann::json(full.acquisition_sizes[i])}});
  }
  record["dimensions"] = std::move(dimensions);
  record["frames_per_step"] = frames_per_step_;
  record["frames_past_shape"] = frames % frames_per_step_;
  const bool evenly_spaced = record["evenly_spaced"];
  attributes[std::string(acquisition_key)] = std::move(record);
  if (!evenly_spaced && !told_uneven_.exchange(true)) write_group_metadata(false);
}

// Level k's frame is computed from level k-1's as each frame arrives, so the
// pyramid needs one frame of memory per level, never the recording.
void Writer::Impl::append_pyramid(const FrameView& frame) {
  FrameView source = frame;
  if (frame.swap_bytes && sample_size_ > 1) {
    // The downsampler reads native samples: turn level 0 around once.
    FramePlanes& native = level_frames_[0];
    if (native.memory.empty())
      native = FramePlanes(settings_.channels, settings_.width, settings_.height, sample_size_);
    for (std::uint32_t c = 0; c < settings_.channels; ++c) {
      const PlaneView& in = frame.channels[c];
      std::byte* out = native.memory[c].data();
      for (std::uint32_t y = 0; y < settings_.height; ++y)
        for (std::uint32_t x = 0; x < settings_.width; ++x, out += sample_size_) {
          const std::byte* sample = in.data + std::ptrdiff_t(y) * in.row_stride + std::ptrdiff_t(x) * in.pixel_stride;
          std::reverse_copy(sample, sample + sample_size_, out);
        }
    }
    source = native.view();
  }
  for (std::size_t k = 1; k < levels_.size(); ++k) {
    FramePlanes& target = level_frames_[k];
    for (std::uint32_t c = 0; c < settings_.channels; ++c)
      downsample_plane(settings_.data_type, settings_.downsample_method, source.channels[c],
                       std::uint32_t(levels_[k - 1].x().size), std::uint32_t(levels_[k - 1].y().size),
                       target.memory[c].data());
    const FrameView halved = target.view();
    const FrameView* next = &halved;
    // Level k-1 just got its frame number level_frames_in_[k-1] - 1.
    if (z_pairs_[k]) next = z_pairs_[k]->add(level_frames_in_[k - 1] - 1, halved);
    if (!next) return;  // waits for its z pair: no level below gets a frame now
    arrays_[k]->append(*next);
    ++level_frames_in_[k];
    source = *next;
  }
}

// Every level publishes the same rows (they hold the same frames), each in
// order, on the publication thread. A row is on disk for a reader once
// every level has published it; its figures then add up the levels' bytes.
void Writer::Impl::rows_published(std::size_t level, const PublishedShape& shape) {
  std::unique_lock lock(published_mutex_);
  published_[level].push_back(shape);
  std::uint64_t everywhere = UINT64_MAX;
  for (const auto& shapes : published_)
    everywhere = std::min(everywhere, shapes.empty() ? rows_on_disk_ : shapes.back().rows);
  if (everywhere > rows_on_disk_) {
    Progress now;
    for (auto& shapes : published_) {
      while (shapes.front().rows < everywhere) shapes.pop_front();
      now.bytes_written += shapes.front().bytes;
      if (&shapes == &published_.front()) now.frames = shapes.front().frames;  // levels that halve z hold fewer
      shapes.pop_front();
    }
    now.bytes_in = now.frames * settings_.width * settings_.height * settings_.channels * sample_size_;
    now.frames_lost = record_.frames_lost(now.frames);
    if (now.frames > 0) now.newest_time_ns = record_.take_time(now.frames - 1);
    rows_on_disk_ = everywhere;
    on_disk_ = now;
  }
  if (!on_row_written_ || announcing_) return;  // the call announcing now also announces this
  // One call announces at a time, without this lock: the callback may
  // post a message or read the stats, and its figures never go backwards.
  announcing_ = true;
  while (on_disk_.frames > frames_announced_) {
    const Progress progress = on_disk_;
    frames_announced_ = progress.frames;
    lock.unlock();
    try {
      on_row_written_(progress);
    } catch (...) {
      lock.lock();
      announcing_ = false;
      throw;
    }
    lock.lock();
  }
  announcing_ = false;
}

void Writer::Impl::close() {
  if (finished_) {
    failure_.rethrow_if_failed();  // a failed recording stays failed
    return;
  }
  if (cancellation_.cancelled()) throw recording_interrupted("before it was closed: nothing was closed");
  if (!closed_) {
    closed_ = true;
    for (auto& array : arrays_) array->submit_last_row();
  }
  // Error(cancelled) leaves finished_ false: close() again waits on.
  for (auto& array : arrays_) array->wait_idle();
  finished_ = true;
  failure_.rethrow_if_failed();
  try {
    for (std::size_t k = 0; k < arrays_.size(); ++k) arrays_[k]->publish_final(k == 0 ? frames_.load() : level_frames_in_[k]);
    store_->flush();
  } catch (...) {
    failure_.record(std::current_exception());
    throw;
  }
}

void Writer::Impl::abort() {
  if (finished_) {
    failure_.rethrow_if_failed();
    return;
  }
  closed_ = finished_ = true;
  // Every array stops taking rows before any is waited for.
  for (auto& array : arrays_) array->drop_pending_rows();
  for (auto& array : arrays_) array->drain();
  failure_.rethrow_if_failed();
  try {
    store_->flush();
  } catch (...) {
    failure_.record(std::current_exception());
    throw;
  }
}

Stats Writer::Impl::stats() const {
  Stats stats;
  stats.frames = frames_;
  stats.bytes_in = bytes_in_;
  stats.bytes_written = bytes_written_;
  stats.chunks_written = chunks_written_;
  stats.frames_lost = record_.frames_lost();
  return stats;
}

Writer::Writer(const Settings& settings, RowWrittenCallback on_row_written)
    : impl_(std::make_unique<Impl>(settings, nullptr, std::move(on_row_written))) {}

Writer::Writer(const Settings& settings, std::unique_ptr<Store> store, RowWrittenCallback on_row_written)
    : impl_(std::make_unique<Impl>(settings, std::move(store), std::move(on_row_written))) {}

Writer::~Writer() {
  try {
    // A pending cancel asked not to wait: the queued rows are not written.
    if (impl_->cancel_requested())
      impl_->abort();
    else
      impl_->close();
  } catch (...) {
    // Documented: errors at destruction are dropped; call close() to see them.
  }
}

void Writer::append(const FrameView& frame, const FrameStamp& stamp) { impl_->append(frame, stamp); }
void Writer::close() { impl_->close(); }
void Writer::cancel() { impl_->cancel(); }
void Writer::resume() { impl_->resume(); }
void Writer::give_up_stalled_transfers() { impl_->give_up_stalled_transfers(); }
void Writer::abort() { impl_->abort(); }
Stats Writer::stats() const { return impl_->stats(); }
bool Writer::complete() const { return impl_->complete(); }

}  // namespace zarr
