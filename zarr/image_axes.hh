// The axes of an image array in storage order, derived once from the
// settings: the acquisition dimensions (zarr/dimensions.hh) reordered as
// OME-NGFF wants them (time, then channel or custom, then space), y and x
// last, each with its size, chunk and shard. A frame is placed at the
// indices its position in the acquisition sequence gives
// (zarr/frame_placement.hh); the append dimension grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zarr/dimensions.hh"

namespace zarr {

struct Settings;

struct Axis {
  std::string name;
  DimensionKind kind = DimensionKind::other;
  std::uint64_t size = 0;    // 0 for the append axis: it grows
  std::uint32_t chunk = 1;   // the (inner) chunk extent
  std::uint32_t shard = 1;   // inner chunks per shard (1 along every axis: no sharding)
  double scale = 1.0;        // OME-NGFF scale of level 0 (time: seconds per step, or 1; space: micrometres)
  bool operator==(const Axis&) const = default;
};

struct ImageAxes {
  static constexpr std::size_t none = std::size_t(-1);

  std::vector<Axis> axes;                // storage order; y and x the last two
  std::size_t append = 0;                // the append axis (the first acquisition dimension)
  std::vector<std::size_t> acquisition;  // the storage axis of each acquisition dimension, slowest first
  std::vector<std::uint64_t> acquisition_sizes;  // and its size in frames ([0], the append dimension: 0)
  // The storage axis the frame's own channels (colour planes) index, the
  // fastest part of it: index = index from the acquisition * colours + colour.
  std::size_t colour_axis = none;
  std::uint32_t colours = 1;       // planes in each frame
  std::uint64_t append_size = 0;   // steps along the append axis that end the recording; 0 = unbounded
  std::size_t sample_size = 1;

  std::size_t plane_axes() const { return axes.size() - 2; }
  const Axis& y() const { return axes[axes.size() - 2]; }
  const Axis& x() const { return axes.back(); }

  // Frames per index of the append axis (a time point, for "t,c,z").
  std::uint64_t frames_per_step() const;
  // Steps held by one row buffer: the append axis's chunk times its shard.
  std::uint64_t steps_per_row() const { return std::uint64_t(axes[append].chunk) * axes[append].shard; }
  std::uint64_t frames_per_row() const { return steps_per_row() * frames_per_step(); }
  // Planes (tile-sized slices) in one chunk: the product of the plane axes' chunks.
  std::uint64_t planes_per_chunk() const;
  // Chunks of a row buffer along each plane axis (the append axis: its shard).
  std::vector<std::uint32_t> plane_chunk_counts() const;
  std::size_t plane_chunks_per_row() const;
  // Bytes of one chunk (uncompressed) and of one row buffer (edge tiles padded).
  std::uint64_t chunk_bytes() const;
  std::uint64_t row_bytes() const;

  bool sharded() const;
  // For the array's metadata: with `steps` along the append axis.
  std::vector<std::uint64_t> shape(std::uint64_t steps) const;
  std::vector<std::uint64_t> chunks() const;
  std::vector<std::uint64_t> chunks_per_shard() const;
  std::vector<std::string> names() const;
};

// Most frames one index of the append dimension may hold (the product of
// the other dimensions' sizes).
inline constexpr std::uint64_t max_frames_per_step = 1u << 24;

// The checks of the dimensions that need no frame geometry, at start: the
// text, the kinds (one per OME-NGFF group), the sizes' product, and the
// parts that other settings also set (tile-planes, chunks-per-shard-t, and
// shards without zarr-version 3). Throws Error(invalid_setting).
void check_dimensions(const Settings& settings);

// Level 0's axes from validated settings (the frame geometry included): the
// dimensions parsed and combined with the frame's channels, the chunk rule
// applied (see docs/zarr-library.md "Chunk shape"), the shards and scales.
// Throws Error(invalid_setting) naming the setting whose value cannot work
// ("dimensions", "tile-planes", "chunks-per-shard-t", ...).
ImageAxes image_axes(const Settings& settings);

}  // namespace zarr
