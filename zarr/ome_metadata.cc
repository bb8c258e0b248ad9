#include "zarr/ome_metadata.hh"

#include "zarr/metadata.hh"

namespace zarr {

using nlohmann::json;

OmeImage ome_image(const Settings& settings, std::vector<Level> levels) {
  OmeImage image;
  image.levels = std::move(levels);
  image.pixel_size_y_um = settings.pixel_size_y_um;
  image.pixel_size_x_um = settings.pixel_size_x_um;
  image.frame_interval_s = settings.frame_interval_s;
  image.method = settings.downsample_method;
  return image;
}

namespace {

const char* method_description(DownsampleMethod method) {
  switch (method) {
    case DownsampleMethod::mean:
      return "2x2 block mean in y and x (integers rounded half to even, float32 averaged in double); "
             "odd edges average the samples that exist";
    case DownsampleMethod::decimate: return "top-left sample of each 2x2 block in y and x";
    case DownsampleMethod::min: return "minimum of each 2x2 block in y and x (odd edges: of the samples that exist)";
    case DownsampleMethod::max: return "maximum of each 2x2 block in y and x (odd edges: of the samples that exist)";
  }
  return "";
}

}  // namespace

json ome_multiscale(const OmeImage& image) {
  json time_axis = {{"name", "t"}, {"type", "time"}};
  if (image.frame_interval_s > 0) time_axis["unit"] = "second";
  const json axes = json::array({
      time_axis,
      {{"name", "c"}, {"type", "channel"}},
      {{"name", "y"}, {"type", "space"}, {"unit", "micrometer"}},
      {{"name", "x"}, {"type", "space"}, {"unit", "micrometer"}},
  });
  const double time_scale = image.frame_interval_s > 0 ? image.frame_interval_s : 1.0;
  const Level& full = image.levels.front();
  json datasets = json::array();
  for (std::size_t k = 0; k < image.levels.size(); ++k) {
    const Level& level = image.levels[k];
    const double factor_y = double(full.height) / level.height;
    const double factor_x = double(full.width) / level.width;
    const json scale = {
        {"type", "scale"},
        {"scale", {time_scale, 1.0, image.pixel_size_y_um * factor_y, image.pixel_size_x_um * factor_x}}};
    datasets.push_back({{"path", level_path(k)}, {"coordinateTransformations", json::array({scale})}});
  }
  json multiscale = {{"name", "0"}, {"axes", axes}, {"datasets", datasets}};
  if (image.levels.size() > 1) {
    multiscale["type"] = to_string(image.method);
    multiscale["metadata"] = {{"method", std::string("zarr::downsample_plane ") + to_string(image.method)},
                              {"description", method_description(image.method)}};
  }
  if (!image.evenly_spaced)
    multiscale["metadata"]["time"] =
        "frames were lost and the stored frames are not evenly spaced: the t scale is the camera's frame interval, "
        "not the time between stored frames. Each frame's number and time: the \"acquisition\" attributes of "
        "array 0 (lost_runs) and, when recorded, the frame table in the group \"frames\"";
  return multiscale;
}

json ome_attributes_v04(const OmeImage& image) {
  json multiscale = ome_multiscale(image);
  multiscale["version"] = "0.4";
  return {{"multiscales", json::array({multiscale})}};
}

json ome_attributes_v05(const OmeImage& image) {
  return {{"ome", {{"version", "0.5"}, {"multiscales", json::array({ome_multiscale(image)})}}}};
}

}  // namespace zarr
