// CRC-32C (Castagnoli), the checksum the Zarr v3 `crc32c` codec appends to a
// shard index. Table-driven: an index is a few kilobytes, speed is no issue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace zarr {

// "123456789" gives 0xE3069283.
std::uint32_t crc32c(std::span<const std::byte> bytes);

}  // namespace zarr
