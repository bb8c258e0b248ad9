// "s3://bucket/path/to/name.zarr": which bucket, and the key prefix under
// which the dataset's objects live.
#pragma once

#include <string>
#include <string_view>

namespace zarr {

struct S3Location {
  std::string bucket;
  std::string prefix;  // "" (the bucket's root) or "path/to/name.zarr", no leading or trailing '/'

  // The full object key of a dataset key ("0/.zarray" -> "path/to/name.zarr/0/.zarray").
  std::string object_key(const std::string& key) const;
  // For messages: "s3://bucket/object_key(key)".
  std::string uri(const std::string& key) const;
};

bool is_s3_location(std::string_view location);

// Throws zarr::Error(invalid_setting) naming the setting "location" when the
// bucket name or the path is not one S3 accepts.
S3Location parse_s3_location(const std::string& location);

}  // namespace zarr
