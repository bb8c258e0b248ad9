#include "zarr/metadata_publisher.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

}  // namespace

MetadataPublisher::MetadataPublisher(Store& store, std::string path, int zarr_version, ArrayMetadata metadata,
                                     OnPublished on_published, BeforeWrite before_write)
    : store_(store),
      path_(std::move(path)),
      zarr_version_(zarr_version),
      on_published_(std::move(on_published)),
      before_write_(std::move(before_write)),
      metadata_(std::move(metadata)) {
  std::lock_guard lock(mutex_);
  metadata_.shape[0] = 0;
  write_locked();
}

void MetadataPublisher::row_finished(std::uint64_t row, std::uint32_t frames, std::uint64_t bytes) {
  std::unique_lock lock(mutex_);
  finished_rows_[row] = {frames, bytes};
  if (publishing_) return;  // the thread publishing now publishes this row too, in its turn
  publishing_ = true;
  try {
    while (!finished_rows_.empty() && finished_rows_.begin()->first == published_.rows) {
      const FinishedRow& next = finished_rows_.begin()->second;
      metadata_.shape[0] = published_.frames + next.frames;
      write_locked();
      published_ = {published_.rows + 1, metadata_.shape[0], published_.bytes + next.bytes};
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
    metadata_.shape[0] = published_.frames;
    publishing_ = false;
    throw;
  }
  publishing_ = false;
}

void MetadataPublisher::set_chunk_planes(std::uint32_t planes) {
  std::lock_guard lock(mutex_);
  metadata_.chunks[0] = planes;
}

void MetadataPublisher::publish_final(std::uint64_t frames) {
  std::lock_guard lock(mutex_);
  if (frames == 0) metadata_.chunks[0] = 1;  // nothing recorded: the smallest valid t-chunk
  metadata_.shape[0] = frames;
  write_locked();
  published_.frames = frames;
}

PublishedShape MetadataPublisher::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void MetadataPublisher::write_locked() {
  if (before_write_) before_write_(metadata_.shape[0], metadata_.attributes);
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
