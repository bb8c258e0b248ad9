// The arrays of a dataset: level 0 is the full frame; with multiscale each
// next level halves y and x of the one before (odd sizes round up) until a
// level fits in one tile. Every level has level 0's tile size clamped to its
// own extent and level 0's plane count, so all levels' t-chunk rows hold the
// same frames. Time and channel are never downsampled.
#pragma once

#include <cstdint>
#include <vector>

#include "zarr/chunk_grid.hh"
#include "zarr/settings.hh"

namespace zarr {

struct Level {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  ChunkShape chunk;  // the (inner) chunk of this level's array
};

// Expects validated settings and the level 0 chunk validate() derived.
std::vector<Level> pyramid_levels(const Settings& settings, ChunkShape tile);

}  // namespace zarr
