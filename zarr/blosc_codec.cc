#include "zarr/blosc_codec.hh"

#include <blosc.h>

#include <cstdlib>

#include "zarr/error.hh"

namespace zarr {

namespace {

int blosc_shuffle_code(Shuffle shuffle) {
  switch (shuffle) {
    case Shuffle::none: return BLOSC_NOSHUFFLE;
    case Shuffle::byte: return BLOSC_SHUFFLE;
    case Shuffle::bit: return BLOSC_BITSHUFFLE;
  }
  return BLOSC_NOSHUFFLE;
}

}  // namespace

BloscCodec::BloscCodec(std::string cname, int clevel, Shuffle shuffle, std::size_t typesize)
    : cname_(std::move(cname)), clevel_(clevel), shuffle_(shuffle), typesize_(typesize) {
  // Fails here, not on a worker, when this libblosc lacks the compressor.
  char* complib = nullptr;
  char* version = nullptr;
  const int code = blosc_get_complib_info(cname_.c_str(), &complib, &version);
  std::free(complib);
  std::free(version);
  if (code < 0) throw invalid_setting("compressor", "this libblosc has no " + cname_ + " support");
}

std::size_t BloscCodec::max_encoded_size(std::size_t input_bytes) const { return input_bytes + BLOSC_MAX_OVERHEAD; }

std::size_t BloscCodec::encode(std::span<const std::byte> in, std::span<std::byte> out) const {
  // One internal thread: the writer's pool already runs one chunk per core.
  const int n = blosc_compress_ctx(clevel_, blosc_shuffle_code(shuffle_), typesize_, in.size(), in.data(), out.data(),
                                   out.size(), cname_.c_str(), 0, 1);
  if (n <= 0)
    throw Error(ErrorCode::write_failed, "blosc " + cname_ + " failed to compress a chunk of " +
                                             std::to_string(in.size()) + " bytes (code " + std::to_string(n) + ")");
  return std::size_t(n);
}

std::size_t BloscCodec::decoded_size(std::span<const std::byte> in) const {
  std::size_t nbytes = 0, cbytes = 0, blocksize = 0;
  if (in.size() >= BLOSC_MIN_HEADER_LENGTH) blosc_cbuffer_sizes(in.data(), &nbytes, &cbytes, &blocksize);
  if (in.size() < BLOSC_MIN_HEADER_LENGTH || cbytes != in.size())
    throw Error(ErrorCode::invalid_frame, "a chunk of " + std::to_string(in.size()) + " bytes is not a blosc buffer");
  return nbytes;
}

void BloscCodec::decode(std::span<const std::byte> in, std::span<std::byte> out) const {
  if (decoded_size(in) != out.size())
    throw Error(ErrorCode::invalid_frame, "blosc chunk of " + std::to_string(in.size()) + " bytes does not decode to " +
                                              std::to_string(out.size()) + " bytes");
  const int n = blosc_decompress_ctx(in.data(), out.data(), out.size(), 1);
  if (n < 0 || std::size_t(n) != out.size())
    throw Error(ErrorCode::invalid_frame, "blosc failed to decompress a chunk (code " + std::to_string(n) + ")");
}

nlohmann::json BloscCodec::v2_metadata() const {
  return {{"id", "blosc"},
          {"cname", cname_},
          {"clevel", clevel_},
          {"shuffle", blosc_shuffle_code(shuffle_)},
          {"blocksize", 0}};
}

nlohmann::json BloscCodec::v3_metadata() const {
  const char* shuffle = shuffle_ == Shuffle::bit ? "bitshuffle" : shuffle_ == Shuffle::byte ? "shuffle" : "noshuffle";
  return {{"name", "blosc"},
          {"configuration",
           {{"cname", cname_}, {"clevel", clevel_}, {"shuffle", shuffle}, {"typesize", typesize_}, {"blocksize", 0}}}};
}

}  // namespace zarr
