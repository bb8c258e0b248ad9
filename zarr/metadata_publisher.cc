#include "zarr/metadata_publisher.hh"

namespace zarr {

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

}  // namespace

MetadataPublisher::MetadataPublisher(Store& store, std::string path, int zarr_version, ArrayMetadata metadata,
                                     OnPublished on_published)
    : store_(store),
      key_(path + (zarr_version == 3 ? "/zarr.json" : "/.zarray")),
      zarr_version_(zarr_version),
      on_published_(std::move(on_published)),
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
  const nlohmann::json document = zarr_version_ == 3 ? array_v3(metadata_) : zarray_v2(metadata_);
  store_.put(key_, as_bytes(to_text(document)));
}

}  // namespace zarr
