#include "zarr/metadata.hh"

namespace zarr {

nlohmann::json zgroup_v2() { return {{"zarr_format", 2}}; }

nlohmann::json root_attributes_v2(double pixel_size_y_um, double pixel_size_x_um) {
  using nlohmann::json;
  const json axes = json::array({
      {{"name", "t"}, {"type", "time"}},
      {{"name", "c"}, {"type", "channel"}},
      {{"name", "y"}, {"type", "space"}, {"unit", "micrometer"}},
      {{"name", "x"}, {"type", "space"}, {"unit", "micrometer"}},
  });
  const json scale = {{"type", "scale"}, {"scale", {1.0, 1.0, pixel_size_y_um, pixel_size_x_um}}};
  const json dataset = {{"path", array_path}, {"coordinateTransformations", json::array({scale})}};
  const json multiscale = {{"version", "0.4"}, {"name", "0"}, {"axes", axes}, {"datasets", json::array({dataset})}};
  return {{"multiscales", json::array({multiscale})}};
}

std::string v2_dtype(DataType type) {
  switch (type) {
    case DataType::uint8: return "|u1";
    case DataType::int8: return "|i1";
    case DataType::uint16: return "<u2";
    case DataType::int16: return "<i2";
    case DataType::float32: return "<f4";
  }
  return "";
}

nlohmann::json zarray_v2(const ArrayMetadata& array) {
  return {
      {"zarr_format", 2},
      {"shape", array.shape},
      {"chunks", array.chunks},
      {"dtype", v2_dtype(array.data_type)},
      {"compressor", array.compressor},
      {"fill_value", 0},
      {"order", "C"},
      {"filters", nullptr},
      {"dimension_separator", "/"},
  };
}

std::string chunk_key_v2(std::uint64_t t, std::uint32_t c, std::uint32_t y, std::uint32_t x) {
  std::string key = array_path;
  for (std::uint64_t index : {t, std::uint64_t(c), std::uint64_t(y), std::uint64_t(x)}) {
    key += '/';
    key += std::to_string(index);
  }
  return key;
}

std::string to_text(const nlohmann::json& document) { return document.dump(-1, ' ', true); }

}  // namespace zarr
