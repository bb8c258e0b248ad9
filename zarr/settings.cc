#include "zarr/settings.hh"

#include <blosc.h>

#include <cmath>
#include <utility>
#include <nlohmann/json.hpp>

#include "zarr/chunk_grid.hh"
#include "zarr/codec_registry.hh"
#include "zarr/error.hh"
#include "zarr/s3_location.hh"

namespace zarr {

std::size_t sample_size(DataType type) {
  switch (type) {
    case DataType::uint8:
    case DataType::int8:
      return 1;
    case DataType::uint16:
    case DataType::int16:
      return 2;
    case DataType::float32:
      return 4;
  }
  return 0;  // unreachable: every enumerator is handled above
}

const char* to_string(DataType type) {
  switch (type) {
    case DataType::uint8: return "uint8";
    case DataType::int8: return "int8";
    case DataType::uint16: return "uint16";
    case DataType::int16: return "int16";
    case DataType::float32: return "float32";
  }
  return "unknown";
}

const char* to_string(Shuffle shuffle) {
  switch (shuffle) {
    case Shuffle::none: return "none";
    case Shuffle::byte: return "byte";
    case Shuffle::bit: return "bit";
  }
  return "unknown";
}

const char* to_string(DownsampleMethod method) {
  switch (method) {
    case DownsampleMethod::mean: return "mean";
    case DownsampleMethod::decimate: return "decimate";
    case DownsampleMethod::min: return "min";
    case DownsampleMethod::max: return "max";
  }
  return "unknown";
}

namespace {

[[noreturn]] void reject(const std::string& setting, const std::string& why) {
  throw Error(ErrorCode::invalid_setting, "invalid setting " + setting + ": " + why);
}

void check_extent(const char* name, std::uint32_t value, std::uint32_t max) {
  if (value == 0 || value > max)
    reject(name, std::to_string(value) + " is not within 1.." + std::to_string(max));
}

void check_pixel_size(const char* name, double value) {
  if (!std::isfinite(value) || value <= 0) reject(name, "must be a positive number of micrometers");
}

void check_s3(const S3Options& s3) {
  if (!s3.endpoint.empty()) {
    const bool http = s3.endpoint.starts_with("http://"), https = s3.endpoint.starts_with("https://");
    if (!http && !https) reject("s3.endpoint", "\"" + s3.endpoint + "\" is not an http:// or https:// URL");
    const std::string host = s3.endpoint.substr(http ? 7 : 8);
    if (host.empty() || host[0] == '/' || host.find_first_of("?# ") != std::string::npos)
      reject("s3.endpoint", "\"" + s3.endpoint + "\" has no host, or has a query, fragment or space");
  }
  if (s3.region.empty()) reject("s3.region", "is empty (AWS's default is us-east-1)");
  for (char c : s3.region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      reject("s3.region", "\"" + s3.region + "\" is not a region name (lowercase letters, digits and '-')");
  if (s3.multipart_threshold < min_multipart_part)
    reject("s3.multipart_threshold", std::to_string(s3.multipart_threshold) + " bytes is less than " +
                                         std::to_string(min_multipart_part) + " (5 MiB), S3's smallest part");
}

}  // namespace

void validate(const Settings& s) {
  if (s.location.empty()) reject("location", "is empty");
  if (is_s3_location(s.location)) {
    parse_s3_location(s.location);  // throws, naming the setting location
    check_s3(s.s3);
  }
  check_extent("width", s.width, max_frame_extent);
  check_extent("height", s.height, max_frame_extent);
  check_extent("channels", s.channels, max_channels);
  if (sample_size(s.data_type) == 0) reject("data_type", "unknown data type");
  if (s.tile_planes == 0 && s.max_bytes_per_chunk == 0)
    reject("max_bytes_per_chunk", "is 0 while tile_planes is 0 (derive the plane count from it), so no chunk size follows");

  const ChunkShape chunk = derive_chunk_shape(s);
  const std::uint64_t chunk_bytes =
      std::uint64_t(chunk.planes) * chunk.height * chunk.width * sample_size(s.data_type);
  if (chunk_bytes > std::uint64_t(BLOSC_MAX_BUFFERSIZE))
    reject(s.tile_planes ? "tile_planes" : "max_bytes_per_chunk",
           "gives chunks of " + std::to_string(chunk_bytes) + " bytes, more than the limit of " +
               std::to_string(BLOSC_MAX_BUFFERSIZE) + " bytes");

  check_compression(s.compression);

  check_pixel_size("pixel_size_x_um", s.pixel_size_x_um);
  check_pixel_size("pixel_size_y_um", s.pixel_size_y_um);

  if (!s.user_metadata_json.empty()) {
    nlohmann::json parsed;
    try {
      const auto refuse_deep = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > max_metadata_depth)
          reject("user_metadata_json", "is nested more than " + std::to_string(max_metadata_depth) + " levels deep");
        return true;
      };
      parsed = nlohmann::json::parse(s.user_metadata_json, refuse_deep);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
      reject("user_metadata_json", std::string("is not valid JSON (") + e.what() + ")");
    }
    if (!parsed.is_object()) reject("user_metadata_json", std::string("must be a JSON object, not ") + parsed.type_name());
  }

  if (s.zarr_version != 2 && s.zarr_version != 3)
    reject("zarr_version", std::to_string(s.zarr_version) + " is neither 2 nor 3");
  const std::pair<const char*, std::uint32_t> shard_counts[] = {
      {"chunks_per_shard_t", s.chunks_per_shard_t},
      {"chunks_per_shard_y", s.chunks_per_shard_y},
      {"chunks_per_shard_x", s.chunks_per_shard_x}};
  for (const auto& [name, count] : shard_counts) {
    if (count == 0) reject(name, "is 0; use 1 for no sharding along this dimension");
    if (count > 1 && s.zarr_version != 3)
      reject(name, "is " + std::to_string(count) + " but sharding needs zarr_version 3 (it is " +
                       std::to_string(s.zarr_version) + ")");
  }
  const std::uint64_t per_shard =
      std::uint64_t(s.chunks_per_shard_t) * s.chunks_per_shard_y * s.chunks_per_shard_x;
  if (per_shard > max_chunks_per_shard)
    reject("chunks_per_shard_t", "with chunks_per_shard_y and chunks_per_shard_x gives " + std::to_string(per_shard) +
                                     " chunks per shard, more than " + std::to_string(max_chunks_per_shard));
  // A shard row holds planes * chunks_per_shard_t frames, counted in 32 bits.
  const std::uint64_t shard_planes = std::uint64_t(chunk.planes) * s.chunks_per_shard_t;
  if (shard_planes > UINT32_MAX)
    reject("chunks_per_shard_t", "times " + std::to_string(chunk.planes) + " frames per chunk gives " +
                                     std::to_string(shard_planes) + " frames per shard, more than " +
                                     std::to_string(UINT32_MAX));
  switch (s.downsample_method) {
    case DownsampleMethod::mean:
    case DownsampleMethod::decimate:
    case DownsampleMethod::min:
    case DownsampleMethod::max:
      break;
    default:
      reject("downsample_method", "unknown method");
  }
  if (!std::isfinite(s.frame_interval_s) || s.frame_interval_s < 0)
    reject("frame_interval_s", "must be 0 (unknown) or a positive number of seconds");

  if (s.max_threads > 1024) reject("max_threads", std::to_string(s.max_threads) + " is more than 1024");
  if (s.rows_in_flight == 0 || s.rows_in_flight > max_rows_in_flight)
    reject("rows_in_flight", std::to_string(s.rows_in_flight) + " is not within 1.." + std::to_string(max_rows_in_flight));
}

}  // namespace zarr
