#include "zarr/codec_chain.hh"

#include <bit>
#include <cstring>
#include <string>

#include "zarr/error.hh"

namespace zarr {

// `bytes` with endian "little" is then the identity on the writer's row
// buffers, whose samples are native (see zarr/frame.hh).
static_assert(std::endian::native == std::endian::little, "the bytes codec assumes a little-endian host");

namespace {

std::string v3_name(const Codec& codec) { return codec.v3_metadata().at("name").get<std::string>(); }

}  // namespace

CodecChain::CodecChain(std::vector<std::unique_ptr<Codec>> bytes_to_bytes) : codecs_(std::move(bytes_to_bytes)) {}

std::size_t CodecChain::max_encoded_size(std::size_t chunk_bytes) const {
  std::size_t size = chunk_bytes;
  for (const auto& codec : codecs_) size = codec->max_encoded_size(size);
  return size;
}

std::size_t CodecChain::encode(std::span<const std::byte> chunk, std::span<std::byte> out) const {
  if (codecs_.empty()) {
    if (out.size() < chunk.size())
      throw Error(ErrorCode::write_failed, "no room for a chunk of " + std::to_string(chunk.size()) + " bytes");
    std::memcpy(out.data(), chunk.data(), chunk.size());
    return chunk.size();
  }
  // Every codec but the last writes into a buffer of its own.
  std::vector<std::byte> between;
  std::span<const std::byte> current = chunk;
  for (std::size_t i = 0; i + 1 < codecs_.size(); ++i) {
    std::vector<std::byte> next(codecs_[i]->max_encoded_size(current.size()));
    next.resize(codecs_[i]->encode(current, next));
    between = std::move(next);
    current = between;
  }
  return codecs_.back()->encode(current, out);
}

void CodecChain::decode(std::span<const std::byte> stored, std::span<std::byte> chunk) const {
  if (codecs_.empty()) {
    if (stored.size() != chunk.size())
      throw Error(ErrorCode::invalid_frame, "a stored chunk of " + std::to_string(stored.size()) +
                                                " bytes is not the " + std::to_string(chunk.size()) +
                                                " bytes expected");
    std::memcpy(chunk.data(), stored.data(), stored.size());
    return;
  }
  // What codec i can have written, so a damaged size field cannot make the
  // buffers between codecs larger than a real encoding.
  std::vector<std::size_t> largest(codecs_.size());
  std::size_t size = chunk.size();
  for (std::size_t i = 0; i < codecs_.size(); ++i) largest[i] = size = codecs_[i]->max_encoded_size(size);

  std::vector<std::byte> between;
  std::span<const std::byte> current = stored;
  for (std::size_t i = codecs_.size() - 1; i > 0; --i) {
    const std::size_t decoded = codecs_[i]->decoded_size(current);
    if (decoded > largest[i - 1])
      throw Error(ErrorCode::invalid_frame, "a stored chunk claims " + std::to_string(decoded) +
                                                " bytes between two codecs, more than an encoding can hold");
    std::vector<std::byte> next(decoded);
    codecs_[i]->decode(current, next);
    between = std::move(next);
    current = between;
  }
  codecs_.front()->decode(current, chunk);
}

nlohmann::json CodecChain::v2_compressor() const {
  if (codecs_.empty()) return nullptr;
  if (codecs_.size() > 1) {
    std::string names;
    for (const auto& codec : codecs_) names += (names.empty() ? "" : ", ") + v3_name(*codec);
    throw invalid_setting("zarr-version",
                          "2 stores one compressor and no bytes-to-bytes filters, but this codec chain has " +
                              std::to_string(codecs_.size()) + " (" + names + "); use \"zarr-version\" 3");
  }
  return codecs_.front()->v2_metadata();
}

nlohmann::json CodecChain::v3_codecs() const {
  nlohmann::json codecs = nlohmann::json::array({bytes_codec_metadata()});
  for (const auto& codec : codecs_) codecs.push_back(codec->v3_metadata());
  return codecs;
}

nlohmann::json bytes_codec_metadata() { return {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}; }

}  // namespace zarr
