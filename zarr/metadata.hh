// Every metadata document of a dataset, Zarr v2 and v3, built from plain
// data in one place and serialised the one way readers accept (non-ASCII
// escaped). OME-NGFF documents are in ome_metadata.hh.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "zarr/codec_chain.hh"
#include "zarr/settings.hh"

namespace zarr {

// One array of the dataset: an image (a pyramid level), whose dimensions
// are those of its ImageAxes (by default (t, c, y, x)), or a column of the
// frame table (t). The dimension `append` grows as frames are appended.
struct ArrayMetadata {
  std::vector<std::uint64_t> shape = {0, 1, 1, 1};
  std::size_t append = 0;  // the dimension that grows
  std::vector<std::uint64_t> chunks = {1, 1, 1, 1};                 // with sharding: the inner chunk
  std::vector<std::string> dimension_names = {"t", "c", "y", "x"};  // v3 only
  DataType data_type = DataType::uint8;
  // What the dataset's CodecChain says (zarr/codec_chain.hh).
  nlohmann::json compressor;  // v2: null, or the one compressor's object
  // v3 only.
  nlohmann::json codecs = CodecChain().v3_codecs();            // the chunk codecs, `bytes` first
  std::vector<std::uint64_t> chunks_per_shard = {1, 1, 1, 1};  // all 1: no sharding codec
  // v3: the array's attributes. v2: written as .zattrs beside .zarray by
  // MetadataPublisher unless null.
  nlohmann::json attributes = nlohmann::json::object();
};

// Path of the full-resolution array inside the group; level k is "k".
inline constexpr const char* array_path = "0";
std::string level_path(std::size_t level);

nlohmann::json zgroup_v2();
nlohmann::json zarray_v2(const ArrayMetadata& array);
// "|u1", "<u2", "<f4", ...: NumPy's type string with byte order.
std::string v2_dtype(DataType type);

// The group's zarr.json; `attributes` holds the OME-NGFF 0.5 document.
nlohmann::json group_v3(const nlohmann::json& attributes);
// An array's zarr.json: chunk_grid is the shard shape when sharded.
nlohmann::json array_v3(const ArrayMetadata& array);

// Key of the chunk at `indices` (one per dimension) of the array at `path`,
// "/" separated: v2 "0/t/c/y/x", v3 (default chunk key encoding) "0/c/t/c/y/x".
std::string chunk_key_v2(const std::string& path, std::span<const std::uint64_t> indices);
std::string chunk_key_v3(const std::string& path, std::span<const std::uint64_t> indices);

// Compact JSON with every non-ASCII character escaped (\uXXXX): zarr-python
// 2.13 decodes metadata as ASCII.
std::string to_text(const nlohmann::json& document);

}  // namespace zarr
