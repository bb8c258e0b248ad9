#include "zarr/frame_placement.hh"

namespace zarr {

FramePlacement::FramePlacement(const ImageAxes& axes)
    : axes_(axes),
      counts_(axes.plane_chunk_counts()),
      chunk_stride_(counts_.size()),
      plane_stride_(counts_.size()),
      frames_per_step_(axes.frames_per_step()),
      frames_per_row_(axes.frames_per_row()) {
  for (std::size_t j = counts_.size(); j-- > 0;) {
    chunk_stride_[j] = plane_chunks_;
    plane_stride_[j] = planes_per_chunk_;
    plane_chunks_ *= counts_[j];
    planes_per_chunk_ *= axes.axes[j].chunk;
  }
}

FramePlacement::Spot FramePlacement::place(std::uint64_t frame_in_row, std::uint32_t colour) const {
  // The frame's index along each plane axis (storage order).
  std::uint64_t index[8] = {};
  const std::uint64_t step = frame_in_row / frames_per_step_;
  std::uint64_t position = frame_in_row % frames_per_step_;
  for (std::size_t i = axes_.acquisition.size(); i-- > 1;) {
    const std::uint64_t size = axes_.acquisition_sizes[i];
    index[axes_.acquisition[i]] = position % size;
    position /= size;
  }
  index[axes_.append] = step;
  if (axes_.colour_axis != ImageAxes::none) index[axes_.colour_axis] = index[axes_.colour_axis] * axes_.colours + colour;

  Spot spot;
  for (std::size_t j = 0; j < counts_.size(); ++j) {
    const std::uint32_t chunk = axes_.axes[j].chunk;
    spot.plane_chunk += std::size_t(index[j] / chunk) * chunk_stride_[j];
    spot.plane += (index[j] % chunk) * plane_stride_[j];
  }
  return spot;
}

std::vector<std::uint64_t> FramePlacement::chunk_indices(std::uint64_t row, std::size_t plane_chunk) const {
  std::vector<std::uint64_t> indices(counts_.size());
  for (std::size_t j = 0; j < counts_.size(); ++j) indices[j] = plane_chunk / chunk_stride_[j] % counts_[j];
  indices[axes_.append] += row * axes_.axes[axes_.append].shard;
  return indices;
}

}  // namespace zarr
