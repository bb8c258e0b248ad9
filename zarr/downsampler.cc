#include "zarr/downsampler.hh"

#include <string>

#include "zarr/error.hh"

#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace zarr {

namespace {

template <typename T>
T load(const std::byte* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

// Rounds sum / count to the nearest integer, ties to even; count is 1, 2 or 4.
std::int64_t divide_half_to_even(std::int64_t sum, std::int64_t count) {
  std::int64_t quotient = sum / count;
  std::int64_t remainder = sum % count;
  if (remainder < 0) {  // floor division for negative sums
    quotient -= 1;
    remainder += count;
  }
  if (2 * remainder > count || (2 * remainder == count && (quotient & 1))) ++quotient;
  return quotient;
}

// The samples of one 2x2 block; `has_right`/`has_below` say which exist.
template <typename T>
struct Block {
  T top_left, top_right, bottom_left, bottom_right;
  bool has_right, has_below;
  int count() const { return (1 + has_right) * (1 + has_below); }
};

template <typename T>
T mean(const Block<T>& b) {
  if constexpr (std::is_floating_point_v<T>) {
    // Missing samples count as 0 in the sum (adding 0 is exact) but not in the count.
    const double top = double(b.top_left) + (b.has_right ? double(b.top_right) : 0.0);
    const double bottom = b.has_below ? double(b.bottom_left) + (b.has_right ? double(b.bottom_right) : 0.0) : 0.0;
    return T((top + bottom) / b.count());
  } else {
    std::int64_t sum = b.top_left;
    if (b.has_right) sum += b.top_right;
    if (b.has_below) sum += b.bottom_left;
    if (b.has_right && b.has_below) sum += b.bottom_right;
    return T(divide_half_to_even(sum, b.count()));
  }
}

template <typename T, typename Pick>
T reduce(const Block<T>& b, Pick pick) {
  T result = b.top_left;
  if (b.has_right) result = pick(result, b.top_right);
  if (b.has_below) result = pick(result, b.bottom_left);
  if (b.has_right && b.has_below) result = pick(result, b.bottom_right);
  return result;
}

template <typename T>
T combine(DownsampleMethod method, const Block<T>& b) {
  switch (method) {
    case DownsampleMethod::mean: return mean(b);
    case DownsampleMethod::decimate: return b.top_left;
    case DownsampleMethod::min: return reduce(b, [](T a, T c) { return c < a ? c : a; });
    case DownsampleMethod::max: return reduce(b, [](T a, T c) { return c > a ? c : a; });
  }
  return b.top_left;
}

// Full 2x2 blocks of one output row, samples contiguous: the hot loop, kept
// free of edge tests and of the method switch so the compiler vectorises it.
template <typename T, DownsampleMethod method>
void full_blocks(const T* top, const T* bottom, T* out, std::uint32_t count) {
  for (std::uint32_t i = 0; i < count; ++i) {
    const T a = top[2 * i], b = top[2 * i + 1], c = bottom[2 * i], d = bottom[2 * i + 1];
    if constexpr (method == DownsampleMethod::decimate) {
      out[i] = a;
    } else if constexpr (method == DownsampleMethod::min) {
      const T ab = b < a ? b : a, cd = d < c ? d : c;
      out[i] = cd < ab ? cd : ab;
    } else if constexpr (method == DownsampleMethod::max) {
      const T ab = b > a ? b : a, cd = d > c ? d : c;
      out[i] = cd > ab ? cd : ab;
    } else if constexpr (std::is_floating_point_v<T>) {
      out[i] = T(((double(a) + double(b)) + (double(c) + double(d))) / 4.0);
    } else {
      // 8- and 16-bit samples: four of them always fit in 32 bits.
      const std::int32_t sum = std::int32_t(a) + b + c + d;
      std::int32_t quotient = sum >> 2;  // floor, also for negative sums
      const std::int32_t remainder = sum & 3;
      quotient += (remainder > 2) | ((remainder == 2) & (quotient & 1));
      out[i] = T(quotient);
    }
  }
}

#if defined(__SSE2__)
// The default case (uint8 mean) sixteen outputs at a time. With q = sum >> 2,
// (sum + 1 + (q & 1)) >> 2 is sum / 4 rounded half to even: remainders 0 and 1
// stay at q, 3 goes up, 2 goes up only when q is odd.
template <>
void full_blocks<std::uint8_t, DownsampleMethod::mean>(const std::uint8_t* top, const std::uint8_t* bottom,
                                                       std::uint8_t* out, std::uint32_t count) {
  const __m128i low_bytes = _mm_set1_epi16(0x00FF), one = _mm_set1_epi16(1);
  // Means of the 2x2 blocks of 16 input columns: eight 16-bit lanes.
  auto block_means = [&](std::uint32_t at) {
    const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(top + at));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bottom + at));
    const __m128i left = _mm_add_epi16(_mm_and_si128(t, low_bytes), _mm_and_si128(b, low_bytes));
    const __m128i right = _mm_add_epi16(_mm_srli_epi16(t, 8), _mm_srli_epi16(b, 8));
    const __m128i sum_plus_one = _mm_add_epi16(_mm_add_epi16(left, right), one);
    // (sum + 1) >> 2 is q, except for remainder 3, which rounds up whatever it adds.
    const __m128i q_odd = _mm_and_si128(_mm_srli_epi16(sum_plus_one, 2), one);
    return _mm_srli_epi16(_mm_add_epi16(sum_plus_one, q_odd), 2);
  };
  std::uint32_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m128i packed = _mm_packus_epi16(block_means(2 * i), block_means(2 * i + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), packed);
  }
  for (; i < count; ++i) {
    const std::int32_t sum = std::int32_t(top[2 * i]) + top[2 * i + 1] + bottom[2 * i] + bottom[2 * i + 1];
    out[i] = std::uint8_t((sum + 1 + ((sum >> 2) & 1)) >> 2);
  }
}
#endif

template <typename T, DownsampleMethod method>
void downsample(const PlaneView& in, std::uint32_t width, std::uint32_t height, std::byte* out) {
  const std::uint32_t out_width = half_extent(width), out_height = half_extent(height);
  const bool contiguous = in.pixel_stride == std::ptrdiff_t(sizeof(T)) &&
                          reinterpret_cast<std::uintptr_t>(in.data) % alignof(T) == 0 &&
                          in.row_stride % std::ptrdiff_t(alignof(T)) == 0;
  T* destination = reinterpret_cast<T*>(out);
  for (std::uint32_t oy = 0; oy < out_height; ++oy) {
    const std::uint32_t y = 2 * oy;
    const bool has_below = y + 1 < height;
    const std::byte* top = in.data + std::ptrdiff_t(y) * in.row_stride;
    const std::byte* bottom = has_below ? top + in.row_stride : top;
    std::uint32_t ox = 0;
    if (contiguous && has_below) {
      ox = width / 2;
      full_blocks<T, method>(reinterpret_cast<const T*>(top), reinterpret_cast<const T*>(bottom),
                             destination + std::size_t(oy) * out_width, ox);
    }
    for (; ox < out_width; ++ox) {  // odd edges, or strided input
      const std::uint32_t x = 2 * ox;
      const bool has_right = x + 1 < width;
      const std::ptrdiff_t left = std::ptrdiff_t(x) * in.pixel_stride;
      const std::ptrdiff_t right = has_right ? left + in.pixel_stride : left;
      const Block<T> block{load<T>(top + left),
                           load<T>(top + right),
                           load<T>(bottom + left),
                           load<T>(bottom + right),
                           has_right,
                           has_below};
      T value = combine(method, block);
      std::memcpy(destination + std::size_t(oy) * out_width + ox, &value, sizeof(T));
    }
  }
}

template <typename T>
void downsample(DownsampleMethod method, const PlaneView& in, std::uint32_t width, std::uint32_t height,
                std::byte* out) {
  switch (method) {
    case DownsampleMethod::mean: return downsample<T, DownsampleMethod::mean>(in, width, height, out);
    case DownsampleMethod::decimate: return downsample<T, DownsampleMethod::decimate>(in, width, height, out);
    case DownsampleMethod::min: return downsample<T, DownsampleMethod::min>(in, width, height, out);
    case DownsampleMethod::max: return downsample<T, DownsampleMethod::max>(in, width, height, out);
  }
}

template <typename T>
void combine_pairs(DownsampleMethod method, const std::byte* first, const std::byte* second, std::byte* out,
                   std::size_t samples) {
  for (std::size_t i = 0; i < samples; ++i) {
    // A pair is a block with its right sample and no row below.
    const Block<T> pair{load<T>(first + i * sizeof(T)), load<T>(second + i * sizeof(T)), T(), T(), true, false};
    const T value = combine(method, pair);
    std::memcpy(out + i * sizeof(T), &value, sizeof(T));
  }
}

}  // namespace

void downsample_plane(DataType type, DownsampleMethod method, const PlaneView& in, std::uint32_t width,
                      std::uint32_t height, std::byte* out) {
  switch (type) {
    case DataType::uint8: return downsample<std::uint8_t>(method, in, width, height, out);
    case DataType::int8: return downsample<std::int8_t>(method, in, width, height, out);
    case DataType::uint16: return downsample<std::uint16_t>(method, in, width, height, out);
    case DataType::int16: return downsample<std::int16_t>(method, in, width, height, out);
    case DataType::float32: return downsample<float>(method, in, width, height, out);
    case DataType::uint64:
    case DataType::int64: break;  // frame-table columns, never images: a mean in double would round them
  }
  throw Error(ErrorCode::invalid_frame, std::string("no downsampling for ") + to_string(type) + " samples");
}

}  // namespace zarr

namespace zarr {

void combine_planes(DataType type, DownsampleMethod method, const std::byte* first, const std::byte* second,
                    std::byte* out, std::size_t samples) {
  switch (type) {
    case DataType::uint8: return combine_pairs<std::uint8_t>(method, first, second, out, samples);
    case DataType::int8: return combine_pairs<std::int8_t>(method, first, second, out, samples);
    case DataType::uint16: return combine_pairs<std::uint16_t>(method, first, second, out, samples);
    case DataType::int16: return combine_pairs<std::int16_t>(method, first, second, out, samples);
    case DataType::float32: return combine_pairs<float>(method, first, second, out, samples);
    case DataType::uint64:
    case DataType::int64: break;
  }
  throw Error(ErrorCode::invalid_setting, std::string("no z downsampling for ") + to_string(type));
}

}  // namespace zarr
