#include "zarr/frame_placement.hh"

#include <gtest/gtest.h>

#include <set>

#include "zarr/settings.hh"

namespace zarr {
namespace {

ImageAxes axes_of(const std::string& dimensions, std::uint32_t colours = 1, std::uint32_t tile_planes = 0) {
  Settings s;
  s.width = 8;
  s.height = 4;
  s.channels = colours;
  s.dimensions = dimensions;
  s.tile_planes = tile_planes;
  return image_axes(s);
}

TEST(FramePlacement, TheDefaultPutsFrameNAtPlaneNOfTheRow) {
  const FramePlacement placement(axes_of("t,c", 1, 4));
  EXPECT_EQ(placement.frames_per_row(), 4u);
  EXPECT_EQ(placement.plane_chunks_per_row(), 1u);
  for (std::uint64_t f = 0; f < 4; ++f) EXPECT_EQ(placement.place(f, 0), (FramePlacement::Spot{0, f}));
  EXPECT_EQ(placement.chunk_indices(5, 0), (std::vector<std::uint64_t>{5, 0}));
}

// t, c:2, z:5 in chunks of (t 2, c 1, z 2): frame n is at (n/10, n/5%2, n%5);
// a row holds 2 time points (20 frames) in 2 (c) x 3 (z) chunks of 2 x 1 x 2 planes.
TEST(FramePlacement, EveryFrameOfAZStackGoesToItsOwnPlace) {
  const ImageAxes axes = axes_of("t:time::2,c:channel:2,z:space:5:2");
  const FramePlacement placement(axes);
  ASSERT_EQ(placement.frames_per_row(), 20u);
  ASSERT_EQ(placement.plane_chunks_per_row(), 6u);
  ASSERT_EQ(placement.planes_per_chunk(), 4u);
  std::set<std::pair<std::size_t, std::uint64_t>> used;
  for (std::uint64_t n = 0; n < 20; ++n) {
    const std::uint64_t t = n / 10, c = n / 5 % 2, z = n % 5;
    const FramePlacement::Spot spot = placement.place(n, 0);
    EXPECT_EQ(spot.plane_chunk, c * 3 + z / 2) << n;
    EXPECT_EQ(spot.plane, t * 2 + z % 2) << n;
    EXPECT_TRUE(used.insert({spot.plane_chunk, spot.plane}).second) << "frame " << n << " shares a place";
    EXPECT_EQ(placement.chunk_indices(3, spot.plane_chunk), (std::vector<std::uint64_t>{3, c, z / 2})) << n;
  }
}

TEST(FramePlacement, AcquisitionOrderDiffersFromStorageOrder) {
  // Channels alternate fastest; storage is still (t, c, z).
  const FramePlacement placement(axes_of("t:time::1,z:space:3:3,c:channel:2"));
  for (std::uint64_t n = 0; n < 6; ++n) {
    const std::uint64_t z = n / 2, c = n % 2;
    EXPECT_EQ(placement.place(n, 0), (FramePlacement::Spot{c, z})) << n;
  }
}

TEST(FramePlacement, AnAppendedZIsNotTheFirstStorageAxis) {
  // z grows, in chunks of 2; each z position records 2 channels: storage (c, z).
  const FramePlacement placement(axes_of("z:space::2,c:channel:2"));
  ASSERT_EQ(placement.frames_per_row(), 4u);
  EXPECT_EQ(placement.place(0, 0), (FramePlacement::Spot{0, 0}));
  EXPECT_EQ(placement.place(1, 0), (FramePlacement::Spot{1, 0}));
  EXPECT_EQ(placement.place(2, 0), (FramePlacement::Spot{0, 1}));
  EXPECT_EQ(placement.place(3, 0), (FramePlacement::Spot{1, 1}));
  EXPECT_EQ(placement.chunk_indices(7, 1), (std::vector<std::uint64_t>{1, 7}));
}

TEST(FramePlacement, ColoursComeFastestAlongTheChannelAxis) {
  const FramePlacement placement(axes_of("t:time::1,c:channel:2", 3));
  for (std::uint64_t n = 0; n < 2; ++n)
    for (std::uint32_t colour = 0; colour < 3; ++colour)
      EXPECT_EQ(placement.place(n, colour).plane_chunk, n * 3 + colour);
}

}  // namespace
}  // namespace zarr
