#include "zarr/z_pairs.hh"

#include <cstring>

#include "zarr/downsampler.hh"

namespace zarr {

namespace {

void allocate(std::vector<std::vector<std::byte>>& memory, std::vector<PlaneView>& views, std::uint32_t colours,
              std::size_t plane_bytes, std::ptrdiff_t row_bytes, std::ptrdiff_t sample_size) {
  memory.assign(colours, std::vector<std::byte>(plane_bytes));
  views.clear();
  for (auto& plane : memory) views.push_back({plane.data(), row_bytes, sample_size});
}

}  // namespace

ZPairs::ZPairs(const ImageAxes& above, std::size_t z, std::uint32_t width, std::uint32_t height, DataType type,
               DownsampleMethod method)
    : type_(type), method_(method), width_(width), height_(height), sample_size_(sample_size(type)) {
  frames_per_step_ = above.frames_per_step();
  bool after = false;
  for (std::size_t i = 1; i < above.acquisition.size(); ++i) {
    if (above.acquisition[i] == z) {
      z_size_ = above.acquisition_sizes[i];
      after = true;
    } else if (after) {
      after_z_ *= above.acquisition_sizes[i];
    }
  }
  waiting_.resize(after_z_);  // never resized again: the views point into the frames
  const auto make = [&](Frame& frame) {
    allocate(frame.memory, frame.views, above.colours, std::size_t(width) * height * sample_size_,
             std::ptrdiff_t(width) * sample_size_, std::ptrdiff_t(sample_size_));
    frame.view = {frame.views, false};
  };
  make(out_);
  for (Frame& frame : waiting_) make(frame);
}

// `planes` are contiguous level frames (the pyramid's own buffers).
void ZPairs::copy_into(Frame& target, const FrameView& planes) {
  for (std::size_t c = 0; c < planes.channels.size(); ++c)
    std::memcpy(target.memory[c].data(), planes.channels[c].data, target.memory[c].size());
}

const FrameView* ZPairs::add(std::uint64_t frame, const FrameView& planes) {
  const std::uint64_t position = frame % frames_per_step_;
  const std::uint64_t z = position / after_z_ % z_size_;
  const bool last = z + 1 == z_size_;
  if (z % 2 == 0) {
    if (last || method_ == DownsampleMethod::decimate) return &planes;  // an odd last plane, or decimation
    copy_into(waiting_[position % after_z_], planes);
    return nullptr;
  }
  if (method_ == DownsampleMethod::decimate) return nullptr;
  const Frame& first = waiting_[position % after_z_];
  const std::size_t samples = std::size_t(width_) * height_;
  for (std::size_t c = 0; c < planes.channels.size(); ++c)
    combine_planes(type_, method_, first.memory[c].data(), planes.channels[c].data, out_.memory[c].data(), samples);
  return &out_.view;
}

}  // namespace zarr
