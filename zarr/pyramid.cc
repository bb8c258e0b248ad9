#include "zarr/pyramid.hh"

#include <algorithm>

#include "zarr/downsampler.hh"

namespace zarr {

std::vector<Level> pyramid_levels(const Settings& settings, ChunkShape tile) {
  std::vector<Level> levels = {{settings.width, settings.height, tile}};
  if (!settings.multiscale) return levels;
  while (levels.back().width > tile.width || levels.back().height > tile.height) {
    Level next;
    next.width = half_extent(levels.back().width);
    next.height = half_extent(levels.back().height);
    next.chunk = {tile.planes, std::min(tile.height, next.height), std::min(tile.width, next.width)};
    levels.push_back(next);
  }
  return levels;
}

}  // namespace zarr
