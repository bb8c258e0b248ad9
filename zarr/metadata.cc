#include "zarr/metadata.hh"

namespace zarr {

using nlohmann::json;

std::string level_path(std::size_t level) { return std::to_string(level); }

json zgroup_v2() { return {{"zarr_format", 2}}; }

std::string v2_dtype(DataType type) {
  switch (type) {
    case DataType::uint8: return "|u1";
    case DataType::int8: return "|i1";
    case DataType::uint16: return "<u2";
    case DataType::int16: return "<i2";
    case DataType::float32: return "<f4";
    case DataType::uint64: return "<u8";
    case DataType::int64: return "<i8";
  }
  return "";
}

json zarray_v2(const ArrayMetadata& array) {
  return {
      {"zarr_format", 2},
      {"shape", array.shape},
      {"chunks", array.chunks},
      {"dtype", v2_dtype(array.data_type)},
      {"compressor", array.compressor},
      {"fill_value", 0},
      {"order", "C"},
      {"filters", nullptr},
      {"dimension_separator", "/"},
  };
}

json group_v3(const json& attributes) {
  return {{"zarr_format", 3}, {"node_type", "group"}, {"attributes", attributes}};
}

namespace {

bool is_sharded(const ArrayMetadata& array) {
  for (std::uint64_t count : array.chunks_per_shard)
    if (count != 1) return true;
  return false;
}

}  // namespace

json array_v3(const ArrayMetadata& array) {
  json codecs = array.codecs;
  std::vector<std::uint64_t> grid_shape = array.chunks;
  if (is_sharded(array)) {
    for (std::size_t d = 0; d < grid_shape.size(); ++d) grid_shape[d] *= array.chunks_per_shard[d];
    const json sharding = {{"name", "sharding_indexed"},
                           {"configuration",
                            {{"chunk_shape", array.chunks},
                             {"codecs", codecs},
                             {"index_codecs", json::array({bytes_codec_metadata(), {{"name", "crc32c"}}})},
                             {"index_location", "end"}}}};
    codecs = json::array({sharding});
  }
  return {
      {"zarr_format", 3},
      {"node_type", "array"},
      {"shape", array.shape},
      {"data_type", to_string(array.data_type)},
      {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", grid_shape}}}}},
      {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
      {"fill_value", 0},
      {"codecs", codecs},
      {"dimension_names", array.dimension_names},
      {"attributes", array.attributes.is_null() ? json::object() : array.attributes},
  };
}

namespace {

std::string chunk_key(std::string key, std::span<const std::uint64_t> indices) {
  for (std::uint64_t index : indices) {
    key += '/';
    key += std::to_string(index);
  }
  return key;
}

}  // namespace

std::string chunk_key_v2(const std::string& path, std::span<const std::uint64_t> indices) {
  return chunk_key(path, indices);
}

std::string chunk_key_v3(const std::string& path, std::span<const std::uint64_t> indices) {
  return chunk_key(path + "/c", indices);
}

std::string to_text(const json& document) { return document.dump(-1, ' ', true); }

}  // namespace zarr
