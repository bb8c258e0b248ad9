// The arrays of a dataset: level 0 is the full frame; with multiscale each
// next level halves y and x of the one before (odd sizes round up) until a
// level fits in one tile. Every level has level 0's tile size clamped to its
// own extent and level 0's chunks along the other axes, so all levels' rows
// hold the same frames. With downsample_z, each level also halves its space
// axis above y and x (z; odd sizes round up), its chunk clamped to the new
// size. Time and channel are never downsampled.
#pragma once

#include <vector>

#include "zarr/image_axes.hh"
#include "zarr/settings.hh"

namespace zarr {

// Level k's axes (array "k"), each with its OME scale; expects validated
// settings and level 0's axes.
std::vector<ImageAxes> pyramid_levels(const Settings& settings, const ImageAxes& full);

// The storage axis of kind space above y and x, or ImageAxes::none.
std::size_t z_axis(const ImageAxes& axes);

}  // namespace zarr
