// Zarr v3 sharding and multiscale against plain v2, all in one run with the
// cases interleaved (round after round) so a busy disk hurts them alike.
// 1920x1080 uint8 radial-sine frames, 256x256 chunks of 32 planes:
//   v2-none / v3s-none    v2, and v3 with 4x4 chunks per shard, uncompressed
//   v2-lz4  / v3s-lz4     the same with blosc-lz4 (clevel 1, byte shuffle)
//   v3s-lz4-ms            v3s-lz4 plus the multiscale pyramid (mean)
//   v2-lz4-ms             v2-lz4 plus the multiscale pyramid (mean)
//   v2-lz4-z32            v2-lz4 with the frames folded into z stacks of 32
//                         (dimensions t,z:space:32:32): chunks of 1 x 32 z x
//                         256 x 256, the same bytes as the flat 32 planes
//   v2-lz4-c2z32          2 channels of such stacks (t,c:channel:2,z:space:32:32)
//   v3s-lz4-z32           v3s-lz4 folded into z stacks of 32
// Prints per case the median wall time (writer construction to close, which
// includes the final syncfs), the median time close() took, the median CPU
// seconds of all threads (user + system: on a 2-core machine the pyramid's
// cost shows here even when the wall time is noisy), and the wall time's
// ratio to its reference case. The default 1280 frames (40 t-chunk rows) keep
// start-up (the first row has no worker to overlap) and close small.
//   zarr_format_bench [--frames=N] [--rounds=R] [--dir=PATH] [--threads=T]
// Each run is a child process (this program with --case=NAME) so that no
// case inherits another's page cache pressure or memory.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench/child_case.hh"
#include "bench/radial_sine.hh"
#include "zarr/error.hh"
#include "zarr/writer.hh"

using bench::result_field;

namespace {

constexpr std::uint32_t width = 1920, height = 1080;

struct Options {
  std::uint64_t frames = 1280;
  unsigned rounds = 3;
  std::string dir = "/tmp/zarr-format-bench";
  unsigned threads = 0;
  std::string only_case;
};

struct Case {
  const char* name;
  const char* reference;  // the case its time is compared with
  int version;
  bool sharded;
  bool lz4;
  bool multiscale;
  const char* dimensions = "t,c";  // zarr::Settings::dimensions
  std::uint32_t tile_planes = 32;  // the chunk along t: 1 when a z chunk holds the 32 planes
};

const std::vector<Case> cases = {
    {"v2-none", "v2-none", 2, false, false, false}, {"v3s-none", "v2-none", 3, true, false, false},
    {"v2-lz4", "v2-lz4", 2, false, true, false},    {"v3s-lz4", "v2-lz4", 3, true, true, false},
    {"v2-lz4-ms", "v2-lz4", 2, false, true, true},  {"v3s-lz4-ms", "v3s-lz4", 3, true, true, true},
    {"v2-lz4-z32", "v2-lz4", 2, false, true, false, "t,z:space:32:32", 1},
    {"v2-lz4-c2z32", "v2-lz4", 2, false, true, false, "t,c:channel:2,z:space:32:32", 1},
    {"v3s-lz4-z32", "v3s-lz4", 3, true, true, false, "t,z:space:32:32", 1},
};

const Case& case_named(const std::string& name) {
  for (const Case& c : cases)
    if (name == c.name) return c;
  throw std::invalid_argument("unknown case " + name);
}

// User and system CPU seconds of this process (all its threads) so far.
std::pair<double, double> cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

int run_case(const Options& options) {
  const Case& which = case_named(options.only_case);
  const auto frames = bench::radial_sine_frames(width, height, 8);
  zarr::Settings settings;
  settings.location = options.dir + "/bench-" + options.only_case + ".zarr";
  settings.overwrite = true;
  settings.width = width;
  settings.height = height;
  settings.tile_width = 256;
  settings.tile_height = 256;
  settings.tile_planes = which.tile_planes;
  settings.dimensions = which.dimensions;
  settings.zarr_version = which.version;
  if (which.sharded) settings.chunks_per_shard_x = settings.chunks_per_shard_y = 4;
  if (which.lz4) settings.compression = {"blosc-lz4", 1, zarr::Shuffle::byte};
  settings.multiscale = which.multiscale;
  settings.max_threads = options.threads;

  const auto [user_before, system_before] = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  zarr::Writer writer(settings);
  for (std::uint64_t n = 0; n < options.frames; ++n) {
    const zarr::PlaneView plane{reinterpret_cast<const std::byte*>(frames[n % frames.size()].data()), width, 1};
    writer.append(zarr::FrameView{std::span(&plane, 1)});
  }
  const auto appended = std::chrono::steady_clock::now();
  writer.close();
  const auto end = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(end - start).count();
  const double close_seconds = std::chrono::duration<double>(end - appended).count();
  const auto [user_after, system_after] = cpu_seconds();
  const zarr::Stats stats = writer.stats();
  std::printf("RESULT seconds=%.4f close=%.4f user=%.4f sys=%.4f ratio=%.2f files=%llu\n", seconds, close_seconds,
              user_after - user_before, system_after - system_before, stats.compression_ratio(),
              static_cast<unsigned long long>(stats.chunks_written));
  std::filesystem::remove_all(settings.location);
  return 0;
}

bench::ChildResult run_child(const Options& options, const std::string& name) {
  return bench::run_case_in_child({"--case=" + name, "--frames=" + std::to_string(options.frames),
                                   "--dir=" + options.dir, "--threads=" + std::to_string(options.threads)});
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const auto eq = arg.find('=');
      const std::string name = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
      if (name == "--frames")
        options.frames = std::stoull(value);
      else if (name == "--rounds")
        options.rounds = unsigned(std::stoul(value));
      else if (name == "--dir")
        options.dir = value;
      else if (name == "--threads")
        options.threads = unsigned(std::stoul(value));
      else if (name == "--case")
        options.only_case = value;
      else
        throw std::invalid_argument("unknown option " + arg);
    }
    if (!options.only_case.empty()) return run_case(options);
    if (options.rounds == 0) throw std::invalid_argument("--rounds must be at least 1");

    std::printf("%llu frames of %ux%u uint8, 256x256x32 chunks (z32: 32 z planes), shards 4x4 chunks, "
                "%u rounds interleaved\n",
                static_cast<unsigned long long>(options.frames), width, height, options.rounds);
    std::map<std::string, std::vector<double>> seconds, close_seconds, cpu_seconds, peak_rss;
    std::map<std::string, std::string> ratio, files;
    for (unsigned round = 0; round < options.rounds; ++round)
      for (const Case& c : cases) {
        const bench::ChildResult child = run_child(options, c.name);
        const std::string& output = child.output;
        peak_rss[c.name].push_back(child.peak_rss_mib);
        seconds[c.name].push_back(std::stod(result_field(output, "seconds")));
        close_seconds[c.name].push_back(std::stod(result_field(output, "close")));
        cpu_seconds[c.name].push_back(std::stod(result_field(output, "user")) + std::stod(result_field(output, "sys")));
        ratio[c.name] = result_field(output, "ratio");
        files[c.name] = result_field(output, "files");
      }
    const double raw_bytes = double(options.frames) * width * height;
    // A Markdown table, as docs/performance.md shows it.
    std::printf(
        "\n| case | median s | GB/s | frames/s | peak RSS (MiB) | ratio | files | close s | CPU s | vs | time x |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Case& c : cases) {
      const double s = median(seconds[c.name]);
      std::printf("| %s | %.3f | %.3f | %.0f | %.0f | %s | %s | %.3f | %.3f | %s | %.3f |\n", c.name, s,
                  raw_bytes / s / 1e9, double(options.frames) / s,
                  *std::max_element(peak_rss[c.name].begin(), peak_rss[c.name].end()), ratio[c.name].c_str(),
                  files[c.name].c_str(), median(close_seconds[c.name]), median(cpu_seconds[c.name]), c.reference,
                  s / median(seconds[c.reference]));
    }
  } catch (const zarr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zarr_format_bench: " << e.what() << "\n";
    return 64;
  }
  return 0;
}
