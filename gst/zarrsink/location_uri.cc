#include "gst/zarrsink/location_uri.hh"

#include <gst/gst.h>

#include <cstring>
#include <memory>
#include <string>

namespace {

constexpr const char* accepted_forms = "give a directory, file:///absolute/path or s3://bucket/path";

LocationValue refuse(const char* value, const std::string& why) {
  return {value, "\"" + std::string(value) + "\" " + why + "; " + accepted_forms};
}

// The lowercase scheme of "scheme:...", or "" when the value has none (a path).
std::string scheme_of(const char* value) {
  const char* scheme = g_uri_peek_scheme(value);
  return scheme ? scheme : "";
}

// "scheme://...": a URI with an authority (a host, a bucket) after the scheme.
bool has_authority(const char* value, const std::string& scheme) {
  return !scheme.empty() && std::strncmp(value + scheme.size(), "://", 3) == 0;
}

// file:///path and file://localhost/path, percent-decoded by GLib; a file
// on another host cannot be written from here, so it is refused rather than
// recorded to the same path on this machine.
LocationValue from_file_uri(const char* uri) {
  if (g_ascii_strcasecmp(uri, "file://") == 0) return {};
  GError* error = nullptr;
  gchar* host = nullptr;
  std::unique_ptr<gchar, decltype(&g_free)> path(g_filename_from_uri(uri, &host, &error), g_free);
  std::unique_ptr<gchar, decltype(&g_free)> host_owner(host, g_free);
  if (!path) {
    const std::string why = std::string("is not a valid file URI (") + error->message + ")";
    g_error_free(error);
    return refuse(uri, why);
  }
  if (host && g_ascii_strcasecmp(host, "localhost") != 0)
    return refuse(uri, std::string("names the host \"") + host +
                           "\": zarrsink writes on this machine only (file:///path or file://localhost/path)");
  return {path.get(), ""};
}

// s3://bucket/path stays as it is (the library checks the bucket and the
// path at start); only the scheme's case is made the library's.
LocationValue from_s3_uri(const char* uri) { return {std::string("s3") + (uri + 2), ""}; }

}  // namespace

LocationValue location_from_value(const char* value) {
  if (!value || !*value) return {};
  const std::string scheme = scheme_of(value);
  if (scheme == "file") return from_file_uri(value);
  // "name:with:colons" is a path; "scheme://" is a URI meant for someone else.
  if (!has_authority(value, scheme)) return {value, ""};
  if (scheme == "s3") return from_s3_uri(value);
  return refuse(value, "is a " + scheme + ":// URI; zarrsink records to local paths and S3 only");
}

LocationValue location_from_uri(const char* uri) {
  if (!uri || !*uri) return {};
  const std::string scheme = scheme_of(uri);
  if (scheme == "file") return from_file_uri(uri);
  if (scheme == "s3" && has_authority(uri, scheme)) return from_s3_uri(uri);
  if (scheme.empty()) return refuse(uri, "is not a URI (\"location\" takes paths)");
  return refuse(uri, "is not a file:// or s3:// URI; zarrsink records to local paths and S3 only");
}

gchar* uri_of_location(const std::string& location) {
  if (location.empty()) return nullptr;
  if (location.starts_with("s3://")) return g_strdup(location.c_str());
  // GStreamer's own rule (as filesink answers): relative paths against the
  // current directory, "." and ".." segments removed.
  return gst_filename_to_uri(location.c_str(), nullptr);
}
