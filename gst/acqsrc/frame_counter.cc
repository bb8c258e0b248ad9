#include "gst/acqsrc/frame_counter.hh"

namespace acqsrc {

std::optional<std::uint64_t> FrameCounter::position(std::uint64_t id) const {
  if (format_.bits < 64 && id >> format_.bits != 0) return std::nullopt;
  if (format_.skips_zero) {
    if (id == 0) return std::nullopt;
    return id - 1;
  }
  return id;
}

FrameCounter::Count FrameCounter::count(std::uint64_t id) {
  const std::optional<std::uint64_t> here = position(id);
  if (!first_id_) {
    first_id_ = id;
    last_position_ = here.value_or(0);
    number_ = 0;
    return {0, 0};
  }
  // Valid ids per cycle; 0 stands for 2^64, which unsigned arithmetic
  // wraps at by itself.
  const std::uint64_t cycle = (format_.bits < 64 ? std::uint64_t{1} << format_.bits : 0) - (format_.skips_zero ? 1 : 0);
  std::uint64_t step = 1;
  // An id out of the format, the same id again, or a 64-bit id going
  // backwards (which only a camera restart does) cannot be placed: it is
  // taken as the next frame, so numbers still grow and nothing is
  // reported lost that may not be.
  if (here) {
    const bool backwards_64 = format_.bits >= 64 && *here < last_position_;
    if (*here != last_position_ && !backwards_64)
      step = *here > last_position_ ? *here - last_position_ : *here + (cycle - last_position_);
    last_position_ = *here;
  }
  number_ += step;
  return {number_, step - 1};
}

}  // namespace acqsrc
