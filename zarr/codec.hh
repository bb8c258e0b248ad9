// A bytes-to-bytes codec applied to each chunk (compressors). Adding one is a
// new class here plus a case in make_codec(); nothing else changes.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>

#include "zarr/settings.hh"

namespace zarr {

class Codec {
 public:
  virtual ~Codec() = default;

  // Room encode() may need for `input_bytes` of input.
  virtual std::size_t max_encoded_size(std::size_t input_bytes) const = 0;
  // Encodes into `out` (at least max_encoded_size bytes); returns the bytes
  // used. Safe to call from several threads at once. Throws zarr::Error.
  virtual std::size_t encode(std::span<const std::byte> in, std::span<std::byte> out) const = 0;
  // Decodes exactly out.size() bytes. Throws zarr::Error.
  virtual void decode(std::span<const std::byte> in, std::span<std::byte> out) const = 0;

  // The `compressor` object of a Zarr v2 .zarray.
  virtual nlohmann::json v2_metadata() const = 0;
  // The codec object of a Zarr v3 codecs list.
  virtual nlohmann::json v3_metadata() const = 0;
};

// nullptr for Compressor::none: chunks are stored as they are.
std::unique_ptr<Codec> make_codec(const Compression& compression, DataType data_type);

}  // namespace zarr
