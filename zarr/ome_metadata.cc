#include "zarr/ome_metadata.hh"

#include "zarr/metadata.hh"

namespace zarr {

using nlohmann::json;

OmeImage ome_image(const Settings& settings, std::vector<ImageAxes> levels) {
  OmeImage image;
  image.levels = std::move(levels);
  image.frame_interval_s = settings.frame_interval_s;
  image.downsample_z = settings.downsample_z;
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

const char* z_method_description(DownsampleMethod method) {
  switch (method) {
    case DownsampleMethod::mean:
      return "mean of each pair of z planes (2z, 2z+1) of the level above, rounded half to even; an odd last plane "
             "is kept as it is";
    case DownsampleMethod::decimate: return "the even z planes (2z) of the level above";
    case DownsampleMethod::min: return "minimum of each pair of z planes of the level above (an odd last plane kept)";
    case DownsampleMethod::max: return "maximum of each pair of z planes of the level above (an odd last plane kept)";
  }
  return "";
}

}  // namespace

json ome_multiscale(const OmeImage& image) {
  json axes = json::array();
  for (const Axis& axis : image.levels.front().axes) {
    json entry = {{"name", axis.name}};
    // A custom axis names its type "other": an axis without a type would
    // count as space in the OME-NGFF schemas (at most 3 space axes).
    entry["type"] = to_string(axis.kind);
    if (axis.kind == DimensionKind::space) entry["unit"] = "micrometer";
    if (axis.kind == DimensionKind::time && image.frame_interval_s > 0) entry["unit"] = "second";
    axes.push_back(entry);
  }
  json datasets = json::array();
  for (std::size_t k = 0; k < image.levels.size(); ++k) {
    json factors = json::array();
    for (const Axis& axis : image.levels[k].axes) factors.push_back(axis.scale);
    const json scale = {{"type", "scale"}, {"scale", factors}};
    datasets.push_back({{"path", level_path(k)}, {"coordinateTransformations", json::array({scale})}});
  }
  json multiscale = {{"name", "0"}, {"axes", axes}, {"datasets", datasets}};
  if (image.levels.size() > 1) {
    multiscale["type"] = to_string(image.method);
    std::string description = method_description(image.method);
    if (image.downsample_z && z_axis(image.levels.front()) != ImageAxes::none)
      description += std::string("; then z: ") + z_method_description(image.method);
    multiscale["metadata"] = {{"method", std::string("zarr::downsample_plane ") + to_string(image.method)},
                              {"description", description}};
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
