// OME-NGFF image metadata: the multiscales entry, as version 0.4 (the root
// .zattrs of a Zarr v2 group) or 0.5 (attributes.ome of a v3 group).
//
// Axes are t (time; unit "second" when the frame interval is known), c
// (channel), y and x (space, micrometer). Level k's scale is
// [frame interval or 1, 1, pixel_size_y * height_0 / height_k,
//  pixel_size_x * width_0 / width_k]: the actual size ratio, so a level
// rounded up from an odd size (1080 -> 540 -> 270 -> 135 -> 68) gets
// 1080/68 = 15.88..., not 16, and its pixels cover the same field of view.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "zarr/pyramid.hh"
#include "zarr/settings.hh"

namespace zarr {

struct OmeImage {
  std::vector<Level> levels;  // level k is the array at path "k"
  double pixel_size_y_um = 1.0;
  double pixel_size_x_um = 1.0;
  double frame_interval_s = 0;                       // 0 = unknown
  DownsampleMethod method = DownsampleMethod::mean;  // named when there is more than one level
  // False once frames were lost and stored back to back (gap-policy
  // record): the t scale is then not each frame's time, and the multiscale's
  // metadata says so and points to array 0's "acquisition" attributes.
  bool evenly_spaced = true;
};

OmeImage ome_image(const Settings& settings, std::vector<Level> levels);

// The multiscales entry, without a version.
nlohmann::json ome_multiscale(const OmeImage& image);
// {"multiscales": [entry with "version": "0.4"]}
nlohmann::json ome_attributes_v04(const OmeImage& image);
// {"ome": {"version": "0.5", "multiscales": [entry]}}
nlohmann::json ome_attributes_v05(const OmeImage& image);

}  // namespace zarr
