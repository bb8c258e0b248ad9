#include "zarr/codec_registry.hh"

#include <algorithm>
#include <string>
#include <vector>

#include "zarr/blosc_codec.hh"
#include "zarr/error.hh"
#include "zarr/gzip_codec.hh"
#include "zarr/zstd_codec.hh"

namespace zarr {

namespace {

std::unique_ptr<Codec> make_blosc(const char* cname, const Compression& compression, DataType data_type) {
  return std::make_unique<BloscCodec>(cname, compression.clevel, compression.shuffle, sample_size(data_type));
}

// Blosc's levels: 0 copies the data into a blosc frame, 9 compresses most.
// zstd: 1..22 (libzstd would read 0 as its default level 3, which a user
// who means "no compression" would not expect, so 0 is refused). gzip: 0
// stores deflate blocks uncompressed.
constexpr CodecEntry entries[] = {
    {"none", "No compression", false, 0, 0, false, nullptr},
    {"blosc-lz4", "Blosc with LZ4", true, 0, 9, true,
     [](const Compression& c, DataType t) { return make_blosc("lz4", c, t); }},
    {"blosc-lz4hc", "Blosc with LZ4HC", true, 0, 9, true,
     [](const Compression& c, DataType t) { return make_blosc("lz4hc", c, t); }},
    {"blosc-blosclz", "Blosc with BloscLZ", true, 0, 9, true,
     [](const Compression& c, DataType t) { return make_blosc("blosclz", c, t); }},
    {"blosc-zstd", "Blosc with Zstandard", true, 0, 9, true,
     [](const Compression& c, DataType t) { return make_blosc("zstd", c, t); }},
    {"blosc-zlib", "Blosc with zlib", true, 0, 9, true,
     [](const Compression& c, DataType t) { return make_blosc("zlib", c, t); }},
    {"zstd", "Zstandard", true, 1, 22, false,
     [](const Compression& c, DataType) -> std::unique_ptr<Codec> { return std::make_unique<ZstdCodec>(c.clevel); }},
    {"gzip", "gzip", true, 0, 9, false,
     [](const Compression& c, DataType) -> std::unique_ptr<Codec> { return std::make_unique<GzipCodec>(c.clevel); }},
};

std::string known_names() {
  std::string names;
  for (const CodecEntry& entry : entries) names += std::string(names.empty() ? "" : ", ") + entry.name;
  return names;
}

}  // namespace

std::span<const CodecEntry> codec_registry() { return entries; }

const CodecEntry* find_codec(std::string_view name) {
  for (const CodecEntry& entry : entries)
    if (name == entry.name) return &entry;
  return nullptr;
}

int max_codec_level() {
  int level = 0;
  for (const CodecEntry& entry : entries)
    if (entry.uses_level) level = std::max(level, entry.max_level);
  return level;
}

void check_compression(const Compression& compression) {
  const CodecEntry* codec = find_codec(compression.compressor);
  if (!codec) throw invalid_setting("compressor", "\"" + compression.compressor + "\" is not one of " + known_names());
  if (codec->uses_level && (compression.clevel < codec->min_level || compression.clevel > codec->max_level))
    throw invalid_setting("clevel", std::to_string(compression.clevel) + " is not within " +
                                        std::to_string(codec->min_level) + ".." + std::to_string(codec->max_level) +
                                        " for " + codec->name);
  // Checked even where ignored: a value outside the enum is a caller's bug.
  switch (compression.shuffle) {
    case Shuffle::none:
    case Shuffle::byte:
    case Shuffle::bit: break;
    default: throw invalid_setting("shuffle", std::to_string(int(compression.shuffle)) + " is not none, byte or bit");
  }
}

CodecChain make_codec_chain(const Compression& compression, DataType data_type) {
  check_compression(compression);
  const CodecEntry& codec = *find_codec(compression.compressor);
  std::vector<std::unique_ptr<Codec>> bytes_to_bytes;
  if (codec.make) bytes_to_bytes.push_back(codec.make(compression, data_type));
  return CodecChain(std::move(bytes_to_bytes));
}

}  // namespace zarr
