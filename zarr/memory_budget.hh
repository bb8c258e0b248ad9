// How much memory a recording holds (its row buffers: one being filled plus
// rows_in_flight with the workers, for every pyramid level) against what the
// process may use, so that a recording too large for the machine fails at
// start with a sentence instead of being killed by the OOM killer while its
// buffers are faulted in.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "zarr/pyramid.hh"
#include "zarr/settings.hh"

namespace zarr {

// The chunk-depth rule's cap: with tile_planes 0, a row holds no more planes
// than keep the default recording (every level's row buffers) within this.
inline constexpr std::uint64_t default_recording_memory = 1ull << 30;

// Bytes of one row buffer of `level`: its chunk planes (times chunks per
// shard along t) of whole tiles, edge tiles padded.
std::uint64_t row_buffer_bytes(const Settings& settings, const Level& level);

// Bytes of every row buffer of the recording.
std::uint64_t recording_memory(const Settings& settings, const std::vector<Level>& levels);

// The most planes a row may hold for the default recording to stay within
// default_recording_memory (at least 1), for frames of `tile` chunks.
std::uint32_t planes_within_default_memory(const Settings& settings, const ChunkShape& tile);

// What the process may still use: the room left under its cgroup's limit
// (v2 memory.max, v1 memory.limit_in_bytes) and the system's MemAvailable,
// whichever is smaller; nullopt when neither can be read.
std::optional<std::uint64_t> memory_available();

// Throws Error(insufficient_memory) naming the settings that drive the
// memory when the recording needs more than `available`.
void check_recording_memory(const Settings& settings, const std::vector<Level>& levels,
                            std::optional<std::uint64_t> available);

}  // namespace zarr
