// Percent-encoding of object keys and query values for S3 request URLs, as
// SigV4 wants them: every byte outside A-Za-z0-9-_.~ becomes %XX (uppercase
// hex), '/' kept in paths. libcurl signs the URL as written, so the URL must
// already be in this canonical form.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zarr {

std::string s3_encode(std::string_view bytes, bool keep_slash);

// "a=1&b=2" from name/value pairs, sorted by name, values encoded, every
// name written with '=' (also for empty values: "uploads=").
std::string s3_query(std::vector<std::pair<std::string, std::string>> parameters);

}  // namespace zarr
