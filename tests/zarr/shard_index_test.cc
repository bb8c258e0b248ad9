#include "zarr/shard_index.hh"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "zarr/crc32c.hh"

namespace zarr {
namespace {

std::span<const std::byte> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::uint64_t read_u64(const std::vector<std::byte>& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | std::uint64_t(bytes[at + i]);
  return value;
}

TEST(Crc32c, StandardCheckValue) { EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u); }

TEST(Crc32c, EmptyAndZeros) {
  EXPECT_EQ(crc32c({}), 0u);
  // RFC 3720 B.4: 32 bytes of zeros.
  const std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(bytes_of(zeros)), 0x8A9136AAu);
}

TEST(ShardIndex, PairsInOrderThenLittleEndianCrc) {
  ShardIndex index(3);
  index.set(0, 0, 100);
  index.set(2, 100, 0x0102030405060708ull);
  const std::vector<std::byte> encoded = index.encode();
  ASSERT_EQ(encoded.size(), 3u * 16 + 4);
  EXPECT_EQ(read_u64(encoded, 0), 0u);
  EXPECT_EQ(read_u64(encoded, 8), 100u);
  EXPECT_EQ(read_u64(encoded, 16), ShardIndex::absent);
  EXPECT_EQ(read_u64(encoded, 24), ShardIndex::absent);
  EXPECT_EQ(read_u64(encoded, 32), 100u);
  EXPECT_EQ(read_u64(encoded, 40), 0x0102030405060708ull);
  EXPECT_EQ(encoded[40], std::byte{0x08});  // little-endian
  const std::uint32_t crc = crc32c({encoded.data(), 48});
  EXPECT_EQ(encoded[48], std::byte(crc & 0xFF));
  EXPECT_EQ(encoded[49], std::byte((crc >> 8) & 0xFF));
  EXPECT_EQ(encoded[50], std::byte((crc >> 16) & 0xFF));
  EXPECT_EQ(encoded[51], std::byte(crc >> 24));
}

TEST(ShardIndex, EveryEntryStartsAbsent) {
  const std::vector<std::byte> encoded = ShardIndex(16).encode();
  for (std::size_t i = 0; i < 16 * 16; ++i) ASSERT_EQ(encoded[i], std::byte{0xFF}) << i;
}

}  // namespace
}  // namespace zarr
