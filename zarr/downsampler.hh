// One pyramid step: a plane of width x height samples becomes a plane of
// ceil(width/2) x ceil(height/2), each output sample computed from its 2x2
// block of inputs. At an odd right or bottom edge the block holds only the
// samples that exist (2 or 1): they are not padded with fill values.
//
// mean: integers are summed exactly (64-bit) and divided with rounding half
//   to even (like numpy.round): 1.5 -> 2, 2.5 -> 2, -1.5 -> -2. float32 is
//   summed in double as (top-left + top-right) + (bottom-left + bottom-right),
//   divided by the count in double and rounded to the nearest float.
// decimate: the top-left sample of the block.
// min, max: of the samples in the block.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zarr/frame.hh"
#include "zarr/settings.hh"

namespace zarr {

constexpr std::uint32_t half_extent(std::uint32_t extent) { return (extent + 1) / 2; }

// `in` holds native (little-endian) samples of `type`; `out` receives
// half_extent(width) * half_extent(height) samples, row after row.
void downsample_plane(DataType type, DownsampleMethod method, const PlaneView& in, std::uint32_t width,
                      std::uint32_t height, std::byte* out);

// One z step of a pyramid (Settings::downsample_z): `samples` samples of
// two planes (z = 2i and 2i + 1 of the level above) become one, by the same
// rules as a 2x2 block of two samples (mean: half to even; decimate: the
// first; min, max).
void combine_planes(DataType type, DownsampleMethod method, const std::byte* first, const std::byte* second,
                    std::byte* out, std::size_t samples);

}  // namespace zarr
