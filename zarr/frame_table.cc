#include "zarr/frame_table.hh"

#include <algorithm>
#include <cstring>

#include "zarr/codec_registry.hh"
#include "zarr/metadata.hh"

namespace zarr {

using nlohmann::json;

namespace {

std::span<const std::byte> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::string column_path(const std::string& name) { return std::string(frame_table_path) + "/" + name; }

// Each column's value of an entry, as little-endian bytes (x86 and ARM are).
void put_number(const FrameEntry& entry, std::byte* out) { std::memcpy(out, &entry.number, 8); }
void put_time(const FrameEntry& entry, std::byte* out) { std::memcpy(out, &entry.time_ns, 8); }
void put_camera_time(const FrameEntry& entry, std::byte* out) { std::memcpy(out, &entry.camera_time_ns, 8); }
void put_flags(const FrameEntry& entry, std::byte* out) { std::memcpy(out, &entry.flags, 1); }

}  // namespace

json FrameTable::column_attributes(const Column& column) {
  return column.unit.empty() ? json::object() : json{{"unit", column.unit}};
}

FrameTable::FrameTable(Store& store, const Settings& settings, std::uint64_t chunk_frames)
    : store_(store),
      zarr_version_(settings.zarr_version),
      chunk_(std::clamp<std::uint64_t>(chunk_frames, 1, max_table_chunk)) {
  const Compression& compression = settings.compression;
  columns_.push_back({"number", DataType::uint64, "", put_number, make_codec_chain(compression, DataType::uint64)});
  columns_.push_back({"time", DataType::int64, "nanosecond", put_time, make_codec_chain(compression, DataType::int64)});
  columns_.push_back(
      {"camera_time", DataType::int64, "nanosecond", put_camera_time, make_codec_chain(compression, DataType::int64)});
  columns_.push_back({"flags", DataType::uint8, "", put_flags, make_codec_chain(compression, DataType::uint8)});

  const json description = {
      {"description", "One entry per stored frame of array 0, same index"},
      {"columns",
       {{"number", "camera frame number"},
        {"time", "capture time in ns on the recording's clock (GStreamer running time of the PTS); -1 unknown"},
        {"camera_time", "the camera's own timestamp in ns; -1 when the camera gives none"},
        {"flags",
         "1 discontinuity before it, 2 corrupted (incomplete), 4 blank stand-in for a lost frame "
         "(gap-policy fill), 8 number counted (the source gave none)"}}}};
  const std::string group = frame_table_path;
  if (zarr_version_ == 3) {
    store_.put(group + "/zarr.json", as_bytes(to_text(group_v3(description))));
  } else {
    store_.put(group + "/.zgroup", as_bytes(to_text(zgroup_v2())));
    store_.put(group + "/.zattrs", as_bytes(to_text(description)));
  }
  for (const Column& column : columns_) {
    if (zarr_version_ == 2)
      store_.put(column_path(column.name) + "/.zattrs", as_bytes(to_text(column_attributes(column))));
    write_column_metadata(column, 0);
  }
}

void FrameTable::add(const FrameEntry& entry) {
  std::lock_guard lock(mutex_);
  pending_.push_back(entry);
}

void FrameTable::publish(std::uint64_t frames) {
  std::vector<FrameEntry> entries;
  std::uint64_t base;
  {
    std::lock_guard lock(mutex_);
    base = base_;
    const std::uint64_t count = frames > base_ ? std::min<std::uint64_t>(frames - base_, pending_.size()) : 0;
    entries.assign(pending_.begin(), pending_.begin() + std::ptrdiff_t(count));
  }
  if (base + entries.size() < frames) frames = base + entries.size();  // never more than was added
  for (std::uint64_t chunk = base / chunk_; chunk * chunk_ < frames; ++chunk)
    for (const Column& column : columns_) write_chunk(column, chunk, base, entries, frames);
  for (const Column& column : columns_) write_column_metadata(column, frames);

  // Whole chunks are done; a partial one is written again when it grows.
  const std::uint64_t whole = frames / chunk_ * chunk_;
  std::lock_guard lock(mutex_);
  if (whole > base_) {
    pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(whole - base_));
    base_ = whole;
  }
}

void FrameTable::write_chunk(const Column& column, std::uint64_t chunk, std::uint64_t base,
                             const std::vector<FrameEntry>& entries, std::uint64_t frames) {
  const std::size_t size = sample_size(column.type);
  // Padded to the whole chunk with zeros, as Zarr edge chunks are.
  std::vector<std::byte> raw(chunk_ * size);
  const std::uint64_t first = chunk * chunk_;
  const std::uint64_t end = std::min(first + chunk_, frames);
  for (std::uint64_t i = first; i < end; ++i) column.put(entries[i - base], &raw[(i - first) * size]);
  std::vector<std::byte> stored;
  std::span<const std::byte> bytes = raw;
  if (!column.codecs.stores_as_is()) {
    stored.resize(column.codecs.max_encoded_size(raw.size()));
    stored.resize(column.codecs.encode(raw, stored));
    bytes = stored;
  }
  const std::string path = column_path(column.name);
  store_.put((zarr_version_ == 3 ? path + "/c/" : path + "/") + std::to_string(chunk), bytes);
}

void FrameTable::write_column_metadata(const Column& column, std::uint64_t frames) {
  ArrayMetadata metadata;
  metadata.shape = {frames};
  metadata.chunks = {chunk_};
  metadata.chunks_per_shard = {1};
  metadata.dimension_names = {"t"};
  metadata.data_type = column.type;
  metadata.compressor = zarr_version_ == 2 ? column.codecs.v2_compressor() : json(nullptr);
  metadata.codecs = column.codecs.v3_codecs();
  metadata.attributes = column_attributes(column);
  const std::string path = column_path(column.name);
  if (zarr_version_ == 3)
    store_.put(path + "/zarr.json", as_bytes(to_text(array_v3(metadata))));
  else
    store_.put(path + "/.zarray", as_bytes(to_text(zarray_v2(metadata))));
}

}  // namespace zarr
