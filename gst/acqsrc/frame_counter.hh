// Frame numbers from the ids a camera stamps on its frames. Ids may wrap
// (GigE Vision's 16-bit block ids run 1..65535 and skip 0): the counter
// turns them into 64-bit numbers that only grow, counted from the first
// frame of the acquisition, and tells how many ids were skipped (lost
// frames) before each one.
#pragma once

#include <cstdint>
#include <optional>

namespace acqsrc {

// How a camera numbers its frames.
struct FrameIdFormat {
  unsigned bits = 64;       // ids wrap after 2^bits
  bool skips_zero = false;  // 0 is never used (GigE Vision): ..., max, 1, 2, ...

  static FrameIdFormat gige_vision() { return {16, true}; }
  static FrameIdFormat full_64_bit() { return {64, false}; }
};

class FrameCounter {
 public:
  explicit FrameCounter(FrameIdFormat format) : format_(format) {}

  struct Count {
    std::uint64_t number = 0;  // 0 for the first frame counted
    std::uint64_t lost = 0;    // ids skipped since the previous frame
  };
  // Counts the frame stamped `id`; ids are expected in the camera's order.
  Count count(std::uint64_t id);

  // The id of the first frame counted, as the camera stamped it.
  std::optional<std::uint64_t> first_id() const { return first_id_; }

 private:
  // Place of `id` in the cycle of valid ids (0 .. cycle length - 1), or
  // nullopt for an id the format never uses.
  std::optional<std::uint64_t> position(std::uint64_t id) const;

  FrameIdFormat format_;
  std::optional<std::uint64_t> first_id_;
  std::uint64_t last_position_ = 0;
  std::uint64_t number_ = 0;
};

}  // namespace acqsrc
