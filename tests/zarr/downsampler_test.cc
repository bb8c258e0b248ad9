#include "zarr/downsampler.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace zarr {
namespace {

template <typename T>
std::vector<T> run(DataType type, DownsampleMethod method, const std::vector<T>& in, std::uint32_t width,
                   std::uint32_t height) {
  std::vector<T> out(std::size_t(half_extent(width)) * half_extent(height));
  const PlaneView plane{reinterpret_cast<const std::byte*>(in.data()), std::ptrdiff_t(width * sizeof(T)),
                        std::ptrdiff_t(sizeof(T))};
  downsample_plane(type, method, plane, width, height, reinterpret_cast<std::byte*>(out.data()));
  return out;
}

TEST(Downsampler, HalfExtentRoundsUp) {
  EXPECT_EQ(half_extent(1080), 540u);
  EXPECT_EQ(half_extent(135), 68u);
  EXPECT_EQ(half_extent(1), 1u);
}

TEST(Downsampler, MeanRoundsHalfToEven) {
  // Blocks summing to 6 (1.5 -> 2), 10 (2.5 -> 2), 5 (1.25 -> 1), 7 (1.75 -> 2).
  const std::vector<std::uint8_t> in = {1, 2, 2, 3, 1, 1, 1, 2,  //
                                        1, 2, 2, 3, 1, 2, 2, 2};
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::mean, in, 8, 2), (std::vector<std::uint8_t>{2, 2, 1, 2}));
}

TEST(Downsampler, MeanOfNegativeIntegersRoundsHalfToEven) {
  // -6 / 4 = -1.5 -> -2; -2 / 4 = -0.5 -> 0; -10 / 4 = -2.5 -> -2.
  const std::vector<std::int16_t> in = {-1, -2, 0, -1, -2, -3,  //
                                        -1, -2, 0, -1, -2, -3};
  EXPECT_EQ(run(DataType::int16, DownsampleMethod::mean, in, 6, 2), (std::vector<std::int16_t>{-2, 0, -2}));
}

TEST(Downsampler, MeanOfUint16DoesNotOverflow) {
  const std::vector<std::uint16_t> in = {65535, 65535, 65535, 65534};
  EXPECT_EQ(run(DataType::uint16, DownsampleMethod::mean, in, 2, 2), (std::vector<std::uint16_t>{65535}));
  const std::vector<std::uint16_t> three = {65535, 65534, 65535, 65535};
  EXPECT_EQ(run(DataType::uint16, DownsampleMethod::max, three, 2, 2), (std::vector<std::uint16_t>{65535}));
}

TEST(Downsampler, OddEdgesUseOnlyTheSamplesThatExist) {
  // 3 x 3: the right column and bottom row average 2 samples, the corner is itself.
  const std::vector<std::uint8_t> in = {10, 20, 31,  //
                                        30, 40, 50,  //
                                        7,  9,  200};
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::mean, in, 3, 3), (std::vector<std::uint8_t>{25, 40, 8, 200}));
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::min, in, 3, 3), (std::vector<std::uint8_t>{10, 31, 7, 200}));
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::max, in, 3, 3), (std::vector<std::uint8_t>{40, 50, 9, 200}));
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::decimate, in, 3, 3), (std::vector<std::uint8_t>{10, 31, 7, 200}));
}

TEST(Downsampler, SignedMinAndMax) {
  const std::vector<std::int8_t> in = {-128, 127, 5, -3};
  EXPECT_EQ(run(DataType::int8, DownsampleMethod::min, in, 2, 2), (std::vector<std::int8_t>{-128}));
  EXPECT_EQ(run(DataType::int8, DownsampleMethod::max, in, 2, 2), (std::vector<std::int8_t>{127}));
  EXPECT_EQ(run(DataType::int8, DownsampleMethod::mean, in, 2, 2), (std::vector<std::int8_t>{0}));  // 0.25
}

TEST(Downsampler, Float32MeanInDouble) {
  // 16777216 + 1 is not representable in float: summing in float would lose the ones.
  const std::vector<float> in = {16777216.0f, 1.0f, 1.0f, 16777218.0f};
  EXPECT_EQ(run(DataType::float32, DownsampleMethod::mean, in, 2, 2), (std::vector<float>{8388609.0f}));
  const std::vector<float> edge = {1.0f, 2.0f, 4.0f};
  EXPECT_EQ(run(DataType::float32, DownsampleMethod::mean, edge, 3, 1), (std::vector<float>{1.5f, 4.0f}));
}

TEST(Downsampler, ReadsStridedInterleavedInput) {
  // Two channels interleaved; channel 1 is read with pixel_stride 2 and a padded row.
  const std::vector<std::uint8_t> in = {0, 1, 0, 3, 99, 99,  //
                                        0, 5, 0, 7, 99, 99};
  const PlaneView plane{reinterpret_cast<const std::byte*>(in.data()) + 1, 6, 2};
  std::uint8_t out = 0;
  downsample_plane(DataType::uint8, DownsampleMethod::mean, plane, 2, 2, reinterpret_cast<std::byte*>(&out));
  EXPECT_EQ(out, 4);
}

TEST(Downsampler, Uint8MeanOfEverySumRoundsHalfToEven) {
  // One 2x2 block per possible sum 0..1020, in a row wide enough for the
  // vectorised loop and its scalar tail.
  const std::uint32_t sums = 4 * 255 + 1, width = 2 * sums, height = 2;
  std::vector<std::uint8_t> in(std::size_t(width) * height);
  std::vector<std::uint8_t> expected(sums);
  for (std::uint32_t s = 0; s < sums; ++s) {
    std::uint32_t left = s;
    for (std::size_t at : {2 * s, 2 * s + 1, width + 2 * s, width + 2 * s + 1}) {
      in[at] = std::uint8_t(std::min(left, 255u));
      left -= in[at];
    }
    const std::uint32_t quotient = s / 4, remainder = s % 4;
    expected[s] = std::uint8_t(quotient + (remainder == 3 || (remainder == 2 && quotient % 2 == 1)));
  }
  EXPECT_EQ(run(DataType::uint8, DownsampleMethod::mean, in, width, height), expected);
}

TEST(Downsampler, FastPathsAgreeWithTheGeneralPath) {
  // Contiguous rows take the vectorised loops; the same samples spread with
  // pixel_stride 2 take the general path. Every type and method must agree.
  const std::uint32_t width = 71, height = 9;
  std::uint32_t state = 12345;
  std::vector<std::byte> spread(std::size_t(width) * height * 8);
  for (auto& b : spread) b = std::byte((state = state * 1103515245u + 12345u) >> 24);
  for (DataType type : {DataType::uint8, DataType::int8, DataType::uint16, DataType::int16, DataType::float32}) {
    const std::size_t ss = sample_size(type);
    std::vector<std::byte> contiguous(std::size_t(width) * height * ss);
    for (std::size_t i = 0; i < std::size_t(width) * height; ++i)
      std::memcpy(&contiguous[i * ss], &spread[i * 2 * ss], ss);
    if (type == DataType::float32)  // keep the random bits away from NaN
      for (std::size_t i = 0; i < contiguous.size(); i += 4)
        contiguous[i + 3] = std::byte(0x40), spread[i * 2 + 3] = std::byte(0x40);
    for (DownsampleMethod method :
         {DownsampleMethod::mean, DownsampleMethod::decimate, DownsampleMethod::min, DownsampleMethod::max}) {
      const std::size_t out_bytes = std::size_t(half_extent(width)) * half_extent(height) * ss;
      std::vector<std::byte> fast(out_bytes), general(out_bytes);
      downsample_plane(type, method, {contiguous.data(), std::ptrdiff_t(width * ss), std::ptrdiff_t(ss)}, width, height,
                       fast.data());
      downsample_plane(type, method, {spread.data(), std::ptrdiff_t(width * 2 * ss), std::ptrdiff_t(2 * ss)}, width,
                       height, general.data());
      EXPECT_EQ(fast, general) << to_string(type) << " " << to_string(method);
    }
  }
}

}  // namespace
}  // namespace zarr
