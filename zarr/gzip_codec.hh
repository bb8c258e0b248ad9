// gzip (zlib's deflate in a gzip wrapper), as numcodecs' GZip (v2) and the
// v3 "gzip" codec read it.
#pragma once

#include "zarr/codec.hh"

namespace zarr {

class GzipCodec final : public Codec {
 public:
  // level 0..9; 0 stores the data in deflate's uncompressed blocks.
  explicit GzipCodec(int level);

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
