// FrameCounter: wrapping camera frame ids become 64-bit frame numbers from
// 0, with the lost frames between them.
#include "gst/acqsrc/frame_counter.hh"

#include <gst/check/gstcheck.h>

#include <initializer_list>

namespace {

using acqsrc::FrameCounter;
using acqsrc::FrameIdFormat;

struct Expected {
  std::uint64_t id, number, lost;
};

void check_counts(FrameIdFormat format, std::initializer_list<Expected> frames) {
  FrameCounter counter(format);
  for (const Expected& frame : frames) {
    const FrameCounter::Count count = counter.count(frame.id);
    fail_unless_equals_uint64(count.number, frame.number);
    fail_unless_equals_uint64(count.lost, frame.lost);
  }
  fail_unless_equals_uint64(counter.first_id().value(), frames.begin()->id);
}

}  // namespace

GST_START_TEST(test_numbers_start_at_zero) {
  check_counts(FrameIdFormat::gige_vision(), {{65400, 0, 0}, {65401, 1, 0}, {65402, 2, 0}});
  check_counts(FrameIdFormat::full_64_bit(), {{7, 0, 0}, {8, 1, 0}, {12, 5, 3}});
}
GST_END_TEST;

// GigE Vision ids go 65534, 65535, 1, 2: 0 is skipped, nothing is lost.
GST_START_TEST(test_gige_wrap) {
  check_counts(FrameIdFormat::gige_vision(), {{65534, 0, 0}, {65535, 1, 0}, {1, 2, 0}, {2, 3, 0}});
}
GST_END_TEST;

GST_START_TEST(test_gige_wrap_with_losses) {
  // 65535, 1 and 2 lost across the wrap.
  check_counts(FrameIdFormat::gige_vision(), {{65533, 0, 0}, {65534, 1, 0}, {3, 5, 3}, {4, 6, 0}});
  // Only the last id before the wrap lost; then the first one after.
  check_counts(FrameIdFormat::gige_vision(), {{65534, 0, 0}, {1, 2, 1}, {3, 4, 1}});
}
GST_END_TEST;

// Many wraps: numbers keep growing past 16 bits.
GST_START_TEST(test_gige_many_wraps) {
  FrameCounter counter(FrameIdFormat::gige_vision());
  std::uint64_t id = 65000;
  for (std::uint64_t n = 0; n < 3 * 65535 + 10; ++n) {
    const FrameCounter::Count count = counter.count(id);
    fail_unless_equals_uint64(count.number, n);
    fail_unless_equals_uint64(count.lost, 0);
    id = id == 65535 ? 1 : id + 1;
  }
}
GST_END_TEST;

// A 16-bit counter that uses 0 (no skip) wraps 65535 -> 0.
GST_START_TEST(test_16_bit_with_zero) { check_counts({16, false}, {{65535, 0, 0}, {0, 1, 0}, {2, 3, 1}}); }
GST_END_TEST;

GST_START_TEST(test_64_bit_ids) {
  const std::uint64_t big = std::uint64_t{1} << 40;
  check_counts(FrameIdFormat::full_64_bit(), {{big, 0, 0}, {big + 1, 1, 0}, {big + 70000, 70000, 69998}});
  // Past 32 and 16 bits: no wrap is assumed.
  check_counts(FrameIdFormat::full_64_bit(), {{65535, 0, 0},
                                              {65536, 1, 0},
                                              {0xffffffff, 0xffffffff - 65535, 0xffffffff - 65536 - 1},
                                              {0x100000000, 0x100000000 - 65535, 0}});
}
GST_END_TEST;

// Ids that cannot be placed (a repeat, a 64-bit id going backwards after a
// camera restart, an id the format never uses) count as the next frame with
// nothing lost, so numbers still only grow.
GST_START_TEST(test_ids_that_cannot_be_placed) {
  check_counts(FrameIdFormat::full_64_bit(), {{100, 0, 0}, {100, 1, 0}, {3, 2, 0}, {4, 3, 0}});
  check_counts(FrameIdFormat::gige_vision(), {{10, 0, 0}, {0, 1, 0}, {70000, 2, 0}, {11, 3, 0}});
}
GST_END_TEST;

static Suite* frame_counter_suite() {
  Suite* s = suite_create("acqsrc_frame_counter");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_numbers_start_at_zero);
  tcase_add_test(tc, test_gige_wrap);
  tcase_add_test(tc, test_gige_wrap_with_losses);
  tcase_add_test(tc, test_gige_many_wraps);
  tcase_add_test(tc, test_16_bit_with_zero);
  tcase_add_test(tc, test_64_bit_ids);
  tcase_add_test(tc, test_ids_that_cannot_be_placed);
  return s;
}

GST_CHECK_MAIN(frame_counter);
