#include "zarr/setting_table.hh"

#include <cfloat>
#include <string>
#include <vector>

#include "zarr/codec_registry.hh"

namespace zarr {

namespace {

// The codec registry's entries, in its order (zarrsink's enum values).
std::span<const Choice> compressor_choices() {
  static const std::vector<Choice> choices = [] {
    std::vector<Choice> list;
    for (const CodecEntry& codec : codec_registry()) list.push_back({codec.name, codec.description});
    return list;
  }();
  return choices;
}

// "Compression level, within the chosen codec's range: blosc-lz4 0-9, ...",
// from the registry, so a new codec's levels are not written here again.
const char* clevel_blurb() {
  static const std::string blurb = [] {
    std::string text = "Compression level, within the chosen codec's range:";
    const char* separator = " ";
    for (const CodecEntry& codec : codec_registry()) {
      if (!codec.uses_level) continue;
      text += separator + std::string(codec.name) + " " + std::to_string(codec.min_level) + "-" +
              std::to_string(codec.max_level);
      separator = ", ";
    }
    return text + " (checked at start)";
  }();
  return blurb.c_str();
}

int compressor_index(const Settings& s) {
  const CodecEntry* codec = find_codec(s.compression.compressor);
  return codec ? int(codec - codec_registry().data()) : -1;  // -1: check_compression() says what is wrong
}

constexpr Choice shuffle_choices[] = {
    {"none", "No shuffle"},
    {"byte", "Byte shuffle"},
    {"bit", "Bit shuffle"},
};

constexpr Choice downsample_choices[] = {
    {"mean", "Mean of each 2x2 block (rounded half to even)"},
    {"decimate", "Top-left sample of each 2x2 block"},
    {"min", "Minimum of each 2x2 block"},
    {"max", "Maximum of each 2x2 block"},
};

constexpr Choice gap_policy_choices[] = {
    {"record", "Store frames back to back and list the lost ones in the frame record"},
    {"fill", "Store a blank frame for each lost one, so index t is camera frame first + t"},
    {"auto", "fill when the dimensions fold several frames into each time point (stacks), record otherwise"},
};

const SettingSpec table[] = {
    {"location", "Location", "Directory of the Zarr dataset to write, or s3://bucket/path/name.zarr (required)",
     TextSetting{[](Settings& s) -> std::string& { return s.location; }}},
    {"overwrite", "Overwrite", "Replace an existing Zarr dataset at the location (anything else is never removed)",
     FlagSetting{[](Settings& s) -> bool& { return s.overwrite; }}},
    {"dimensions", "Dimensions",
     "Acquisition dimensions above y and x, slowest first, comma separated, each name[:kind][:size][:chunk][:shard] "
     "(kinds time, channel, space, other); the first grows (a size ends the recording). Stored in OME-NGFF order "
     "(t, c, z, y, x). E.g. t,c:channel:2,z:space:50:10. Default t,c: the frame's channels along c",
     TextSetting{[](Settings& s) -> std::string& { return s.dimensions; }}},
    {"tile-width", "Tile width", "Chunk width in pixels (0 = whole frame)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.tile_width; }, 0, UINT32_MAX}},
    {"tile-height", "Tile height", "Chunk height in pixels (0 = whole frame)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.tile_height; }, 0, UINT32_MAX}},
    {"tile-planes", "Tile planes",
     "Chunk extent along the append dimension: frames per chunk, or time points with dimensions (0 = as many as "
     "fit in max-bytes-per-chunk, at least 1)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.tile_planes; }, 0, UINT32_MAX}},
    {"max-bytes-per-chunk", "Max bytes per chunk", "Upper bound of an uncompressed chunk, used when tile-planes is 0",
     NumberSetting<std::uint64_t>{[](Settings& s) -> std::uint64_t& { return s.max_bytes_per_chunk; }, 0, UINT64_MAX}},
    {"compressor", "Compressor", "Chunk compression",
     ChoiceSetting{compressor_choices, compressor_index,
                   [](Settings& s, int i) { s.compression.compressor = codec_registry()[std::size_t(i)].name; }}},
    {"clevel", "Compression level", clevel_blurb(),
     NumberSetting<int>{[](Settings& s) -> int& { return s.compression.clevel; }, 0, max_codec_level()}},
    {"shuffle", "Shuffle", "Blosc shuffle filter (other codecs ignore it)",
     ChoiceSetting{[] { return std::span<const Choice>(shuffle_choices); },
                   [](const Settings& s) { return int(s.compression.shuffle); },
                   [](Settings& s, int i) { s.compression.shuffle = Shuffle(i); }}},
    {"pixel-size-x", "Pixel size x", "Pixel width in micrometers (OME-NGFF scale)",
     NumberSetting<double>{[](Settings& s) -> double& { return s.pixel_size_x_um; }, DBL_MIN, DBL_MAX}},
    {"pixel-size-y", "Pixel size y", "Pixel height in micrometers (OME-NGFF scale)",
     NumberSetting<double>{[](Settings& s) -> double& { return s.pixel_size_y_um; }, DBL_MIN, DBL_MAX}},
    {"pixel-size-z", "Pixel size z",
     "The z step in micrometers: the OME-NGFF scale of a space dimension above y and x",
     NumberSetting<double>{[](Settings& s) -> double& { return s.pixel_size_z_um; }, DBL_MIN, DBL_MAX}},
    {"metadata", "Metadata",
     "A JSON object stored as the array's user attributes (0/.zattrs; with zarr-version=3 the attributes of "
     "0/zarr.json)",
     TextSetting{[](Settings& s) -> std::string& { return s.user_metadata_json; }}},
    {"gap-policy", "Gap policy",
     "What lost camera frames (gaps in the frame numbers) do to the array: record stores the frames back to back "
     "and lists the gaps in the acquisition attributes; fill stores a blank (zero) frame for each lost one; auto "
     "(the default) is fill for stacks (dimensions with several frames a time point), so no frame moves to another "
     "channel or z plane, and record otherwise",
     ChoiceSetting{[] { return std::span<const Choice>(gap_policy_choices); },
                   [](const Settings& s) { return int(s.gap_policy); },
                   [](Settings& s, int i) { s.gap_policy = GapPolicy(i); }}},
    {"frame-table", "Frame table",
     "Also store every frame's number, time, camera timestamp and flags as arrays in the group \"frames\" beside "
     "the image, written as the image grows",
     FlagSetting{[](Settings& s) -> bool& { return s.frame_table; }}},
    {"max-threads", "Max threads", "Compression and writing threads (0 = number of cores)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.max_threads; }, 0, 1024}},
    {"rows-in-flight", "Rows in flight",
     "Chunk rows being compressed and written while the next one fills (1-64): more ride out longer stalls of "
     "the disk without back-pressure on a live camera, each costing one more chunk row of memory (checked at start)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.rows_in_flight; }, 1,
                                  max_rows_in_flight}},
    {"zarr-version", "Zarr version", "2 (.zarray/.zattrs, OME-NGFF 0.4) or 3 (zarr.json, OME-NGFF 0.5, sharding)",
     NumberSetting<int>{[](Settings& s) -> int& { return s.zarr_version; }, 2, 3}},
    {"chunks-per-shard-x", "Chunks per shard x",
     "Chunks per shard file along x (zarr-version=3 only; 1 along every axis = no sharding, one file per chunk)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.chunks_per_shard_x; }, 1, 65536}},
    {"chunks-per-shard-y", "Chunks per shard y",
     "Chunks per shard file along y (zarr-version=3 only; 1 along every axis = no sharding, one file per chunk)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.chunks_per_shard_y; }, 1, 65536}},
    {"chunks-per-shard-t", "Chunks per shard t",
     "Chunks per shard file along t (zarr-version=3 only; 1 along every axis = no sharding, one file per chunk)",
     NumberSetting<std::uint32_t>{[](Settings& s) -> std::uint32_t& { return s.chunks_per_shard_t; }, 1, 65536}},
    {"multiscale", "Multiscale", "Also write arrays 1, 2, ... halving y and x per level until one fits in a tile",
     FlagSetting{[](Settings& s) -> bool& { return s.multiscale; }}},
    {"downsample-z", "Downsample z",
     "With multiscale, each level also halves the space dimension above y and x (z) by pairs of planes, unless "
     "it is the append dimension",
     FlagSetting{[](Settings& s) -> bool& { return s.downsample_z; }}},
    {"downsample-method", "Downsample method", "How each pyramid level is computed from 2x2 blocks",
     ChoiceSetting{[] { return std::span<const Choice>(downsample_choices); },
                   [](const Settings& s) { return int(s.downsample_method); },
                   [](Settings& s, int i) { s.downsample_method = DownsampleMethod(i); }}},
    {"s3-endpoint", "S3 endpoint",
     "URL of the S3 service for an s3:// location, e.g. http://127.0.0.1:7480 (path-style requests); empty = AWS "
     "for s3-region. Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS credentials files, "
     "never from a property",
     TextSetting{[](Settings& s) -> std::string& { return s.s3.endpoint; }}},
    {"s3-region", "S3 region", "Region that requests to an s3:// location are signed for (empty: us-east-1)",
     TextSetting{[](Settings& s) -> std::string& { return s.s3.region; }}},
    {"s3-multipart-threshold", "S3 multipart threshold",
     "Objects larger than this many bytes are uploaded to S3 in parts of this size (at least 5 MiB, the S3 minimum "
     "part size)",
     NumberSetting<std::uint64_t>{[](Settings& s) -> std::uint64_t& { return s.s3.multipart_threshold; },
                                  min_multipart_part, UINT64_MAX}},
};

}  // namespace

std::span<const SettingSpec> setting_table() { return table; }

const SettingSpec* find_setting(std::string_view name) {
  for (const SettingSpec& spec : table)
    if (name == spec.name) return &spec;
  return nullptr;
}

}  // namespace zarr
