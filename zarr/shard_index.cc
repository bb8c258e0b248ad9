#include "zarr/shard_index.hh"

#include "zarr/crc32c.hh"

namespace zarr {

namespace {

void put_little_endian(std::byte* out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = std::byte((value >> (8 * i)) & 0xFF);
}

}  // namespace

ShardIndex::ShardIndex(std::size_t inner_chunks) : entries_(2 * inner_chunks, absent) {}

void ShardIndex::set(std::size_t inner_chunk, std::uint64_t offset, std::uint64_t nbytes) {
  entries_.at(2 * inner_chunk) = offset;
  entries_.at(2 * inner_chunk + 1) = nbytes;
}

std::vector<std::byte> ShardIndex::encode() const {
  std::vector<std::byte> out(encoded_size(inner_chunks()));
  for (std::size_t i = 0; i < entries_.size(); ++i) put_little_endian(out.data() + 8 * i, entries_[i], 8);
  const std::size_t pairs_bytes = 8 * entries_.size();
  put_little_endian(out.data() + pairs_bytes, crc32c({out.data(), pairs_bytes}), 4);
  return out;
}

}  // namespace zarr
