// An array's metadata (.zarray, or zarr.json with v3) as readers may see it
// during the recording: its shape grows strictly in row order, and only
// once every chunk of a row is stored. Rows may finish out of order on the
// workers; a row finishing before an earlier one waits for it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "zarr/metadata.hh"
#include "zarr/store.hh"

namespace zarr {

// What the metadata says is on disk, after a row was published.
struct PublishedShape {
  std::uint64_t rows = 0;    // rows along the append axis (shard rows when sharded) the shape covers
  std::uint64_t frames = 0;  // the frames of the shape along the append axis (its steps times frames per step)
  std::uint64_t bytes = 0;   // chunk (or shard) bytes stored for those rows
  bool operator==(const PublishedShape&) const = default;
};

class MetadataPublisher {
 public:
  // Called once per published row, in row order, with no lock of the
  // publisher held: it may post a message, or call the publisher again.
  using OnPublished = std::function<void(const PublishedShape&)>;
  // Called before each write of the metadata, with the frames its shape
  // will say and the attributes to update, under the publisher's lock (so
  // never twice at once, and in order): stores first what must be on disk
  // before readers see those frames (the frame table), and describes them
  // (the frame record). Must not call the publisher.
  using BeforeWrite = std::function<void(std::uint64_t frames, nlohmann::json& attributes)>;

  // Writes the metadata at `path` (the array's folder) with a shape of no
  // frames. Each index of the append dimension (metadata.append) holds
  // `frames_per_step` frames. With Zarr v2, non-null attributes go to
  // .zattrs, written before .zarray whenever they change. Throws the
  // store's zarr::Error.
  MetadataPublisher(Store& store, std::string path, int zarr_version, ArrayMetadata metadata, OnPublished on_published,
                    BeforeWrite before_write = {}, std::uint64_t frames_per_step = 1);

  MetadataPublisher(const MetadataPublisher&) = delete;
  MetadataPublisher& operator=(const MetadataPublisher&) = delete;

  // Row `row`, holding `frames` frames in `bytes` stored bytes, is stored
  // (the shape covers its whole steps only): publishes it and the
  // finished rows after it once every earlier row is published, each row's
  // metadata written then announced before the next one's. Any thread; a
  // row another thread is publishing rows for is left to that thread.
  // Throws the store's zarr::Error or the callback's exception (the rows
  // not published stay waiting).
  void row_finished(std::uint64_t row, std::uint64_t frames, std::uint64_t bytes = 0);

  // The chunk along the append axis of a recording shorter than one: exactly
  // its steps instead of padding. Before that row finishes.
  void set_append_chunk(std::uint64_t steps);

  // Writes the metadata with the whole steps of `frames`, once every row is
  // published (close); BeforeWrite is told all `frames` (a last, partial
  // step's frames are stored past the shape). With no frames, the chunk
  // along the append axis becomes 1, the smallest valid one.
  void publish_final(std::uint64_t frames);

  PublishedShape published() const;

 private:
  void write_locked(std::uint64_t frames);

  Store& store_;
  const std::string path_;
  const int zarr_version_;
  const OnPublished on_published_;
  const BeforeWrite before_write_;
  const std::uint64_t frames_per_step_;

  mutable std::mutex mutex_;
  ArrayMetadata metadata_;
  nlohmann::json attributes_written_;  // v2: what .zattrs holds (null: not written yet)
  PublishedShape published_;
  struct FinishedRow {
    std::uint64_t frames;
    std::uint64_t bytes;
  };
  std::map<std::uint64_t, FinishedRow> finished_rows_;  // waiting for earlier rows
  // One thread publishes at a time, the one whose call found nobody
  // publishing: rows finished meanwhile wait in finished_rows_ for it, so
  // the order holds without calling out under the lock.
  bool publishing_ = false;
};

}  // namespace zarr
