// The index at the end of a Zarr v3 shard (sharding_indexed codec with
// index_codecs [bytes little-endian, crc32c], index_location "end"): one
// (offset, nbytes) pair of little-endian uint64 per inner chunk, in C order
// of the inner chunk positions, then the CRC-32C of those pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zarr {

class ShardIndex {
 public:
  // Offset and size of an inner chunk that is not stored (outside the array,
  // or all fill values): readers see fill values there.
  static constexpr std::uint64_t absent = ~std::uint64_t(0);

  explicit ShardIndex(std::size_t inner_chunks);

  // Every entry starts absent.
  void set(std::size_t inner_chunk, std::uint64_t offset, std::uint64_t nbytes);
  std::size_t inner_chunks() const { return entries_.size() / 2; }

  // The pairs and their checksum as stored: 16 * inner_chunks + 4 bytes.
  std::vector<std::byte> encode() const;
  static std::size_t encoded_size(std::size_t inner_chunks) { return 16 * inner_chunks + 4; }

 private:
  std::vector<std::uint64_t> entries_;  // offset, nbytes, offset, nbytes, ...
};

}  // namespace zarr
