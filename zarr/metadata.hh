// Every metadata document of a Zarr v2 dataset, built from plain data in one
// place and serialised the one way readers accept (non-ASCII escaped).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "zarr/settings.hh"

namespace zarr {

// The array "0" as a .zarray describes it. Dimensions are (t, c, y, x).
struct ArrayMetadata {
  std::array<std::uint64_t, 4> shape{};
  std::array<std::uint64_t, 4> chunks{};
  DataType data_type = DataType::uint8;
  nlohmann::json compressor;  // null, or the codec's v2 object
};

// Path of the full-resolution array inside the group.
inline constexpr const char* array_path = "0";

nlohmann::json zgroup_v2();
// Root .zattrs: OME-NGFF 0.4 multiscales with one dataset, array_path.
nlohmann::json root_attributes_v2(double pixel_size_y_um, double pixel_size_x_um);
nlohmann::json zarray_v2(const ArrayMetadata& array);
// "|u1", "<u2", "<f4", ...: NumPy's type string with byte order.
std::string v2_dtype(DataType type);

// Key of chunk (t, c, y, x) of array_path with the "/" separator.
std::string chunk_key_v2(std::uint64_t t, std::uint32_t c, std::uint32_t y, std::uint32_t x);

// Compact JSON with every non-ASCII character escaped (\uXXXX): zarr-python
// 2.13 decodes metadata as ASCII.
std::string to_text(const nlohmann::json& document);

}  // namespace zarr
