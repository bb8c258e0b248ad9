// Writes N radial-sine frames of 1920x1080 uint8 with 960x540 tiles and 64
// planes per chunk, uncompressed, blosc-lz4 and blosc-zstd (clevel 1, byte
// shuffle), and prints GB/s of raw pixels and each case's peak RSS.
//   zarr_writer_bench [--frames=N] [--dir=PATH] [--threads=T] [--sync=0|1]
//                     [--rows-in-flight=R] [--case=none|lz4|zstd]
//                     [--period=S] [--distinct=K] [--like-acqsrc]
// Each case runs in a child process (this program with --case) so that its
// peak RSS (from wait4) is its own. With --case it runs that case only and
// prints one "RESULT key=value ..." line. Frames cycle through K distinct
// ones of the pattern at S seconds a frame (8 at 13 ms unless told);
// --like-acqsrc makes them exactly as acqsrc does (bench/radial_sine.hh).
#include <sys/resource.h>
#include <unistd.h>

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
  std::uint64_t frames = 1000;
  std::string dir = "/tmp/zarr-bench";
  unsigned threads = 0;
  bool sync = false;  // the library default
  unsigned rows_in_flight = 1;
  std::string only_case;
  double period = 0.013;
  unsigned distinct = 8;
  bool like_acqsrc = false;
};

zarr::Compression compression_of(const std::string& name) {
  if (name == "none") return {"none", 1, zarr::Shuffle::byte};
  if (name == "lz4") return {"blosc-lz4", 1, zarr::Shuffle::byte};
  if (name == "zstd") return {"blosc-zstd", 1, zarr::Shuffle::byte};
  throw std::invalid_argument("unknown case " + name + " (none, lz4, zstd)");
}

int run_case(const Options& options) {
  const auto frames = options.like_acqsrc
                          ? bench::acqsrc_radial_sine_frames(width, height, options.distinct, options.period)
                          : bench::radial_sine_frames(width, height, options.distinct, options.period);
  zarr::Settings settings;
  settings.location = options.dir + "/bench-" + options.only_case + ".zarr";
  settings.overwrite = true;
  settings.width = width;
  settings.height = height;
  settings.tile_width = 960;
  settings.tile_height = 540;
  settings.tile_planes = 64;
  settings.compression = compression_of(options.only_case);
  settings.max_threads = options.threads;
  settings.sync_files = options.sync;
  settings.rows_in_flight = options.rows_in_flight;

  // Streaming time starts once the writer exists: creating it (the
  // location, the first metadata) is set-up, as opening the file is for the
  // raw peer and allocating is for the blosc ceiling; it is printed apart as
  // setup=.
  const auto created = std::chrono::steady_clock::now();
  zarr::Writer writer(settings);
  const auto start = std::chrono::steady_clock::now();
  const double cpu_at_start = bench::process_cpu_seconds();
  for (std::uint64_t n = 0; n < options.frames; ++n) {
    const zarr::PlaneView plane{reinterpret_cast<const std::byte*>(frames[n % frames.size()].data()), width, 1};
    writer.append(zarr::FrameView{std::span(&plane, 1)});
  }
  const auto appended = std::chrono::steady_clock::now();
  writer.close();
  const auto end = std::chrono::steady_clock::now();
  const double cpu = bench::process_cpu_seconds() - cpu_at_start;
  const double seconds = std::chrono::duration<double>(end - start).count();
  const zarr::Stats stats = writer.stats();
  // close= is the part spent in close() (last row, metadata, syncfs): where
  // the disk's own speed shows. cpu= is the CPU time of every thread over seconds=.
  std::printf(
      "RESULT case=%s frames=%llu seconds=%.3f gbps=%.3f ratio=%.2f close=%.3f setup=%.3f cpu=%.3f\n",
      options.only_case.c_str(),
      static_cast<unsigned long long>(stats.frames), seconds, stats.bytes_in / seconds / 1e9, stats.compression_ratio(),
      std::chrono::duration<double>(end - appended).count(), std::chrono::duration<double>(start - created).count(), cpu);
  std::filesystem::remove_all(settings.location);
  return 0;
}

// Runs this program with --case=name; returns its output and peak RSS in MiB.
std::pair<std::string, double> run_child(const Options& options, const std::string& name) {
  std::vector<std::string> args{"--case=" + name,
                                "--frames=" + std::to_string(options.frames),
                                "--dir=" + options.dir,
                                "--threads=" + std::to_string(options.threads),
                                "--sync=" + std::to_string(options.sync),
                                "--rows-in-flight=" + std::to_string(options.rows_in_flight),
                                "--period=" + std::to_string(options.period),
                                "--distinct=" + std::to_string(options.distinct)};
  if (options.like_acqsrc) args.push_back("--like-acqsrc");
  const bench::ChildResult result = bench::run_case_in_child(args);
  return {result.output, result.peak_rss_mib};
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
      else if (name == "--dir")
        options.dir = value;
      else if (name == "--threads")
        options.threads = unsigned(std::stoul(value));
      else if (name == "--sync")
        options.sync = value != "0";
      else if (name == "--rows-in-flight")
        options.rows_in_flight = unsigned(std::stoul(value));
      else if (name == "--case")
        options.only_case = value;
      else if (name == "--period")
        options.period = std::stod(value);
      else if (name == "--distinct" && std::stoul(value) > 0)
        options.distinct = unsigned(std::stoul(value));
      else if (name == "--like-acqsrc")
        options.like_acqsrc = true;
      else
        throw std::invalid_argument("unknown option " + arg);
    }
    if (!options.only_case.empty()) return run_case(options);

    std::printf("%llu frames of %ux%u uint8, 960x540 tiles, 64 planes per chunk, threads %u (0 = cores), sync %d\n",
                static_cast<unsigned long long>(options.frames), width, height, options.threads, options.sync);
    std::printf("%-6s %10s %8s %8s %14s\n", "case", "seconds", "GB/s", "ratio", "peak RSS MiB");
    for (const char* name : {"none", "lz4", "zstd"}) {
      const auto [output, rss] = run_child(options, name);
      std::printf("%-6s %10s %8s %8s %14.0f\n", name, result_field(output, "seconds").c_str(),
                  result_field(output, "gbps").c_str(), result_field(output, "ratio").c_str(), rss);
      std::fflush(stdout);
    }
  } catch (const zarr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zarr_writer_bench: " << e.what() << "\n";
    return 64;
  }
  return 0;
}
