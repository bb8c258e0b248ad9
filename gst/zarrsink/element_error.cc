#include "gst/zarrsink/element_error.hh"

#include <cstring>
#include <string>

namespace {

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
      // The library names settings by their property names: nothing to translate.
      GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS, ("%s", message),
                        ("setting %s; %s", error.setting().c_str(), detail.c_str()));
      break;
    case zarr::ErrorCode::already_exists:
    case zarr::ErrorCode::open_failed:
      GST_ELEMENT_ERROR(element, RESOURCE, OPEN_WRITE, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::cancelled:
    case zarr::ErrorCode::write_failed:
      GST_ELEMENT_ERROR(element, RESOURCE, WRITE, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::busy:
      GST_ELEMENT_ERROR(element, RESOURCE, BUSY, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::no_space:
      GST_ELEMENT_ERROR(element, RESOURCE, NO_SPACE_LEFT, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::invalid_frame:
      GST_ELEMENT_ERROR(element, STREAM, FORMAT, ("%s", message), ("%s", detail.c_str()));
      break;
    case zarr::ErrorCode::insufficient_memory:
      GST_ELEMENT_ERROR(element, RESOURCE, FAILED, ("%s", message), ("%s", detail.c_str()));
      break;
  }
}

void post_out_of_memory(GstElement* element) {
  GST_ELEMENT_ERROR(element, RESOURCE, FAILED,
                    ("Not enough memory for a row of chunks: lower \"tile-planes\" (or \"max-bytes-per-chunk\"), "
                     "\"tile-width\", \"tile-height\" or \"chunks-per-shard-t/-y/-x\"."),
                    ("std::bad_alloc"));
}
