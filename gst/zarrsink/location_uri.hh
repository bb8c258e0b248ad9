// The `location` and `uri` values of zarrsink and the URIs it hands back:
// a path, a file:// URI (made a path here) or an s3:// URL (kept as it is,
// the library reads it). Only GLib: the rules, not the element.
#pragma once

#include <glib.h>

#include <string>

// What a value set on `location` or `uri` names. With a refusal, `location`
// is the text as given (the property reads it back) and `refusal` says why
// it cannot be recorded to, for an invalid-setting error at start.
struct LocationValue {
  std::string location;  // a filesystem path, "s3://bucket/path", or "" (none)
  std::string refusal;
};

// `location`: a path as it is, or a file:// or s3:// URI. Any other
// "scheme://" and malformed or non-local file URIs are refused.
LocationValue location_from_value(const char* value);

// `uri` and GstURIHandler::set_uri: a file:// or s3:// URI only; "file://"
// alone clears the location (applications probe with it, as with filesink).
LocationValue location_from_uri(const char* uri);

// The URI of a location: file:///abs/path (a relative path resolved against
// the current directory), s3://... as it is; nullptr for none. g_free it.
gchar* uri_of_location(const std::string& location);
