#include "zarr/downsampler.hh"

#include <cstring>
#include <type_traits>

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

template <typename T>
void downsample(DownsampleMethod method, const PlaneView& in, std::uint32_t width, std::uint32_t height,
                std::byte* out) {
  const std::uint32_t out_width = half_extent(width), out_height = half_extent(height);
  T* destination = reinterpret_cast<T*>(out);
  for (std::uint32_t oy = 0; oy < out_height; ++oy) {
    const std::uint32_t y = 2 * oy;
    const bool has_below = y + 1 < height;
    const std::byte* top = in.data + std::ptrdiff_t(y) * in.row_stride;
    const std::byte* bottom = has_below ? top + in.row_stride : top;
    for (std::uint32_t ox = 0; ox < out_width; ++ox) {
      const std::uint32_t x = 2 * ox;
      const bool has_right = x + 1 < width;
      const std::ptrdiff_t left = std::ptrdiff_t(x) * in.pixel_stride;
      const std::ptrdiff_t right = has_right ? left + in.pixel_stride : left;
      const Block<T> block{load<T>(top + left),    load<T>(top + right), load<T>(bottom + left),
                           load<T>(bottom + right), has_right,            has_below};
      T value = combine(method, block);
      std::memcpy(destination + std::size_t(oy) * out_width + ox, &value, sizeof(T));
    }
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
  }
}

}  // namespace zarr
