#include "zarr/settings.hh"

#include <blosc.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <cmath>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "zarr/codec_registry.hh"
#include "zarr/dataset_lock.hh"
#include "zarr/error.hh"
#include "zarr/frame_record.hh"
#include "zarr/location.hh"
#include "zarr/memory_budget.hh"
#include "zarr/s3_credentials.hh"
#include "zarr/s3_location.hh"
#include "zarr/setting_table.hh"

namespace zarr {

std::size_t sample_size(DataType type) {
  switch (type) {
    case DataType::uint8:
    case DataType::int8: return 1;
    case DataType::uint16:
    case DataType::int16: return 2;
    case DataType::float32: return 4;
    case DataType::uint64:
    case DataType::int64: return 8;
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
    case DataType::uint64: return "uint64";
    case DataType::int64: return "int64";
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

const char* to_string(GapPolicy policy) {
  switch (policy) {
    case GapPolicy::record: return "record";
    case GapPolicy::fill: return "fill";
    case GapPolicy::automatic: return "auto";
  }
  return "unknown";
}

GapPolicy effective_gap_policy(GapPolicy policy, std::uint64_t frames_per_step) {
  if (policy != GapPolicy::automatic) return policy;
  return frames_per_step > 1 ? GapPolicy::fill : GapPolicy::record;
}

namespace {

[[noreturn]] void reject(const std::string& setting, const std::string& why) { throw invalid_setting(setting, why); }

void check_extent(const char* name, std::uint32_t value, std::uint32_t max) {
  if (value == 0 || value > max) reject(name, std::to_string(value) + " is not within 1.." + std::to_string(max));
}

// The bounds of every number in the setting table.
void check_table_bounds(const Settings& settings) {
  Settings& s = const_cast<Settings&>(settings);  // the table's members are only read here
  for (const SettingSpec& spec : setting_table()) {
    std::visit(
        [&](const auto& kind) {
          using Kind = std::decay_t<decltype(kind)>;
          if constexpr (std::is_same_v<Kind, NumberSetting<double>>) {
            const double value = kind.member(s);
            if (!std::isfinite(value) || value < kind.minimum || value > kind.maximum)
              reject(spec.name, std::to_string(value) + " is not a number within " + std::to_string(kind.minimum) +
                                    ".." + std::to_string(kind.maximum));
          } else if constexpr (std::is_same_v<Kind, NumberSetting<std::uint32_t>> ||
                               std::is_same_v<Kind, NumberSetting<std::uint64_t>> ||
                               std::is_same_v<Kind, NumberSetting<int>>) {
            const auto value = kind.member(s);
            if (value < kind.minimum || value > kind.maximum)
              reject(spec.name, std::to_string(value) + " is not within " + std::to_string(kind.minimum) + ".." +
                                    std::to_string(kind.maximum));
          } else if constexpr (std::is_same_v<Kind, ChoiceSetting>) {
            const int value = kind.get(settings);
            if (value < 0 || std::size_t(value) >= kind.choices().size())
              reject(spec.name, std::to_string(value) + " is not one of its " + std::to_string(kind.choices().size()) +
                                    " choices");
          }
        },
        spec.kind);
  }
}

void check_s3(const S3Options& s3) {
  if (!s3.endpoint.empty()) {
    const bool http = s3.endpoint.starts_with("http://"), https = s3.endpoint.starts_with("https://");
    if (!http && !https) reject("s3-endpoint", "\"" + s3.endpoint + "\" is not an http:// or https:// URL");
    const std::string host = s3.endpoint.substr(http ? 7 : 8);
    if (host.empty() || host[0] == '/' || host.find_first_of("?# ") != std::string::npos)
      reject("s3-endpoint", "\"" + s3.endpoint + "\" has no host, or has a query, fragment or space");
  }
  for (char c : s3.region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      reject("s3-region", "\"" + s3.region + "\" is not a region name (lowercase letters, digits and '-')");
}

nlohmann::json parse_user_metadata(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json parsed;
  try {
    const auto refuse_deep = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > max_metadata_depth)
        reject("metadata", "is nested more than " + std::to_string(max_metadata_depth) + " levels deep");
      return true;
    };
    parsed = nlohmann::json::parse(text, refuse_deep);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    reject("metadata", std::string("is not valid JSON (") + e.what() + ")");
  }
  if (!parsed.is_object()) reject("metadata", std::string("must be a JSON object, not ") + parsed.type_name());
  if (parsed.contains(acquisition_key))
    reject("metadata", std::string("may not hold the key \"") + acquisition_key +
                           "\": the array's attributes keep the frame record there");
  return parsed;
}

// Chunk depths that exceed the codec's buffer limit whatever the frame size,
// refused before any frame size is known. Found at start, the error ends the
// state change itself; found at the first caps it comes from the streaming
// thread while the pipeline prerolls, and gst-launch-1.0 1.22 hangs whenever
// such an error is posted before its main loop runs (it quits a loop that is
// not running yet, and the bin then never completes the change to PAUSED).
void check_chunk_limit_at_any_size(const Settings& s) {
  const std::uint64_t limit = BLOSC_MAX_BUFFERSIZE;
  // A chunk holds at least one byte per frame.
  if (s.tile_planes > limit)
    reject("tile-planes", std::to_string(s.tile_planes) + " frames per chunk give chunks of more than the limit of " +
                              std::to_string(limit) + " bytes at any frame size");
  // derive_chunk_shape fills a chunk with whole frames: more than half of
  // max-bytes-per-chunk, or 2^32 - 1 frames, or one frame larger than it.
  if (s.tile_planes == 0 && s.max_bytes_per_chunk / 2 >= limit)
    reject("max-bytes-per-chunk", std::to_string(s.max_bytes_per_chunk) +
                                      " gives chunks of more than half of it, over the limit of " +
                                      std::to_string(limit) + " bytes at any frame size");
}

// 1e+308 rather than std::to_string's 309 digits.
std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// The OME scale of a pyramid level is the pixel size times the level's
// factor, at most the frame extent (levels are at least one pixel): refused
// at start when that product is not finite, since JSON would write it as null.
void check_pyramid_scales(const Settings& s) {
  if (!s.multiscale) return;
  const std::pair<const char*, double> sizes[] = {{"pixel-size-y", s.pixel_size_y_um},
                                                  {"pixel-size-x", s.pixel_size_x_um},
                                                  {"pixel-size-z", s.pixel_size_z_um}};
  for (const auto& [name, size] : sizes)
    if (!std::isfinite(size * max_frame_extent))
      reject(name, short_number(size) + " um times a pyramid level's factor (up to " +
                       std::to_string(max_frame_extent) + ") is not a finite number; use a pixel size below " +
                       short_number(DBL_MAX / max_frame_extent) + " um or multiscale=false");
}

// Everything but the frame geometry and the location's contents.
nlohmann::json check_without_geometry(const Settings& s) {
  if (s.location.empty())
    reject("location", "is empty: give a directory, or an s3://bucket/path URL, for the Zarr dataset");
  if (is_s3_location(s.location)) {
    parse_s3_location(s.location);  // throws, naming the setting location
    check_s3(s.s3);
  }
  check_compression(s.compression);  // before the bounds: it names the codec's own level range
  check_table_bounds(s);
  if (s.tile_planes == 0 && s.max_bytes_per_chunk == 0)
    reject("max-bytes-per-chunk", "is 0 while \"tile-planes\" is 0: set one of them so the chunk depth can be known");
  check_chunk_limit_at_any_size(s);

  const std::pair<const char*, std::uint32_t> shard_counts[] = {{"chunks-per-shard-t", s.chunks_per_shard_t},
                                                                {"chunks-per-shard-y", s.chunks_per_shard_y},
                                                                {"chunks-per-shard-x", s.chunks_per_shard_x}};
  for (const auto& [name, count] : shard_counts)
    if (count > 1 && s.zarr_version != 3)
      reject(name, "is " + std::to_string(count) + ", but sharding needs Zarr v3: set \"zarr-version\" to 3, or " +
                       name + " to 1");
  const std::uint64_t per_shard = std::uint64_t(s.chunks_per_shard_t) * s.chunks_per_shard_y * s.chunks_per_shard_x;
  if (per_shard > max_chunks_per_shard)
    reject("chunks-per-shard-t", "with \"chunks-per-shard-y\" and \"chunks-per-shard-x\" gives " +
                                     std::to_string(per_shard) + " chunks per shard, more than " +
                                     std::to_string(max_chunks_per_shard));
  check_dimensions(s);  // after the shard settings: an error names the setting the user gave
  if (!std::isfinite(s.frame_interval_s) || s.frame_interval_s < 0)
    reject("frame-interval", "must be 0 (unknown) or a positive number of seconds");
  check_pyramid_scales(s);
  if (s.rows_in_flight == 0 || s.rows_in_flight > max_rows_in_flight)
    reject("rows-in-flight",
           std::to_string(s.rows_in_flight) + " is not within 1.." + std::to_string(max_rows_in_flight));
  return parse_user_metadata(s.user_metadata_json);
}

}  // namespace

void check_settings(const Settings& settings) {
  check_without_geometry(settings);
  check_location(settings);
  // Another writer, or a lock file that cannot be made, is known before
  // any frame too: a trial lock, released at once (the Writer takes it again).
  if (!is_s3_location(settings.location)) DatasetLock trial(settings.location);
  // Missing credentials are known before any frame: say so at start, not
  // from the streaming thread during preroll (where gst-launch 1.22 can miss
  // an error posted before its main loop runs, and hang).
  if (is_s3_location(settings.location)) find_s3_credentials();
}

CheckedSettings validate(const Settings& s) {
  CheckedSettings checked;
  checked.user_attributes = check_without_geometry(s);
  check_extent("width", s.width, max_frame_extent);
  check_extent("height", s.height, max_frame_extent);
  check_extent("channels", s.channels, max_channels);
  if (sample_size(s.data_type) == 0) reject("data-type", "unknown data type");

  checked.axes = image_axes(s);
  const std::uint64_t chunk_bytes = checked.axes.chunk_bytes();
  if (chunk_bytes > std::uint64_t(BLOSC_MAX_BUFFERSIZE)) {
    const std::vector<Dimension> dims = parse_dimensions(s.dimensions);
    const bool chunks_given = std::any_of(dims.begin(), dims.end(), [](const Dimension& d) { return d.chunk > 0; });
    reject(s.tile_planes ? "tile-planes" : chunks_given ? "dimensions" : "max-bytes-per-chunk",
           "gives chunks of " + short_number(double(chunk_bytes)) + " bytes (" +
               short_number(double(checked.axes.planes_per_chunk())) + " planes of " +
               std::to_string(checked.axes.y().chunk) + "x" + std::to_string(checked.axes.x().chunk) +
               "), more than the limit of " + std::to_string(BLOSC_MAX_BUFFERSIZE) +
               " bytes; lower it, or the chunks given in \"dimensions\"");
  }
  // Rows are counted in 64 bits: a row larger than any memory is refused
  // here (the memory admission refuses the rest).
  const std::uint64_t row_bytes = checked.axes.row_bytes();
  if (row_bytes > (1ull << 60))
    reject("dimensions", "a row of chunks along \"" + checked.axes.axes[checked.axes.append].name + "\" would hold " +
                             short_number(double(row_bytes)) + " bytes");
  return checked;
}

std::vector<SettingNotice> setting_notices(const Settings& s) {
  std::vector<SettingNotice> notices;
  const std::tuple<const char*, std::uint32_t, std::uint32_t> tiles[] = {{"tile-width", s.tile_width, s.width},
                                                                         {"tile-height", s.tile_height, s.height}};
  for (const auto& [name, tile, extent] : tiles)
    if (tile > extent)
      notices.push_back({name, "\"" + std::string(name) + "\" (" + std::to_string(tile) +
                                   ") is larger than the frame (" + std::to_string(extent) + "); using " +
                                   std::to_string(extent) + "."});
  return notices;
}

std::string s3_region(const S3Options& options) { return options.region.empty() ? "us-east-1" : options.region; }

}  // namespace zarr
