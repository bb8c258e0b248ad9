#include "zarr/codec.hh"

#include "zarr/blosc_codec.hh"

namespace zarr {

std::unique_ptr<Codec> make_codec(const Compression& compression, DataType data_type) {
  if (compression.compressor == Compressor::none) return nullptr;
  return std::make_unique<BloscCodec>(to_string(compression.compressor), compression.clevel, compression.shuffle,
                                      sample_size(data_type));
}

}  // namespace zarr
