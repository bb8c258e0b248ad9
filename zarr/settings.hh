// What a dataset looks like: array geometry, data type, chunking, compression.
// Plain data; the checks below say which setting is wrong, by the public
// names of zarr/setting_table.hh (Error::setting()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "zarr/dimensions.hh"
#include "zarr/image_axes.hh"

namespace zarr {

// uint64 and int64 are for the frame table's columns, not for images.
enum class DataType { uint8, int8, uint16, int16, float32, uint64, int64 };

std::size_t sample_size(DataType type);

enum class Shuffle { none, byte, bit };

// How each pyramid level is computed from the one above it (2x2 blocks).
enum class DownsampleMethod { mean, decimate, min, max };

// What a jump in the frame numbers does to the array (see FrameRecord):
// record stores the frames back to back and lists the gaps; fill stores a
// blank frame (zeros, the fill value) for each lost one, so index t is
// camera frame first + t; automatic is fill when each index of the append
// dimension holds several frames (a stack: a lost frame must not move the
// later ones to other channels or z planes), record otherwise.
enum class GapPolicy { record, fill, automatic };

// The codec names, their levels and where shuffle applies are listed once,
// in zarr/codec_registry.cc.
struct Compression {
  std::string compressor = "none";  // a codec_registry() name: "blosc-lz4", "zstd", ...
  int clevel = 1;                   // within the codec's own range (zstd 1..22, others 0..9)
  Shuffle shuffle = Shuffle::byte;  // blosc only; ignored by the other codecs
};

// Where and how to reach an S3 object store (a location "s3://bucket/path").
// Credentials are never settings: they come from the AWS environment
// variables or the shared AWS files (see zarr/s3_credentials.hh).
struct S3Options {
  std::string
      endpoint;  // "" = https://s3.<region>.amazonaws.com ; e.g. "http://127.0.0.1:7480" (path-style addressing)
  std::string region = "us-east-1";                 // "" means us-east-1 too
  std::uint64_t multipart_threshold = 64ull << 20;  // objects larger than this use multipart upload; >= 5 MiB
};

// The array's dimensions are the acquisition dimensions (by default t and
// c) in OME-NGFF order, then y and x; see zarr/dimensions.hh.
struct Settings {
  std::string location;    // the dataset's root directory, or "s3://bucket/path/name.zarr"
  S3Options s3;            // used when location starts with "s3://"
  bool overwrite = false;  // only ever removes an existing Zarr dataset

  DataType data_type = DataType::uint8;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 1;  // planes in each frame (a colour format's channels)

  // How frames fold into the array: the acquisition dimensions above y and
  // x, slowest first, the first one appended along (zarr/dimensions.hh).
  // The frame's own channels come fastest along the channel dimension (or
  // along an added "c" axis when no dimension is of kind channel).
  std::string dimensions = default_dimensions;

  // Chunk extent along y, x and the append dimension. 0 or larger than the
  // frame means the whole extent; tile_planes 0 derives the append chunk
  // (and a space dimension's, when its own is not given) from
  // max_bytes_per_chunk (see image_axes()).
  std::uint32_t tile_width = 0;
  std::uint32_t tile_height = 0;
  std::uint32_t tile_planes = 0;
  std::uint64_t max_bytes_per_chunk = 64ull << 20;

  Compression compression;

  // 2 (.zarray/.zattrs per node) or 3 (one zarr.json per node).
  int zarr_version = 2;
  // Zarr v3 sharding: a shard file holds this many chunks along the append
  // dimension (t), y and x, and along the others as the dimensions say.
  // All 1 means no sharding codec (one file per chunk). Only with version 3.
  std::uint32_t chunks_per_shard_t = 1;
  std::uint32_t chunks_per_shard_y = 1;
  std::uint32_t chunks_per_shard_x = 1;

  // Writes arrays 1, 2, ... that halve y and x of the one before (odd sizes
  // round up) until a level fits in one tile. See docs/zarr-library.md.
  bool multiscale = false;
  DownsampleMethod downsample_method = DownsampleMethod::mean;
  // The levels halve a space dimension above y and x (z) too, when it is
  // not the append dimension (zarr/pyramid.hh).
  bool downsample_z = false;

  // Seconds between frames, for the OME-NGFF time scale; 0 = unknown (the
  // time axis then counts frames: scale 1, no unit).
  double frame_interval_s = 0;

  GapPolicy gap_policy = GapPolicy::automatic;
  // Also store every frame's number, times and flags in the arrays of the
  // group `frames` beside the image (zarr/frame_table.hh).
  bool frame_table = false;

  double pixel_size_x_um = 1.0;
  double pixel_size_y_um = 1.0;
  double pixel_size_z_um = 1.0;  // the z step: the OME scale of a space dimension above y and x

  std::string user_metadata_json;  // empty, or a JSON object for 0/.zattrs

  unsigned max_threads = 0;  // compression/writing workers; 0 = number of cores

  // Completed chunk rows waiting for the workers, on top of the row being
  // filled; append() blocks when this many are pending. Memory is about
  // (1 + rows_in_flight) chunk rows; see docs/zarr-library.md.
  unsigned rows_in_flight = 1;

  // fsync every file (and its directory) before it counts as written, so a
  // power cut mid-recording loses no completed row. Off (the default), a
  // process crash still loses no completed row (files appear by rename) and
  // close() flushes the whole dataset to disk; only a power cut during the
  // recording can lose rows the page cache had not yet written. Filesystem
  // only: an S3 object is durable once its PUT was answered.
  bool sync_files = false;
};

// Limits enforced by validate().
inline constexpr std::uint32_t max_frame_extent = 65536;  // width, height
inline constexpr std::uint32_t max_channels = 1024;
inline constexpr unsigned max_rows_in_flight = 64;
inline constexpr std::uint64_t max_chunks_per_shard = 1u << 16;  // index entries of one shard
inline constexpr std::uint64_t min_multipart_part = 5ull << 20;  // S3's smallest part (but the last)
// Nesting of user_metadata_json: the JSON writer recurses per level (a 200 kB
// "[[[[..." overflowed the stack), and Python's json cannot read deep documents.
inline constexpr int max_metadata_depth = 256;

// Checks every setting that needs no frame geometry (location, chunk-size
// rule, compression, metadata, Zarr version and sharding, S3 options, the
// table's bounds) and, for a filesystem location, that it may be written
// (empty or missing, or a Zarr dataset with overwrite) and that no other
// writer holds it (a trial DatasetLock, which creates missing parents), for
// an S3 location that credentials exist. zarrsink calls it before frames come. Throws
// zarr::Error naming the first wrong setting (or the missing credentials).
void check_settings(const Settings& settings);

// What the checks derived, so that nothing derives it again.
struct CheckedSettings {
  ImageAxes axes;                  // level 0's axes: the one application of the dimensions and the chunk rule
  nlohmann::json user_attributes;  // user_metadata_json parsed, {} when empty
};

// check_settings() without the location's contents, plus everything that
// needs the frame geometry. Throws zarr::Error(invalid_setting).
CheckedSettings validate(const Settings& settings);

// A setting that was used differently from how it was set, for the user's
// information (zarrsink posts each as a warning).
struct SettingNotice {
  std::string setting;  // public name
  std::string message;
};
std::vector<SettingNotice> setting_notices(const Settings& settings);

// "us-east-1" when the region is empty.
std::string s3_region(const S3Options& options);

const char* to_string(DataType type);
const char* to_string(Shuffle shuffle);
const char* to_string(DownsampleMethod method);
const char* to_string(GapPolicy policy);

// The policy a recording follows: automatic resolved for `frames_per_step`
// frames per index of the append dimension.
GapPolicy effective_gap_policy(GapPolicy policy, std::uint64_t frames_per_step);

}  // namespace zarr
