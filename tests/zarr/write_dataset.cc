// Test support: writes a dataset whose every sample follows a formula the
// Python tests recompute with numpy (see expected() in zarr_testing.py):
//   v(t, c, y, x) = (t*7919 + c*104729 + y*31 + x*17) mod 2^16, mapped to the
//   data type (uint8: v mod 256, int8: v mod 256 - 128, int16: v - 32768,
//   float32: v * 0.5 - 1000).
// Rows from --zero-from-y on hold 0 instead (all-fill chunks).
// Frames can be handed over strided, channel-interleaved or big-endian, and
// the process can SIGKILL itself after a number of rows to simulate a crash,
// or pause after a number of frames until a file appears (so a test can break
// the S3 gateway mid-recording). "s3://..." locations use --s3-endpoint,
// --s3-region, --s3-multipart-threshold and the AWS_* environment.
// Exit status 0, or 2 with "error <code>: <message>" on stderr.
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>
#include <map>
#include <string>
#include <vector>

#include "zarr/error.hh"
#include "zarr/writer.hh"

namespace {

const char* code_name(zarr::ErrorCode code) {
  switch (code) {
    case zarr::ErrorCode::invalid_setting: return "invalid_setting";
    case zarr::ErrorCode::already_exists: return "already_exists";
    case zarr::ErrorCode::open_failed: return "open_failed";
    case zarr::ErrorCode::write_failed: return "write_failed";
    case zarr::ErrorCode::no_space: return "no_space";
    case zarr::ErrorCode::invalid_frame: return "invalid_frame";
    case zarr::ErrorCode::cancelled: return "cancelled";
    case zarr::ErrorCode::insufficient_memory: return "insufficient_memory";
    case zarr::ErrorCode::busy: return "busy";
  }
  return "unknown";
}

std::uint32_t formula(std::uint64_t t, std::uint32_t c, std::uint32_t y, std::uint32_t x) {
  return std::uint32_t((t * 7919 + std::uint64_t(c) * 104729 + std::uint64_t(y) * 31 + std::uint64_t(x) * 17) % 65536);
}

// The sample's little-endian bytes in the array's data type.
void encode_sample(zarr::DataType type, std::uint32_t v, std::byte* out) {
  switch (type) {
    case zarr::DataType::uint8: out[0] = std::byte(v % 256); return;
    case zarr::DataType::int8: out[0] = std::byte(std::uint8_t(std::int8_t(int(v % 256) - 128))); return;
    case zarr::DataType::uint16: {
      const std::uint16_t s = std::uint16_t(v);
      std::memcpy(out, &s, 2);
      return;
    }
    case zarr::DataType::int16: {
      const std::int16_t s = std::int16_t(int(v) - 32768);
      std::memcpy(out, &s, 2);
      return;
    }
    case zarr::DataType::uint64:
    case zarr::DataType::int64: {  // not an image type; the same values, 8 bytes wide
      const std::uint64_t s = v;
      std::memcpy(out, &s, 8);
      return;
    }
    case zarr::DataType::float32: {
      const float s = float(v) * 0.5f - 1000.0f;
      std::memcpy(out, &s, 4);
      return;
    }
  }
}

zarr::DataType parse_type(const std::string& s) {
  static const std::map<std::string, zarr::DataType> types = {{"uint8", zarr::DataType::uint8},
                                                              {"int8", zarr::DataType::int8},
                                                              {"uint16", zarr::DataType::uint16},
                                                              {"int16", zarr::DataType::int16},
                                                              {"float32", zarr::DataType::float32}};
  return types.at(s);
}

zarr::Shuffle parse_shuffle(const std::string& s) {
  static const std::map<std::string, zarr::Shuffle> shuffles = {
      {"none", zarr::Shuffle::none}, {"byte", zarr::Shuffle::byte}, {"bit", zarr::Shuffle::bit}};
  return shuffles.at(s);
}

zarr::DownsampleMethod parse_method(const std::string& s) {
  static const std::map<std::string, zarr::DownsampleMethod> methods = {{"mean", zarr::DownsampleMethod::mean},
                                                                        {"decimate", zarr::DownsampleMethod::decimate},
                                                                        {"min", zarr::DownsampleMethod::min},
                                                                        {"max", zarr::DownsampleMethod::max}};
  return methods.at(s);
}

}  // namespace

int run(std::map<std::string, std::string>& options);

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::cerr << "usage: " << argv[0] << " --location=PATH [--name=value ...]\n";
      return 64;
    }
    options[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }

  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "bad option: " << e.what() << "\n";
    return 64;
  }
}

int run(std::map<std::string, std::string>& options) {
  auto number = [&](const std::string& name, std::uint64_t fallback) {
    return options.count(name) ? std::stoull(options[name]) : fallback;
  };
  zarr::Settings settings;
  settings.location = options["location"];
  if (options.count("s3-endpoint")) settings.s3.endpoint = options["s3-endpoint"];
  if (options.count("s3-region")) settings.s3.region = options["s3-region"];
  settings.s3.multipart_threshold = number("s3-multipart-threshold", settings.s3.multipart_threshold);
  settings.overwrite = number("overwrite", 0) != 0;
  settings.data_type = parse_type(options.count("dtype") ? options["dtype"] : "uint8");
  settings.width = std::uint32_t(number("width", 64));
  settings.height = std::uint32_t(number("height", 48));
  settings.channels = std::uint32_t(number("channels", 1));
  settings.tile_width = std::uint32_t(number("tile-width", 0));
  settings.tile_height = std::uint32_t(number("tile-height", 0));
  settings.tile_planes = std::uint32_t(number("tile-planes", 0));
  settings.max_bytes_per_chunk = number("max-bytes-per-chunk", settings.max_bytes_per_chunk);
  // A codec_registry() name ("blosc-lz4", "zstd", ...); the library refuses others.
  if (options.count("compressor")) settings.compression.compressor = options["compressor"];
  settings.compression.clevel = int(number("clevel", 1));
  settings.compression.shuffle = parse_shuffle(options.count("shuffle") ? options["shuffle"] : "byte");
  settings.max_threads = unsigned(number("threads", 0));
  settings.sync_files = number("sync", 1) != 0;
  settings.user_metadata_json = options["metadata"];
  settings.zarr_version = int(number("zarr-version", 2));
  settings.chunks_per_shard_t = std::uint32_t(number("chunks-per-shard-t", 1));
  settings.chunks_per_shard_y = std::uint32_t(number("chunks-per-shard-y", 1));
  settings.chunks_per_shard_x = std::uint32_t(number("chunks-per-shard-x", 1));
  settings.multiscale = number("multiscale", 0) != 0;
  settings.downsample_method = parse_method(options.count("downsample-method") ? options["downsample-method"] : "mean");
  settings.frame_interval_s = options.count("frame-interval") ? std::stod(options["frame-interval"]) : 0.0;
  if (options.count("pixel-size-x")) settings.pixel_size_x_um = std::stod(options["pixel-size-x"]);
  if (options.count("pixel-size-y")) settings.pixel_size_y_um = std::stod(options["pixel-size-y"]);
  if (options.count("pixel-size-z")) settings.pixel_size_z_um = std::stod(options["pixel-size-z"]);
  // --dimensions=t,c:channel:2,z:space:5 folds the frames (frame n keeps
  // formula(n, colour, y, x)); a bounded one ends the loop when complete.
  if (options.count("dimensions")) settings.dimensions = options["dimensions"];
  settings.downsample_z = number("downsample-z", 0) != 0;
  // --frame-numbers=0,1,4,...: the camera frame number of each frame handed
  // over (its pixels are then formula(number, ...)); the frame record and
  // table follow them. --gap-policy=fill|record, --frame-table=1.
  std::vector<std::uint64_t> frame_numbers;
  for (std::size_t at = 0; options.count("frame-numbers") && at < options["frame-numbers"].size();) {
    const std::size_t comma = std::min(options["frame-numbers"].find(',', at), options["frame-numbers"].size());
    frame_numbers.push_back(std::stoull(options["frame-numbers"].substr(at, comma - at)));
    at = comma + 1;
  }
  if (options["gap-policy"] == "fill") settings.gap_policy = zarr::GapPolicy::fill;
  settings.frame_table = number("frame-table", 0) != 0;
  const std::uint64_t frames = frame_numbers.empty() ? number("frames", 3) : frame_numbers.size();
  const std::uint64_t row_padding = number("row-padding", 0);  // extra bytes after each source row
  const bool interleaved = number("interleaved", 0) != 0;      // all channels in one buffer, pixel by pixel
  const bool big_endian = number("big-endian", 0) != 0;        // hand samples over byte-swapped
  const std::uint64_t kill_after_rows = number("kill-after-rows", 0);
  const std::uint64_t pause_after_frames = number("pause-after-frames", 0);
  const std::string resume_file = options["resume-file"];               // created by the test to end the pause
  const std::uint64_t zero_from_y = number("zero-from-y", UINT64_MAX);  // rows y >= this hold 0 (fill)

  try {
    std::uint64_t rows_written = 0;
    zarr::Writer writer(settings, [&](const zarr::Progress&) {
      if (kill_after_rows && ++rows_written == kill_after_rows) std::raise(SIGKILL);
    });

    const std::size_t ss = zarr::sample_size(settings.data_type);
    const std::size_t pixel_stride = interleaved ? ss * settings.channels : ss;
    const std::size_t row_stride = settings.width * pixel_stride + row_padding;
    const std::size_t buffers = interleaved ? 1 : settings.channels;
    std::vector<std::vector<std::byte>> memory(buffers, std::vector<std::byte>(row_stride * settings.height));
    std::vector<zarr::PlaneView> planes(settings.channels);
    for (std::uint32_t c = 0; c < settings.channels; ++c)
      planes[c] = {memory[interleaved ? 0 : c].data() + (interleaved ? c * ss : 0), std::ptrdiff_t(row_stride),
                   std::ptrdiff_t(pixel_stride)};

    for (std::uint64_t i = 0; i < frames && !writer.complete(); ++i) {
      const std::uint64_t t = frame_numbers.empty() ? i : frame_numbers[i];
      zarr::FrameStamp stamp;
      if (!frame_numbers.empty()) {
        stamp.number = t;
        stamp.time_ns = std::int64_t(t * 1000000);  // 1 ms a frame
        stamp.camera_time_ns = std::int64_t(t * 1000 + 7);
        stamp.flags = i > 0 && t != frame_numbers[i - 1] + 1 ? zarr::frame_flags::discontinuity : 0;
      }
      for (std::uint32_t c = 0; c < settings.channels; ++c)
        for (std::uint32_t y = 0; y < settings.height; ++y)
          for (std::uint32_t x = 0; x < settings.width; ++x) {
            std::byte* sample = const_cast<std::byte*>(planes[c].data) + y * row_stride + x * pixel_stride;
            if (y >= zero_from_y)
              std::memset(sample, 0, ss);
            else
              encode_sample(settings.data_type, formula(t, c, y, x), sample);
            if (big_endian) std::reverse(sample, sample + ss);
          }
      writer.append({planes, big_endian}, stamp);
      if (pause_after_frames && i + 1 == pause_after_frames) {
        std::cout << "paused" << std::endl;
        while (!std::filesystem::exists(resume_file)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    writer.close();
    const zarr::Stats stats = writer.stats();
    std::cout << "frames " << stats.frames << " chunks " << stats.chunks_written << " bytes " << stats.bytes_written
              << " lost " << stats.frames_lost << "\n";
  } catch (const zarr::Error& e) {
    std::cerr << "error " << code_name(e.code()) << ": " << e.what() << "\n";
    return 2;
  }
  return 0;
}
