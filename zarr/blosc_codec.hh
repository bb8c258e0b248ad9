// Blosc (lz4, lz4hc, blosclz, zstd, zlib inside) through its context API,
// which unlike the global API may run on many threads at once.
#pragma once

#include <string>

#include "zarr/codec.hh"
#include "zarr/settings.hh"

namespace zarr {

class BloscCodec final : public Codec {
 public:
  // cname is one of blosc's compressor names ("lz4", "zstd", ...).
  BloscCodec(std::string cname, int clevel, Shuffle shuffle, std::size_t typesize);

  std::size_t max_encoded_size(std::size_t input_bytes) const override;
  std::size_t encode(std::span<const std::byte> in, std::span<std::byte> out) const override;
  std::size_t decoded_size(std::span<const std::byte> in) const override;
  void decode(std::span<const std::byte> in, std::span<std::byte> out) const override;
  nlohmann::json v2_metadata() const override;
  nlohmann::json v3_metadata() const override;

 private:
  std::string cname_;
  int clevel_;
  Shuffle shuffle_;
  std::size_t typesize_;
};

}  // namespace zarr
