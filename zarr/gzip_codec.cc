#include "zarr/gzip_codec.hh"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <string>

#include "zarr/error.hh"

namespace zarr {

namespace {

// deflateInit2/inflateInit2 window bits: 15 (32 KiB window) + 16 selects the
// gzip wrapper instead of zlib's.
constexpr int gzip_window_bits = 15 + 16;
// A gzip member without name, comment or extra field: 10 header + 8 trailer bytes.
constexpr std::size_t gzip_wrapper_bytes = 18;
// The trailer ends with ISIZE: the uncompressed size mod 2^32, little endian.
constexpr std::size_t isize_bytes = 4;

// zlib counts in uInt (32 bits): one call handles at most that much.
void check_fits_zlib(std::size_t bytes, const char* what) {
  if (bytes > UINT_MAX)
    throw Error(ErrorCode::write_failed, std::string("gzip: ") + what + " of " + std::to_string(bytes) +
                                             " bytes is more than zlib takes in one call");
}

}  // namespace

GzipCodec::GzipCodec(int level) : level_(level) {}

std::size_t GzipCodec::max_encoded_size(std::size_t input_bytes) const {
  // compressBound() covers deflate's worst case plus zlib's 6-byte wrapper;
  // the gzip wrapper is larger.
  return compressBound(uLong(input_bytes)) + gzip_wrapper_bytes;
}

std::size_t GzipCodec::encode(std::span<const std::byte> in, std::span<std::byte> out) const {
  check_fits_zlib(in.size(), "a chunk");
  z_stream stream{};
  if (deflateInit2(&stream, level_, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(ErrorCode::write_failed,
                "gzip could not start a compression stream at level " + std::to_string(level_));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  stream.avail_in = uInt(in.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = uInt(std::min<std::size_t>(out.size(), UINT_MAX));
  const int code = deflate(&stream, Z_FINISH);
  const std::size_t written = stream.total_out;
  deflateEnd(&stream);
  if (code != Z_STREAM_END)
    throw Error(ErrorCode::write_failed, "gzip failed to compress a chunk of " + std::to_string(in.size()) +
                                             " bytes (zlib code " + std::to_string(code) + ")");
  return written;
}

std::size_t GzipCodec::decoded_size(std::span<const std::byte> in) const {
  // The trailer's ISIZE is the input size mod 2^32: exact for the chunks
  // zlib can take in one call.
  if (in.size() < gzip_wrapper_bytes || in[0] != std::byte{0x1f} || in[1] != std::byte{0x8b})
    throw Error(ErrorCode::invalid_frame, "a chunk of " + std::to_string(in.size()) + " bytes is not gzip data");
  const std::byte* isize = in.data() + in.size() - isize_bytes;
  return std::size_t(isize[0]) | std::size_t(isize[1]) << 8 | std::size_t(isize[2]) << 16 | std::size_t(isize[3]) << 24;
}

void GzipCodec::decode(std::span<const std::byte> in, std::span<std::byte> out) const {
  if (decoded_size(in) != out.size())
    throw Error(ErrorCode::invalid_frame, "gzip chunk of " + std::to_string(in.size()) + " bytes does not decode to " +
                                              std::to_string(out.size()) + " bytes");
  check_fits_zlib(in.size(), "a stored chunk");
  check_fits_zlib(out.size(), "a decoded chunk");
  z_stream stream{};
  if (inflateInit2(&stream, gzip_window_bits) != Z_OK)
    throw Error(ErrorCode::invalid_frame, "gzip could not start a decompression stream");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  stream.avail_in = uInt(in.size());
  // zlib refuses a null output pointer even for an empty chunk.
  Bytef nowhere;
  stream.next_out = out.empty() ? &nowhere : reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = uInt(out.size());
  const int code = inflate(&stream, Z_FINISH);
  const bool whole = code == Z_STREAM_END && stream.total_out == out.size() && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!whole)
    throw Error(ErrorCode::invalid_frame, "gzip failed to decompress a chunk (zlib code " + std::to_string(code) + ")");
}

nlohmann::json GzipCodec::v2_metadata() const { return {{"id", "gzip"}, {"level", level_}}; }

nlohmann::json GzipCodec::v3_metadata() const { return {{"name", "gzip"}, {"configuration", {{"level", level_}}}}; }

}  // namespace zarr
