#include "zarr/pyramid.hh"

#include <algorithm>

#include "zarr/downsampler.hh"

namespace zarr {

std::size_t z_axis(const ImageAxes& axes) {
  for (std::size_t j = 0; j < axes.plane_axes(); ++j)
    if (axes.axes[j].kind == DimensionKind::space) return j;
  return ImageAxes::none;
}

std::vector<ImageAxes> pyramid_levels(const Settings& settings, const ImageAxes& full) {
  std::vector<ImageAxes> levels = {full};
  if (!settings.multiscale) return levels;
  const std::uint32_t tile_y = full.y().chunk, tile_x = full.x().chunk;
  const std::size_t z = settings.downsample_z ? z_axis(full) : ImageAxes::none;
  while (levels.back().y().size > tile_y || levels.back().x().size > tile_x) {
    ImageAxes next = levels.back();
    const std::size_t y = next.axes.size() - 2, x = y + 1;
    for (std::size_t j : {y, x}) {
      Axis& axis = next.axes[j];
      axis.size = half_extent(std::uint32_t(axis.size));
      axis.chunk = std::min<std::uint32_t>(axis.chunk, std::uint32_t(axis.size));
    }
    if (z != ImageAxes::none && z != next.append) {
      Axis& axis = next.axes[z];
      axis.size = half_extent(std::uint32_t(axis.size));
      axis.chunk = std::min<std::uint32_t>(axis.chunk, std::uint32_t(axis.size));
      for (std::size_t i = 0; i < next.acquisition.size(); ++i)
        if (next.acquisition[i] == z) next.acquisition_sizes[i] = axis.size;
    }
    // The actual size ratio, so that a level rounded up from an odd size
    // (1080 -> 540 -> 270 -> 135 -> 68) covers the same field of view.
    for (std::size_t j : {y, x, z}) {
      if (j == ImageAxes::none || j == next.append) continue;
      next.axes[j].scale = full.axes[j].scale * double(full.axes[j].size) / double(next.axes[j].size);
    }
    levels.push_back(next);
  }
  return levels;
}

}  // namespace zarr
