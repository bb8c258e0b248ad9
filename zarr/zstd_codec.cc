#include "zarr/zstd_codec.hh"

#include <zstd.h>

#include <memory>
#include <string>

#include "zarr/error.hh"

namespace zarr {

namespace {

struct FreeCompressionContext {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

// One context per worker thread, reused: creating one allocates the match
// tables, which at high levels costs more than compressing a small chunk.
ZSTD_CCtx* thread_compression_context() {
  thread_local std::unique_ptr<ZSTD_CCtx, FreeCompressionContext> context(ZSTD_createCCtx());
  if (!context) throw Error(ErrorCode::write_failed, "zstd could not allocate a compression context");
  return context.get();
}

}  // namespace

ZstdCodec::ZstdCodec(int level) : level_(level) {}

std::size_t ZstdCodec::max_encoded_size(std::size_t input_bytes) const { return ZSTD_compressBound(input_bytes); }

std::size_t ZstdCodec::encode(std::span<const std::byte> in, std::span<std::byte> out) const {
  const std::size_t n =
      ZSTD_compressCCtx(thread_compression_context(), out.data(), out.size(), in.data(), in.size(), level_);
  if (ZSTD_isError(n))
    throw Error(ErrorCode::write_failed,
                "zstd failed to compress a chunk of " + std::to_string(in.size()) + " bytes: " + ZSTD_getErrorName(n));
  return n;
}

std::size_t ZstdCodec::decoded_size(std::span<const std::byte> in) const {
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw Error(ErrorCode::invalid_frame,
                "a chunk of " + std::to_string(in.size()) + " bytes is not a zstd frame that states its size");
  return std::size_t(size);
}

void ZstdCodec::decode(std::span<const std::byte> in, std::span<std::byte> out) const {
  if (decoded_size(in) != out.size())
    throw Error(ErrorCode::invalid_frame, "zstd chunk of " + std::to_string(in.size()) + " bytes does not decode to " +
                                              std::to_string(out.size()) + " bytes");
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n) || n != out.size())
    throw Error(ErrorCode::invalid_frame, std::string("zstd failed to decompress a chunk: ") +
                                              (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short output"));
}

nlohmann::json ZstdCodec::v2_metadata() const { return {{"id", "zstd"}, {"level", level_}}; }

nlohmann::json ZstdCodec::v3_metadata() const {
  return {{"name", "zstd"}, {"configuration", {{"level", level_}, {"checksum", false}}}};
}

}  // namespace zarr
