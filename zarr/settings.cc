#include "zarr/settings.hh"

namespace zarr {

std::size_t sample_size(DataType type) {
  switch (type) {
    case DataType::uint8:
    case DataType::int8:
      return 1;
    case DataType::uint16:
    case DataType::int16:
      return 2;
    case DataType::float32:
      return 4;
  }
  return 0;  // unreachable: every enumerator is handled above
}

}  // namespace zarr
