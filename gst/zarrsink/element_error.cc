#include "gst/zarrsink/element_error.hh"

#include <cstring>
#include <regex>
#include <string>

namespace {

// The library names its Settings fields; the user set zarrsink properties.
std::string with_property_names(std::string message) {
  static const std::pair<const char*, const char*> names[] = {
      {"tile_width", "\"tile-width\""},
      {"tile_height", "\"tile-height\""},
      {"tile_planes", "\"tile-planes\""},
      {"max_bytes_per_chunk", "\"max-bytes-per-chunk\""},
      {"compression.compressor", "\"compressor\""},
      {"compression.clevel", "\"clevel\""},
      {"compression.shuffle", "\"shuffle\""},
      {"pixel_size_x_um", "\"pixel-size-x\""},
      {"pixel_size_y_um", "\"pixel-size-y\""},
      {"user_metadata_json", "\"metadata\""},
      {"max_threads", "\"max-threads\""},
      {"zarr_version", "\"zarr-version\""},
      {"chunks_per_shard_t", "\"chunks-per-shard-t\""},
      {"chunks_per_shard_y", "\"chunks-per-shard-y\""},
      {"chunks_per_shard_x", "\"chunks-per-shard-x\""},
      {"downsample_method", "\"downsample-method\""},
  };
  for (const auto& [field, property] : names)
    message = std::regex_replace(message, std::regex(std::string("\\b") + field + "\\b"), property);
  return message;
}

// Developer detail: the path and the system's own words for errno.
std::string debug_detail(const zarr::Error& error) {
  std::string detail;
  if (!error.path().empty()) detail += "path: " + error.path();
  if (error.system_errno() != 0) {
    if (!detail.empty()) detail += "; ";
    detail += "errno " + std::to_string(error.system_errno()) + ": " + std::strerror(error.system_errno());
  }
  return detail.empty() ? std::string("zarr library error") : detail;
}

}  // namespace

void post_zarr_error(GstElement* element, const zarr::Error& error) {
  const std::string detail = debug_detail(error);
  const char* message = error.what();
  switch (error.code()) {
    case zarr::ErrorCode::invalid_setting:
      GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS, ("%s", with_property_names(message).c_str()),
                        ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::already_exists:
    case zarr::ErrorCode::open_failed:
      GST_ELEMENT_ERROR(element, RESOURCE, OPEN_WRITE, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::write_failed:
      GST_ELEMENT_ERROR(element, RESOURCE, WRITE, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::no_space:
      GST_ELEMENT_ERROR(element, RESOURCE, NO_SPACE_LEFT, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::invalid_frame:
      GST_ELEMENT_ERROR(element, STREAM, FORMAT, ("%s", message), ("%s", detail.c_str()));
      break;
  }
}

void post_out_of_memory(GstElement* element) {
  GST_ELEMENT_ERROR(element, RESOURCE, FAILED,
                    ("Not enough memory for a row of chunks: lower \"tile-planes\" (or \"max-bytes-per-chunk\"), "
                     "\"tile-width\", \"tile-height\" or \"chunks-per-shard-t/-y/-x\"."),
                    ("std::bad_alloc"));
}
