// The acquisition dimensions: how a stream of frames folds into time points,
// channels and z stacks. A list, slowest first, of the dimensions above y
// and x; frames fill them in order, the last one fastest. The first is the
// append dimension: it grows as frames come (or ends the recording at its
// size). Written as text, the same for zarrsink's property and the library:
//   name[:kind][:size][:chunk][:shard], comma separated
// e.g. "t,c:channel:2,z:space:50:10": for each time point, 2 channels, each
// a stack of 50 z planes, stored in chunks of 10 z planes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zarr {

// As OME-NGFF names axis types; `other` is a custom axis (no OME type).
enum class DimensionKind { time, channel, space, other };

struct Dimension {
  std::string name;
  DimensionKind kind = DimensionKind::other;
  std::uint64_t size = 0;   // frames along it; 0 = unbounded (the append dimension only)
  std::uint32_t chunk = 0;  // chunk extent along it; 0 = the chunk rule decides (zarr/storage_layout.hh)
  std::uint32_t shard = 0;  // chunks per shard along it; 0 = the default (1, or chunks-per-shard-t)
  bool operator==(const Dimension&) const = default;
};

// Today's layout: frames along t, the frame's own channels (1, or 3 for RGB)
// along c: (t, c, y, x).
inline constexpr const char* default_dimensions = "t,c";

// Limits (OME-NGFF allows 5 axes: at most one time, one channel or custom,
// and three space axes of which y and x are two).
inline constexpr std::size_t max_dimensions = 3;

// Parses the text form. A part left out (or empty, as the kind in "t::4",
// a t of size 4, or the size in "t:time::4", an unbounded t in chunks of 4) takes its
// default: the kind from the name (t/time -> time, c/ch/channel -> channel,
// z -> space, any other name -> other), the size 1 (unbounded for the first
// dimension), the chunk and shard as above. Throws
// Error(invalid_setting, "dimensions") naming the part that is wrong;
// checks each dimension alone (names, kinds, numbers). How they combine is
// checked by storage_axes() in zarr/storage_layout.hh.
std::vector<Dimension> parse_dimensions(std::string_view text);

// The text form, every part written out: parse_dimensions(to_text(d)) == d.
std::string to_text(const std::vector<Dimension>& dimensions);

const char* to_string(DimensionKind kind);

}  // namespace zarr
