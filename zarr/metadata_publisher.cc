#include "zarr/metadata_publisher.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

}  // namespace

MetadataPublisher::MetadataPublisher(Store& store, std::string path, int zarr_version, ArrayMetadata metadata,
                                     OnPublished on_published, BeforeWrite before_write,
                                     std::uint64_t frames_per_step)
    : store_(store),
      path_(std::move(path)),
      zarr_version_(zarr_version),
      on_published_(std::move(on_published)),
      before_write_(std::move(before_write)),
      frames_per_step_(frames_per_step),
      metadata_(std::move(metadata)) {
  std::lock_guard lock(mutex_);
  metadata_.shape[metadata_.append] = 0;
  write_locked(0);
}

void MetadataPublisher::row_finished(std::uint64_t row, std::uint64_t frames, std::uint64_t bytes) {
  std::unique_lock lock(mutex_);
  finished_rows_[row] = {frames, bytes};
  if (publishing_) return;  // the thread publishing now publishes this row too, in its turn
  publishing_ = true;
  try {
    while (!finished_rows_.empty() && finished_rows_.begin()->first == published_.rows) {
      const FinishedRow& next = finished_rows_.begin()->second;
      const std::uint64_t frames = published_.frames + next.frames / frames_per_step_ * frames_per_step_;
      metadata_.shape[metadata_.append] = frames / frames_per_step_;
      write_locked(frames);
      published_ = {published_.rows + 1, frames, published_.bytes + next.bytes};
      finished_rows_.erase(finished_rows_.begin());
      if (on_published_) {
        // Before the next row is written, so that the metadata on disk is
        // what the callback is told.
        const PublishedShape shape = published_;
        lock.unlock();
        on_published_(shape);
        lock.lock();
      }
    }
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    metadata_.shape[metadata_.append] = published_.frames / frames_per_step_;
    publishing_ = false;
    throw;
  }
  publishing_ = false;
}

void MetadataPublisher::set_append_chunk(std::uint64_t steps) {
  std::lock_guard lock(mutex_);
  metadata_.chunks[metadata_.append] = steps;
}

void MetadataPublisher::publish_final(std::uint64_t frames) {
  std::lock_guard lock(mutex_);
  if (frames == 0) metadata_.chunks[metadata_.append] = 1;  // nothing recorded: the smallest valid chunk
  metadata_.shape[metadata_.append] = frames / frames_per_step_;
  write_locked(frames);
  published_.frames = frames / frames_per_step_ * frames_per_step_;
}

PublishedShape MetadataPublisher::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void MetadataPublisher::write_locked(std::uint64_t frames) {
  if (before_write_) before_write_(frames, metadata_.attributes);
  if (zarr_version_ == 3) {
    store_.put(path_ + "/zarr.json", as_bytes(to_text(array_v3(metadata_))));
    return;
  }
  // The attributes first: they describe at least the frames .zarray will say.
  if (!metadata_.attributes.is_null() && metadata_.attributes != attributes_written_) {
    store_.put(path_ + "/.zattrs", as_bytes(to_text(metadata_.attributes)));
    attributes_written_ = metadata_.attributes;
  }
  store_.put(path_ + "/.zarray", as_bytes(to_text(zarray_v2(metadata_))));
}

}  // namespace zarr
