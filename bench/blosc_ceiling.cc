// The compute ceiling of a blosc writer: compresses the same 960x540x64
// uint8 radial-sine chunks as zarr_writer_bench, on the same number of
// threads, without touching the disk. Prints one RESULT line.
//   blosc_ceiling [--frames=N] [--threads=T] [--cname=lz4|zstd]
#include <blosc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/radial_sine.hh"

int main(int argc, char** argv) {
  std::uint64_t frames = 1000;
  unsigned threads = std::thread::hardware_concurrency();
  std::string cname = "lz4";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (name == "--frames")
      frames = std::stoull(value);
    else if (name == "--threads" && std::stoul(value) > 0)
      threads = unsigned(std::stoul(value));
    else if (name == "--cname")
      cname = value;
    else if (name != "--threads") {
      std::fprintf(stderr, "blosc_ceiling: unknown option %s\n", arg.c_str());
      return 64;
    }
  }
  constexpr std::uint32_t width = 1920, height = 1080, tile_w = 960, tile_h = 540, planes = 64;
  const auto source = bench::radial_sine_frames(width, height, 8);

  // One t-chunk row (64 frames cycling through the 8 distinct ones) laid out
  // chunk by chunk, as the writer holds it; every row of the run is alike.
  const std::size_t chunk_bytes = std::size_t(planes) * tile_h * tile_w;
  std::vector<std::vector<std::uint8_t>> chunks(4, std::vector<std::uint8_t>(chunk_bytes));
  for (unsigned p = 0; p < planes; ++p)
    for (unsigned cy = 0; cy < 2; ++cy)
      for (unsigned cx = 0; cx < 2; ++cx)
        for (unsigned y = 0; y < tile_h; ++y)
          std::memcpy(&chunks[cy * 2 + cx][(std::size_t(p) * tile_h + y) * tile_w],
                      &source[p % source.size()][std::size_t(cy * tile_h + y) * width + cx * tile_w], tile_w);

  const std::uint64_t total_chunks = (frames + planes - 1) / planes * chunks.size();
  std::atomic<std::uint64_t> next{0}, compressed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      std::vector<std::uint8_t> out(chunk_bytes + BLOSC_MAX_OVERHEAD);
      for (std::uint64_t i; (i = next++) < total_chunks;) {
        const int n = blosc_compress_ctx(1, BLOSC_SHUFFLE, 1, chunk_bytes, chunks[i % chunks.size()].data(), out.data(),
                                         out.size(), cname.c_str(), 0, 1);
        if (n <= 0) std::abort();
        compressed += std::uint64_t(n);
      }
    });
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double raw = double(total_chunks) * chunk_bytes;
  std::printf("RESULT case=%s frames=%llu seconds=%.3f gbps=%.3f ratio=%.2f threads=%u\n", cname.c_str(),
              static_cast<unsigned long long>(total_chunks / chunks.size() * planes), seconds, raw / seconds / 1e9,
              raw / double(compressed), threads);
  return 0;
}
