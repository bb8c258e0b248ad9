#include "zarr/memory_budget.hh"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "zarr/error.hh"

namespace zarr {

namespace {

std::optional<std::uint64_t> read_number(const std::string& path) {
  std::ifstream file(path);
  std::string text;
  if (!(file >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (...) {
    return std::nullopt;
  }
}

// The room left under `limit`, given `usage`.
std::uint64_t room(std::uint64_t limit, std::optional<std::uint64_t> usage) {
  return limit > usage.value_or(0) ? limit - usage.value_or(0) : 0;
}

// The room left under the cgroup limits of this process, if it has any: the
// least room of its cgroup and every cgroup above it, since each limit
// counts the memory of everything below it.
std::optional<std::uint64_t> cgroup_room() {
  std::ifstream cgroups("/proc/self/cgroup");
  std::string line;
  while (std::getline(cgroups, line)) {
    // "0::/path" (v2) or "N:memory,...:/path" (v1)
    const std::size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const bool v2 = controllers.empty();
    if (!v2 && controllers.find("memory") == std::string::npos) continue;
    const std::string root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
    const char* limit_file = v2 ? "/memory.max" : "/memory.limit_in_bytes";
    const char* usage_file = v2 ? "/memory.current" : "/memory.usage_in_bytes";
    std::optional<std::uint64_t> least;
    for (std::string path = line.substr(second + 1);; path = path.substr(0, path.rfind('/'))) {
      if (path == "/") path.clear();
      std::optional<std::uint64_t> limit = read_number(root + path + limit_file);
      if (limit && *limit >= (1ull << 62)) limit.reset();  // v1's "unlimited"
      if (limit) {
        const std::uint64_t here = room(*limit, read_number(root + path + usage_file));
        least = least ? std::min(*least, here) : here;
      }
      if (path.empty()) break;
    }
    if (least) return least;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> mem_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return std::nullopt;
}

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

}  // namespace

std::uint64_t recording_memory(const Settings& settings, const std::vector<ImageAxes>& levels) {
  std::uint64_t row = 0;
  for (const ImageAxes& level : levels) row += level.row_bytes();
  return (1 + std::uint64_t(settings.rows_in_flight)) * row;
}

std::optional<std::uint64_t> memory_available() {
  const std::optional<std::uint64_t> cgroup = cgroup_room(), system = mem_available();
  if (cgroup && system) return std::min(*cgroup, *system);
  return cgroup ? cgroup : system;
}

void check_recording_memory(const Settings& settings, const std::vector<ImageAxes>& levels,
                            std::optional<std::uint64_t> available) {
  const std::uint64_t needed = recording_memory(settings, levels);
  if (!available || needed <= *available) return;
  const ImageAxes& full = levels.front();
  const Axis& append = full.axes[full.append];
  std::string drivers = settings.tile_planes ? "\"tile-planes\" (" + std::to_string(settings.tile_planes) + ")"
                                             : "\"max-bytes-per-chunk\" (" + std::to_string(append.chunk) + " " +
                                                   append.name + " per chunk)";
  if (full.frames_per_step() > 1)
    drivers += ", \"dimensions\" (" + std::to_string(full.frames_per_step()) + " frames per " + append.name + ")";
  if (append.shard > 1) drivers += ", \"chunks-per-shard-t\" (" + std::to_string(append.shard) + ")";
  if (settings.rows_in_flight > 1)
    drivers += ", \"rows-in-flight\" (" + std::to_string(settings.rows_in_flight) + ")";
  if (levels.size() > 1) drivers += ", \"multiscale\" (" + std::to_string(levels.size()) + " levels)";
  // A row of one step cannot be smaller: only fewer frames a step can help.
  const bool one_step = full.steps_per_row() == 1;
  std::string advice =
      one_step ? "each row already holds one " + append.name + " of " + std::to_string(full.frames_per_step()) +
                     " frames: lower the sizes in \"dimensions\", record smaller frames, or free memory"
               : "lower tile-planes (or leave it 0 and lower max-bytes-per-chunk), the chunk or shard of the "
                 "append dimension, or chunks-per-shard-t";
  if (settings.rows_in_flight > 1) advice += "; or lower rows-in-flight";
  throw Error(ErrorCode::insufficient_memory,
              "the recording needs " + mib(needed) + " for its chunk rows (" +
                  std::to_string(1 + settings.rows_in_flight) + " rows of " + std::to_string(full.frames_per_row()) +
                  " frames of " + std::to_string(settings.width) + "x" + std::to_string(settings.height) +
                  "), more than the " + mib(*available) +
                  " this process may still use (cgroup limit or MemAvailable). It is set by " + drivers + ": " +
                  advice);
}

}  // namespace zarr
