#include "zarr/image_axes.hh"

#include <algorithm>
#include <numeric>

#include "zarr/error.hh"
#include "zarr/memory_budget.hh"
#include "zarr/pyramid.hh"
#include "zarr/settings.hh"

namespace zarr {

namespace {

[[noreturn]] void reject(const std::string& setting, const std::string& why) { throw invalid_setting(setting, why); }

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Products of chunk extents, in double and saturated: absurd settings give
// UINT64_MAX, which every limit then refuses, instead of a wrapped size.
std::uint64_t saturated(double value) { return value >= 18446744073709549568.0 ? UINT64_MAX : std::uint64_t(value); }

// OME-NGFF's order: time, then channel or custom, then space.
int rank(DimensionKind kind) {
  switch (kind) {
    case DimensionKind::time: return 0;
    case DimensionKind::channel:
    case DimensionKind::other: return 1;
    case DimensionKind::space: return 2;
  }
  return 1;
}

std::uint32_t clamp_tile(std::uint32_t tile, std::uint32_t extent) {
  return (tile == 0 || tile > extent) ? extent : tile;
}

// At most one axis of each OME-NGFF group: one time, one channel or
// custom, one space above y and x.
void check_kinds(const std::vector<Dimension>& dims, std::uint32_t colours) {
  const Dimension* seen[3] = {nullptr, nullptr, nullptr};
  for (const Dimension& d : dims) {
    const Dimension*& first = seen[rank(d.kind)];
    if (first) {
      const char* group = rank(d.kind) == 0 ? "time" : rank(d.kind) == 1 ? "channel or other" : "space";
      reject("dimensions", "\"" + first->name + "\" and \"" + d.name + "\" are both of kind " + group +
                               "; OME-NGFF allows one " + group + " axis" +
                               (rank(d.kind) == 2 ? " above y and x (three space axes in all)" : ""));
    }
    first = &d;
  }
  if (colours > 1 && dims.front().kind == DimensionKind::channel)
    reject("dimensions", "the frames have " + std::to_string(colours) + " channels (a colour format), so the append "
                         "dimension \"" + dims.front().name + "\" cannot be of kind channel; append along time or space");
  if (colours > 1 && seen[1] && seen[1]->kind == DimensionKind::other)
    reject("dimensions", "the frames have " + std::to_string(colours) + " channels (a colour format) and \"" +
                             seen[1]->name +
                             "\" is of kind other; OME-NGFF allows one channel or custom axis: make it kind channel "
                             "(the frame's channels then come fastest along it) or record a one-channel format");
}

// A setting of its own (tile-planes, chunks-per-shard-t) and the append
// dimension's part mean the same thing: one of them, or both equal.
std::uint32_t one_of(const Dimension& append, std::uint32_t from_dimension, const char* setting, std::uint32_t value,
                     std::uint32_t unset) {
  if (from_dimension && value != unset && value != from_dimension)
    reject(setting, std::to_string(value) + " and the append dimension \"" + append.name + "\" of \"dimensions\" (" +
                        std::to_string(from_dimension) + ") both set it; give it in one place");
  return from_dimension ? from_dimension : value;
}

}  // namespace

std::uint64_t ImageAxes::frames_per_step() const {
  std::uint64_t frames = 1;
  for (std::size_t i = 1; i < acquisition_sizes.size(); ++i) frames *= acquisition_sizes[i];
  return frames;
}

std::uint64_t ImageAxes::planes_per_chunk() const {
  double planes = 1;
  for (std::size_t i = 0; i < plane_axes(); ++i) planes *= axes[i].chunk;
  return saturated(planes);
}

std::vector<std::uint32_t> ImageAxes::plane_chunk_counts() const {
  std::vector<std::uint32_t> counts;
  for (std::size_t i = 0; i < plane_axes(); ++i)
    counts.push_back(i == append ? axes[i].shard : std::uint32_t(ceil_div(axes[i].size, axes[i].chunk)));
  return counts;
}

std::size_t ImageAxes::plane_chunks_per_row() const {
  std::size_t chunks = 1;
  for (std::uint32_t count : plane_chunk_counts()) chunks *= count;
  return chunks;
}

std::uint64_t ImageAxes::chunk_bytes() const {
  return saturated(double(planes_per_chunk()) * y().chunk * x().chunk * double(sample_size));
}

std::uint64_t ImageAxes::row_bytes() const {
  return saturated(double(chunk_bytes()) * double(plane_chunks_per_row()) *
                   double(ceil_div(y().size, y().chunk)) * double(ceil_div(x().size, x().chunk)));
}

bool ImageAxes::sharded() const {
  return std::any_of(axes.begin(), axes.end(), [](const Axis& a) { return a.shard > 1; });
}

std::vector<std::uint64_t> ImageAxes::shape(std::uint64_t steps) const {
  std::vector<std::uint64_t> out;
  for (const Axis& a : axes) out.push_back(a.size);
  out[append] = steps;
  return out;
}

std::vector<std::uint64_t> ImageAxes::chunks() const {
  std::vector<std::uint64_t> out;
  for (const Axis& a : axes) out.push_back(a.chunk);
  return out;
}

std::vector<std::uint64_t> ImageAxes::chunks_per_shard() const {
  std::vector<std::uint64_t> out;
  for (const Axis& a : axes) out.push_back(a.shard);
  return out;
}

std::vector<std::string> ImageAxes::names() const {
  std::vector<std::string> out;
  for (const Axis& a : axes) out.push_back(a.name);
  return out;
}

void check_dimensions(const Settings& s) {
  const std::vector<Dimension> dims = parse_dimensions(s.dimensions);
  check_kinds(dims, 1);
  const Dimension& first = dims.front();
  one_of(first, first.chunk, "tile-planes", s.tile_planes, 0);
  one_of(first, first.shard, "chunks-per-shard-t", s.chunks_per_shard_t, 1);
  std::uint64_t frames = 1, per_shard = std::uint64_t(s.chunks_per_shard_y) * s.chunks_per_shard_x;
  for (const Dimension& d : dims) {
    if (&d != &first) frames *= d.size;
    if (frames > max_frames_per_step)
      reject("dimensions", "\"" + s.dimensions + "\" puts more than " + std::to_string(max_frames_per_step) +
                               " frames in each index of \"" + first.name + "\" (the product of the other sizes)");
    const std::uint32_t shard = &d == &first ? std::max(first.shard, s.chunks_per_shard_t) : d.shard;
    if (d.shard > 1 && s.zarr_version != 3)
      reject("dimensions", "\"" + d.name + "\" has " + std::to_string(d.shard) +
                               " chunks per shard, but sharding needs Zarr v3: set \"zarr-version\" to 3");
    per_shard *= std::max(shard, 1u);
  }
  if (per_shard > max_chunks_per_shard)
    reject("dimensions", "with \"chunks-per-shard-y\" and \"chunks-per-shard-x\" gives " + std::to_string(per_shard) +
                             " chunks per shard, more than " + std::to_string(max_chunks_per_shard));
}

ImageAxes image_axes(const Settings& s) {
  const std::vector<Dimension> dims = parse_dimensions(s.dimensions);
  check_kinds(dims, s.channels);
  const Dimension& first = dims.front();

  // The acquisition dimensions, then an axis for the frame's own channels
  // when no dimension of kind channel takes them.
  struct Entry {
    Dimension dimension;
    int acquisition;  // index in dims, -1 for the added channel axis
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < dims.size(); ++i) entries.push_back({dims[i], int(i)});
  const bool has_channel = std::any_of(entries.begin(), entries.end(),
                                       [](const Entry& e) { return e.dimension.kind == DimensionKind::channel; });
  if (s.channels > 1 && !has_channel) entries.push_back({{"c", DimensionKind::channel, 1, 1, 0}, -1});
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return rank(a.dimension.kind) < rank(b.dimension.kind); });

  ImageAxes image;
  image.sample_size = sample_size(s.data_type);
  image.colours = s.channels;
  image.append_size = first.size;
  image.acquisition.assign(dims.size(), 0);
  for (const Dimension& d : dims) image.acquisition_sizes.push_back(d.size);
  for (std::size_t j = 0; j < entries.size(); ++j) {
    const Dimension& d = entries[j].dimension;
    Axis axis{d.name, d.kind, d.size, d.chunk, d.shard ? d.shard : 1u, 1.0};
    if (d.kind == DimensionKind::channel && s.channels > 1) {
      axis.size *= s.channels;
      image.colour_axis = j;
    }
    if (entries[j].acquisition >= 0) image.acquisition[std::size_t(entries[j].acquisition)] = j;
    if (entries[j].acquisition == 0) {
      image.append = j;
      axis.size = 0;
    }
    image.axes.push_back(axis);
  }

  // y and x: the tile rule of today.
  image.axes.push_back({"y", DimensionKind::space, s.height, clamp_tile(s.tile_height, s.height),
                        s.chunks_per_shard_y, s.pixel_size_y_um});
  image.axes.push_back({"x", DimensionKind::space, s.width, clamp_tile(s.tile_width, s.width),
                        s.chunks_per_shard_x, s.pixel_size_x_um});

  Axis& append = image.axes[image.append];
  append.shard = one_of(first, first.shard, "chunks-per-shard-t", s.chunks_per_shard_t, 1);
  append.chunk = one_of(first, first.chunk, "tile-planes", s.tile_planes, 0);

  // Chunks left to the rule: channel and other one plane (a viewer reads
  // one channel at a time), space as deep as max-bytes-per-chunk allows
  // after the chunks given (the append axis's too), then the append axis
  // with what is left.
  const std::uint64_t tile_bytes = std::uint64_t(image.y().chunk) * image.x().chunk * image.sample_size;
  const std::uint64_t budget = std::max<std::uint64_t>(1, s.max_bytes_per_chunk / tile_bytes);
  std::uint64_t fixed = std::max(append.chunk, 1u);
  for (std::size_t j = 0; j < image.plane_axes(); ++j) {
    Axis& a = image.axes[j];
    if (j == image.append) continue;
    if (a.chunk == 0 && a.kind != DimensionKind::space) a.chunk = 1;
    if (a.chunk > a.size) a.chunk = std::uint32_t(a.size);
    if (a.chunk) fixed *= a.chunk;
  }
  for (std::size_t j = 0; j < image.plane_axes(); ++j) {
    Axis& a = image.axes[j];
    if (j == image.append || a.chunk) continue;
    a.chunk = std::uint32_t(std::clamp<std::uint64_t>(budget / fixed, 1, a.size));
    fixed *= a.chunk;
  }
  if (append.chunk == 0) {
    if (s.max_bytes_per_chunk == 0)
      reject("max-bytes-per-chunk", "is 0 while \"tile-planes\" is 0: set one of them so the chunk depth can be known");
    std::uint64_t steps = std::max<std::uint64_t>(1, budget / fixed);  // fixed: the other axes' chunks
    if (image.append_size) steps = std::min(steps, image.append_size);
    // Small tiles would make deep chunks and rows of gigabytes: the rows of
    // a recording stay within default_recording_memory.
    append.chunk = 1;
    const std::uint64_t per_step = recording_memory(s, pyramid_levels(s, image));
    steps = std::min(steps, std::max<std::uint64_t>(1, default_recording_memory / std::max<std::uint64_t>(per_step, 1)));
    append.chunk = std::uint32_t(std::min<std::uint64_t>(steps, UINT32_MAX));
  }

  // Seconds per step of a time axis: the frame interval times the frames
  // between two of its indices (those of the dimensions after it).
  if (s.frame_interval_s > 0)
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (dims[i].kind != DimensionKind::time) continue;
      double frames = 1;
      for (std::size_t k = i + 1; k < dims.size(); ++k) frames *= double(dims[k].size);
      image.axes[image.acquisition[i]].scale = s.frame_interval_s * frames;
    }
  for (std::size_t j = 0; j < image.plane_axes(); ++j)
    if (image.axes[j].kind == DimensionKind::space) image.axes[j].scale = s.pixel_size_z_um;
  return image;
}

}  // namespace zarr
