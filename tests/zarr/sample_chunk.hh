// Test support: chunk bytes of each data type, with the smooth gradients and
// noise of a camera image, so codecs see realistic input (compressible but
// not trivially).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "zarr/settings.hh"

namespace zarr::testing {

inline constexpr DataType every_data_type[] = {DataType::uint8, DataType::int8, DataType::uint16, DataType::int16,
                                               DataType::float32};

// `samples` little-endian samples of `type`: a ramp plus a little
// pseudo-random noise, covering negative values for the signed types.
inline std::vector<std::byte> sample_chunk(DataType type, std::size_t samples) {
  const std::size_t size = sample_size(type);
  std::vector<std::byte> chunk(samples * size);
  std::uint32_t noise = 2463534242u;
  for (std::size_t i = 0; i < samples; ++i) {
    noise ^= noise << 13, noise ^= noise >> 17, noise ^= noise << 5;
    // A gentle slope across 640-sample rows, plus 2 bits of noise.
    const std::int64_t v = std::int64_t(i % 640) + 2 * std::int64_t(i / 640) + std::int64_t(noise % 4);
    std::byte* out = chunk.data() + i * size;
    switch (type) {
      case DataType::uint8: *out = std::byte(std::uint8_t(v / 4)); break;
      case DataType::int8: *out = std::byte(std::uint8_t(std::int8_t(v / 4 % 256 - 128))); break;
      case DataType::uint16: {
        const std::uint16_t s = std::uint16_t(v * 16);
        std::memcpy(out, &s, 2);
        break;
      }
      case DataType::int16: {
        const std::int16_t s = std::int16_t(v * 16 % 65536 - 32768);
        std::memcpy(out, &s, 2);
        break;
      }
      case DataType::float32: {
        const float s = float(v) * 0.25f - 1000.0f;
        std::memcpy(out, &s, 4);
        break;
      }
      case DataType::uint64:
      case DataType::int64: {  // frame-table columns: a frame counter's values
        const std::int64_t s = v * 1000003;
        std::memcpy(out, &s, 8);
        break;
      }
    }
  }
  return chunk;
}

// Bytes no codec can shrink.
inline std::vector<std::byte> random_bytes(std::size_t n) {
  std::vector<std::byte> bytes(n);
  std::uint32_t x = 12345;
  for (auto& b : bytes) b = std::byte((x = x * 1664525 + 1013904223) >> 24);
  return bytes;
}

}  // namespace zarr::testing
