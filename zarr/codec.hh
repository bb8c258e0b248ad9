// A bytes-to-bytes codec of the chunk codec chain (a compressor). Adding one
// is a new class in its own file plus an entry in zarr/codec_registry.cc.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>

namespace zarr {

class Codec {
 public:
  virtual ~Codec() = default;

  // Room encode() may need for `input_bytes` of input.
  virtual std::size_t max_encoded_size(std::size_t input_bytes) const = 0;
  // Encodes into `out` (at least max_encoded_size bytes); returns the bytes
  // used. Safe to call from several threads at once. Throws zarr::Error.
  virtual std::size_t encode(std::span<const std::byte> in, std::span<std::byte> out) const = 0;
  // The size `in` decodes to, as its own header or trailer says: a chain
  // needs it to size the buffers between two codecs. Throws zarr::Error when
  // `in` is not this codec's output.
  virtual std::size_t decoded_size(std::span<const std::byte> in) const = 0;
  // Decodes exactly out.size() bytes. Throws zarr::Error.
  virtual void decode(std::span<const std::byte> in, std::span<std::byte> out) const = 0;

  // The `compressor` object of a Zarr v2 .zarray (numcodecs' configuration).
  virtual nlohmann::json v2_metadata() const = 0;
  // The codec object of a Zarr v3 codecs list.
  virtual nlohmann::json v3_metadata() const = 0;
};

}  // namespace zarr
