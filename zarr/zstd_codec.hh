// Zstandard (libzstd), one frame per chunk with its content size in the
// header, as numcodecs' Zstd (v2) and the v3 "zstd" codec expect.
#pragma once

#include "zarr/codec.hh"

namespace zarr {

class ZstdCodec final : public Codec {
 public:
  // level 1..22 (zarr::check_compression refuses 0, which libzstd reads as
  // its default level 3 rather than as "no compression").
  explicit ZstdCodec(int level);

  std::size_t max_encoded_size(std::size_t input_bytes) const override;
  std::size_t encode(std::span<const std::byte> in, std::span<std::byte> out) const override;
  std::size_t decoded_size(std::span<const std::byte> in) const override;
  void decode(std::span<const std::byte> in, std::span<std::byte> out) const override;
  nlohmann::json v2_metadata() const override;
  nlohmann::json v3_metadata() const override;

 private:
  int level_;
};

}  // namespace zarr
