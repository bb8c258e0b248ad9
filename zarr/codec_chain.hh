// The codecs every chunk goes through, as the Zarr v3 spec and zarrs'
// CodecChain describe them: the `bytes` array-to-bytes codec (little
// endian), then bytes-to-bytes codecs in order. The chain writes its own
// metadata for both formats, so nothing else spells a codec's JSON.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "zarr/codec.hh"

namespace zarr {

class CodecChain {
 public:
  // No bytes-to-bytes codec: chunks are stored as their bytes.
  CodecChain() = default;
  explicit CodecChain(std::vector<std::unique_ptr<Codec>> bytes_to_bytes);

  // True when a chunk is stored exactly as it is in memory (only `bytes`):
  // callers then skip the copy encode() would make.
  bool stores_as_is() const { return codecs_.empty(); }

  // Room encode() may need for a chunk of `chunk_bytes`.
  std::size_t max_encoded_size(std::size_t chunk_bytes) const;
  // Encodes a chunk of little-endian samples (what the writer's row buffers
  // hold) into `out` (at least max_encoded_size bytes); returns the bytes
  // used. Safe from several threads at once. Throws zarr::Error.
  std::size_t encode(std::span<const std::byte> chunk, std::span<std::byte> out) const;
  // Decodes stored bytes into exactly chunk.size() bytes. Throws zarr::Error.
  void decode(std::span<const std::byte> stored, std::span<std::byte> chunk) const;

  // The .zarray `compressor` of Zarr v2: null, or the one codec's object.
  // v2 has no place for more (its `filters` are array-to-array), so a chain
  // of two or more bytes-to-bytes codecs throws Error(invalid_setting).
  nlohmann::json v2_compressor() const;
  // The `codecs` list of a Zarr v3 array (or of its shards' inner chunks).
  nlohmann::json v3_codecs() const;

 private:
  std::vector<std::unique_ptr<Codec>> codecs_;
};

// The v3 `bytes` codec object, little endian; the sharding index uses it too.
nlohmann::json bytes_codec_metadata();

}  // namespace zarr
