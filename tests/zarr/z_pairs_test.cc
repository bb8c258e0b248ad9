#include "zarr/z_pairs.hh"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace zarr {
namespace {

// Level 1 axes of 2x1 uint8 frames in stacks of `dimensions`.
ImageAxes above(const std::string& dimensions) {
  Settings s;
  s.width = 2;
  s.height = 1;
  s.dimensions = dimensions;
  return image_axes(s);
}

// Feeds frames of one sample value each; returns what comes out per frame.
std::vector<std::optional<std::uint8_t>> feed(ZPairs& pairs, const std::vector<std::uint8_t>& values) {
  std::vector<std::optional<std::uint8_t>> out;
  for (std::size_t n = 0; n < values.size(); ++n) {
    const std::vector<std::byte> plane(2, std::byte(values[n]));
    const PlaneView view{plane.data(), 2, 1};
    const FrameView frame{std::span(&view, 1)};  // add() may return this very frame: it must outlive `got`
    const FrameView* got = pairs.add(n, frame);
    if (!got) {
      out.push_back(std::nullopt);
      continue;
    }
    EXPECT_EQ(got->channels[0].data[0], got->channels[0].data[1]);
    out.push_back(std::uint8_t(got->channels[0].data[0]));
  }
  return out;
}

TEST(ZPairs, MeanOfPairsRoundsHalfToEvenAndKeepsAnOddLastPlane) {
  const ImageAxes axes = above("t,z:space:5");
  ZPairs pairs(axes, 1, 2, 1, DataType::uint8, DownsampleMethod::mean);
  // Two stacks of 5: (1,2)->2 (1.5 to even), (4,8)->6, 9 alone; (3,4)->4, (5,6)->6 (5.5), 200.
  const auto out = feed(pairs, {1, 2, 4, 8, 9, 3, 4, 5, 6, 200});
  const std::vector<std::optional<std::uint8_t>> expected = {std::nullopt, 2, std::nullopt, 6, 9,
                                                             std::nullopt, 4, std::nullopt, 6, 200};
  EXPECT_EQ(out, expected);
}

TEST(ZPairs, FramesAfterZWaitInTheirOwnSlots) {
  // z then channels fastest: z0c0 z0c1 z1c0 z1c1 per time point.
  const ImageAxes axes = above("t,z:space:2,c:channel:2");
  ZPairs pairs(axes, 2, 2, 1, DataType::uint8, DownsampleMethod::max);
  const auto out = feed(pairs, {10, 50, 30, 20});
  const std::vector<std::optional<std::uint8_t>> expected = {std::nullopt, std::nullopt, 30, 50};
  EXPECT_EQ(out, expected);
}

TEST(ZPairs, DecimateKeepsTheEvenPlanes) {
  const ImageAxes axes = above("t,z:space:3");
  ZPairs pairs(axes, 1, 2, 1, DataType::uint8, DownsampleMethod::decimate);
  const auto out = feed(pairs, {7, 8, 9});
  const std::vector<std::optional<std::uint8_t>> expected = {7, std::nullopt, 9};
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace zarr
