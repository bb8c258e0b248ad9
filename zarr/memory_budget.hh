// How much memory a recording holds (its row buffers: one being filled plus
// rows_in_flight with the workers, for every pyramid level) against what the
// process may use, so that a recording too large for the machine fails at
// start with a sentence instead of being killed by the OOM killer while its
// buffers are faulted in.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "zarr/image_axes.hh"
#include "zarr/settings.hh"

namespace zarr {

// The chunk rule's cap: with tile_planes 0, a row holds no more steps along
// the append axis than keep the default recording (every level's row
// buffers) within this (see image_axes()).
inline constexpr std::uint64_t default_recording_memory = 1ull << 30;

// Bytes of every row buffer of the recording: 1 + rows_in_flight rows of
// every level (ImageAxes::row_bytes(): whole chunks, edges padded).
std::uint64_t recording_memory(const Settings& settings, const std::vector<ImageAxes>& levels);

// What the process may still use: the room left under its cgroup's limit
// (v2 memory.max, v1 memory.limit_in_bytes) and the system's MemAvailable,
// whichever is smaller; nullopt when neither can be read.
std::optional<std::uint64_t> memory_available();

// Throws Error(insufficient_memory) naming the settings that drive the
// memory when the recording needs more than `available`.
void check_recording_memory(const Settings& settings, const std::vector<ImageAxes>& levels,
                            std::optional<std::uint64_t> available);

}  // namespace zarr
