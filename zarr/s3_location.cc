#include "zarr/s3_location.hh"

#include <algorithm>

#include "zarr/error.hh"

namespace zarr {

namespace {

constexpr std::string_view scheme = "s3://";

[[noreturn]] void reject(const std::string& location, const std::string& why) {
  throw invalid_setting("location", "\"" + location + "\" " + why);
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The bucket naming rules of S3 (and Ceph): 3..63 of [a-z0-9.-], starting and
// ending with a letter or digit, no "..", not an IPv4 address.
void check_bucket(const std::string& location, const std::string& bucket) {
  if (bucket.empty()) reject(location, "names no bucket (expected s3://bucket/path/name.zarr)");
  const std::string rules =
      "bucket names are 3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or "
      "digit";
  if (bucket.size() < 3 || bucket.size() > 63)
    reject(location,
           "has a bucket name \"" + bucket + "\" of " + std::to_string(bucket.size()) + " characters; " + rules);
  for (char c : bucket)
    if (!is_lower_alnum(c) && c != '.' && c != '-')
      reject(location, "has an invalid bucket name \"" + bucket + "\"; " + rules);
  if (!is_lower_alnum(bucket.front()) || !is_lower_alnum(bucket.back()) || bucket.find("..") != std::string::npos)
    reject(location, "has an invalid bucket name \"" + bucket + "\"; " + rules);
  if (std::all_of(bucket.begin(), bucket.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); }))
    reject(location, "has a bucket name \"" + bucket + "\" that looks like an IP address; " + rules);
}

}  // namespace

bool is_s3_location(std::string_view location) { return location.starts_with(scheme); }

S3Location parse_s3_location(const std::string& location) {
  if (!is_s3_location(location)) reject(location, "does not start with s3://");
  const std::string rest = location.substr(scheme.size());
  const auto slash = rest.find('/');
  S3Location parsed;
  parsed.bucket = rest.substr(0, slash);
  check_bucket(location, parsed.bucket);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  // Keys are joined with '/': empty, "." and ".." segments would make keys
  // that readers walking a copied tree cannot find.
  std::size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      reject(location, "has an empty, \".\" or \"..\" path segment");
    start = end + 1;
  }
  if (path.size() > 900) reject(location, "has a path longer than 900 bytes (S3 keys are at most 1024)");
  parsed.prefix = std::move(path);
  return parsed;
}

std::string S3Location::object_key(const std::string& key) const {
  if (prefix.empty()) return key;
  if (key.empty()) return prefix + "/";
  return prefix + "/" + key;
}

std::string S3Location::uri(const std::string& key) const {
  std::string full = object_key(key);
  if (!full.empty() && full.back() == '/') full.pop_back();
  return "s3://" + bucket + (full.empty() ? "" : "/" + full);
}

}  // namespace zarr
