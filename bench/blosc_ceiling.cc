// The compute ceiling of a blosc writer: compresses 960x540x64 uint8
// radial-sine chunks on the given number of threads, without touching the
// disk. Prints one RESULT line.
//   blosc_ceiling [--frames=N] [--threads=T] [--cname=lz4|zstd] [--gather]
//                 [--period=S] [--distinct=K] [--like-acqsrc]
// Without --gather it compresses one chunk row laid out in advance, over and
// over (the "bare blosc" column of the library table). With --gather each
// chunk is first gathered from the frames (the one copy a writer cannot
// avoid), by the thread that then compresses it: the tiles of a chunk row
// are shared by the threads, which first gather every source frame once,
// untimed (first reads of fresh memory are slow on this VM). Frames cycle through K distinct ones of the
// pattern at S seconds a frame (acqsrc's default: 10 ms, so 10 distinct);
// --like-acqsrc makes them exactly as acqsrc does (bench/radial_sine.hh).
#include <blosc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/child_case.hh"
#include "bench/radial_sine.hh"

namespace {

constexpr std::uint32_t width = 1920, height = 1080, tile_w = 960, tile_h = 540, planes = 64;
constexpr std::size_t chunk_bytes = std::size_t(planes) * tile_h * tile_w;
constexpr unsigned tiles_per_row = (width / tile_w) * (height / tile_h);

struct Options {
  std::uint64_t frames = 1000;
  unsigned threads = std::thread::hardware_concurrency();
  std::string cname = "lz4";
  bool gather = false;
  double period = 0.013;
  unsigned distinct = 8;
  bool like_acqsrc = false;
};

using Frames = std::vector<std::vector<std::uint8_t>>;

// Copies tile `tile` of the planes [first, first + count) into chunk, plane by plane.
void gather_chunk(const Frames& frames, std::uint64_t first, unsigned count, unsigned tile, std::uint8_t* chunk) {
  const unsigned cx = tile % (width / tile_w), cy = tile / (width / tile_w);
  for (unsigned p = 0; p < count; ++p) {
    const auto& frame = frames[(first + p) % frames.size()];
    for (unsigned y = 0; y < tile_h; ++y)
      std::memcpy(chunk + (std::size_t(p) * tile_h + y) * tile_w,
                  &frame[std::size_t(cy * tile_h + y) * width + cx * tile_w], tile_w);
  }
}

// Each thread's chunk and output buffers, touched before any clock starts.
struct Workspace {
  explicit Workspace(unsigned threads)
      : chunks(threads, std::vector<std::uint8_t>(chunk_bytes, 1)),
        outs(threads, std::vector<std::uint8_t>(chunk_bytes + BLOSC_MAX_OVERHEAD, 1)) {}
  std::vector<std::vector<std::uint8_t>> chunks, outs;
};

// Runs work(i, chunk, out) for i in [0, items) on the threads, each with its
// own buffers of `space`; returns the seconds, the compressed bytes and the
// CPU seconds of every thread.
struct Timed {
  double seconds;
  std::uint64_t compressed;
  double cpu;
};

template <class Work>
Timed run_on_threads(const Options& options, Workspace& space, std::uint64_t items, Work work) {
  std::atomic<std::uint64_t> next{0}, compressed{0};
  const auto start = std::chrono::steady_clock::now();
  const double cpu_at_start = bench::process_cpu_seconds();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < options.threads; ++t)
    pool.emplace_back([&, t] {
      for (std::uint64_t i; (i = next++) < items;) compressed += work(i, space.chunks[t].data(), space.outs[t]);
    });
  for (auto& thread : pool) thread.join();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), compressed.load(),
          bench::process_cpu_seconds() - cpu_at_start};
}

std::uint64_t compress(const Options& options, const std::uint8_t* chunk, std::size_t bytes,
                       std::vector<std::uint8_t>& out) {
  const int n = blosc_compress_ctx(1, BLOSC_SHUFFLE, 1, bytes, chunk, out.data(), out.size(), options.cname.c_str(), 0, 1);
  if (n <= 0) std::abort();
  return std::uint64_t(n);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (name == "--frames")
      options.frames = std::stoull(value);
    else if (name == "--threads" && std::stoul(value) > 0)
      options.threads = unsigned(std::stoul(value));
    else if (name == "--cname")
      options.cname = value;
    else if (name == "--gather")
      options.gather = true;
    else if (name == "--period")
      options.period = std::stod(value);
    else if (name == "--distinct" && std::stoul(value) > 0)
      options.distinct = unsigned(std::stoul(value));
    else if (name == "--like-acqsrc")
      options.like_acqsrc = true;
    else if (name != "--threads") {
      std::fprintf(stderr, "blosc_ceiling: unknown option %s\n", arg.c_str());
      return 64;
    }
  }
  const Frames patterns = options.like_acqsrc
                              ? bench::acqsrc_radial_sine_frames(width, height, options.distinct, options.period)
                              : bench::radial_sine_frames(width, height, options.distinct, options.period);
  // With --gather, at least a chunk row of frames in distinct memory, as a
  // camera delivers them: gathering from a few frames that stay in the CPU's
  // cache would be cheaper than any recording.
  Frames source;
  const std::size_t copies = options.gather ? (planes + patterns.size() - 1) / patterns.size() : 1;
  for (std::size_t c = 0; c < copies; ++c) source.insert(source.end(), patterns.begin(), patterns.end());
  const std::uint64_t rows = (options.frames + planes - 1) / planes;

  Workspace space(options.threads);
  Timed timed{};
  std::uint64_t raw_bytes = 0;
  if (options.gather) {
    // Untimed, the threads first gather every source frame once. On this VM
    // the first reads of freshly written memory by the worker threads cost
    // about 0.2 s per 145 MB of frames, paid once (a second pass runs at
    // 8 GB/s); a camera's buffers are reused, so the ceiling is the steady state.
    const std::uint64_t source_rows = (source.size() + planes - 1) / planes;
    run_on_threads(options, space, source_rows * tiles_per_row, [&](std::uint64_t i, std::uint8_t* chunk, auto&) {
      const std::uint64_t first = i / tiles_per_row * planes;
      gather_chunk(source, first, unsigned(std::min<std::uint64_t>(planes, source.size() - first)),
                   unsigned(i % tiles_per_row), chunk);
      return std::uint64_t{0};
    });
    // Every frame once, in rows of 64 planes (the last row as deep as the frames left).
    raw_bytes = options.frames * width * height;
    timed = run_on_threads(options, space, rows * tiles_per_row, [&](std::uint64_t i, std::uint8_t* chunk, auto& out) {
      const std::uint64_t first = i / tiles_per_row * planes;
      const unsigned count = unsigned(std::min<std::uint64_t>(planes, options.frames - first));
      gather_chunk(source, first, count, unsigned(i % tiles_per_row), chunk);
      return compress(options, chunk, std::size_t(count) * tile_h * tile_w, out);
    });
  } else {
    // One chunk row laid out chunk by chunk, as the writer holds it; every row of the run is alike.
    std::vector<std::vector<std::uint8_t>> row(tiles_per_row, std::vector<std::uint8_t>(chunk_bytes));
    for (unsigned tile = 0; tile < tiles_per_row; ++tile) gather_chunk(source, 0, planes, tile, row[tile].data());
    raw_bytes = rows * tiles_per_row * chunk_bytes;
    timed = run_on_threads(options, space, rows * tiles_per_row, [&](std::uint64_t i, std::uint8_t*, auto& out) {
      return compress(options, row[i % tiles_per_row].data(), chunk_bytes, out);
    });
  }
  const auto [seconds, compressed, cpu] = timed;
  std::printf("RESULT case=%s frames=%llu seconds=%.3f gbps=%.3f ratio=%.2f threads=%u gather=%d cpu=%.3f\n",
              options.cname.c_str(), static_cast<unsigned long long>(options.gather ? options.frames : rows * planes),
              seconds, double(raw_bytes) / seconds / 1e9, double(raw_bytes) / double(compressed), options.threads,
              int(options.gather), cpu);
  return 0;
}
