// OME-NGFF image metadata: the multiscales entry, as version 0.4 (the root
// .zattrs of a Zarr v2 group) or 0.5 (attributes.ome of a v3 group).
//
// Axes are those of the arrays (zarr/image_axes.hh; by default t, c, y, x):
// time (unit "second" when the frame interval is known), channel, space
// (micrometer), and other (a custom axis: type "other"). Level k's scale is each
// axis's: time the seconds per step (or 1), channel and other 1, space the
// pixel size times the actual size ratio to level 0, so a level rounded up
// from an odd size (1080 -> 540 -> 270 -> 135 -> 68) gets 1080/68 =
// 15.88..., not 16, and its pixels cover the same field of view.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "zarr/pyramid.hh"
#include "zarr/settings.hh"

namespace zarr {

struct OmeImage {
  std::vector<ImageAxes> levels;  // level k is the array at path "k"
  double frame_interval_s = 0;                       // 0 = unknown
  bool downsample_z = false;                         // the levels halve z too
  DownsampleMethod method = DownsampleMethod::mean;  // named when there is more than one level
  // False once frames were lost and stored back to back (gap-policy
  // record): the t scale is then not each frame's time, and the multiscale's
  // metadata says so and points to array 0's "acquisition" attributes.
  bool evenly_spaced = true;
};

OmeImage ome_image(const Settings& settings, std::vector<ImageAxes> levels);

// The multiscales entry, without a version.
nlohmann::json ome_multiscale(const OmeImage& image);
// {"multiscales": [entry with "version": "0.4"]}
nlohmann::json ome_attributes_v04(const OmeImage& image);
// {"ome": {"version": "0.5", "multiscales": [entry]}}
nlohmann::json ome_attributes_v05(const OmeImage& image);

}  // namespace zarr
