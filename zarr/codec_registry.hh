// Every compressor the library offers, in one table: its name (the
// "compressor" setting's value, also the zarrsink property's nick), a
// one-line description, the levels it takes, whether "shuffle" applies, and
// how to build it. Adding a codec is its class in a file of its own plus an
// entry in codec_registry.cc; the element's enum and validate() follow.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "zarr/codec.hh"
#include "zarr/codec_chain.hh"
#include "zarr/settings.hh"

namespace zarr {

struct CodecEntry {
  const char* name;         // "blosc-lz4"; C strings, for GLib's enum tables
  const char* description;  // "Blosc with LZ4"
  bool uses_level;          // false: "clevel" is ignored
  int min_level, max_level;
  bool uses_shuffle;  // false: "shuffle" is ignored
  // The bytes-to-bytes codec for arrays of `data_type`; nullptr for "none"
  // (chunks stored as they are). Takes a checked Compression.
  std::unique_ptr<Codec> (*make)(const Compression& compression, DataType data_type);
};

// "none" first; the order is the zarrsink enum's values, so entries are only
// ever appended.
std::span<const CodecEntry> codec_registry();
// nullptr when no codec has that name.
const CodecEntry* find_codec(std::string_view name);
// The highest level of any codec (zstd's 22): the top of the "clevel" range.
int max_codec_level();

// Throws Error(invalid_setting) about "compressor", "clevel" or "shuffle"
// when the codec is unknown or does not take that level or shuffle.
void check_compression(const Compression& compression);

// The chain a dataset's chunks go through. Checks `compression` first.
CodecChain make_codec_chain(const Compression& compression, DataType data_type);

}  // namespace zarr
