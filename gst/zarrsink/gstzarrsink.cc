/**
 * SECTION:element-zarrsink
 * @title: zarrsink
 *
 * Records video frames into a chunked, optionally compressed Zarr dataset:
 * a group with an array `0` of shape (t, c, y, x) and OME-NGFF metadata.
 * Zarr v2 (the default, OME-NGFF 0.4) or, with `zarr-version=3`, Zarr v3
 * (OME-NGFF 0.5), optionally sharded (`chunks-per-shard-x/-y/-t`) so long
 * recordings make few files. With `multiscale=true` arrays `1`, `2`, ...
 * hold a pyramid that halves y and x per level (`downsample-method`), for
 * viewers that open any zoom. The caps' framerate gives the time scale. GRAY8 becomes uint8, GRAY16 (either byte order) uint16 stored
 * little-endian, and packed RGB-family formats uint8 with one channel per
 * colour component in R, G, B(, A) order. Compression and writing run on the
 * library's worker threads; EOS means the data is on disk.
 *
 * A location `s3://bucket/path/name.zarr` records into an S3 bucket
 * (AWS, or `s3-endpoint` for MinIO, Ceph...); credentials come from the
 * usual AWS environment variables or files, never from a property. See
 * docs/object-storage.md.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e acqsrc camera="simulated: radial sin" exposure-time-us=50000 num-buffers=10 \
 *   ! video/x-raw,format=GRAY8,width=1920,height=1080 \
 *   ! zarrsink location=out.zarr tile-width=960 tile-height=540 max-bytes-per-chunk=33554432
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/zarrsink/gstzarrsink.hh"

#include <gst/video/video.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "gst/zarrsink/element_error.hh"
#include "gst/zarrsink/video_layout.hh"
#include "gst/zarrsink/zarrsink_enums.hh"
#include "zarr/error.hh"
#include "zarr/writer.hh"

GST_DEBUG_CATEGORY_STATIC(gst_zarr_sink_debug);
#define GST_CAT_DEFAULT gst_zarr_sink_debug

namespace {

constexpr guint64 default_max_bytes_per_chunk = 64ull << 20;
// S3 refuses multipart parts below 5 MiB (except the last one).
constexpr guint64 min_s3_multipart_threshold = 5ull << 20;
constexpr guint64 default_s3_multipart_threshold = 64ull << 20;
constexpr const char* default_s3_region = "us-east-1";

bool is_s3_location(const std::string& location) { return location.rfind("s3://", 0) == 0; }

// Property values; written only in NULL/READY (GST_PARAM_MUTABLE_READY).
struct Properties {
  std::string location;
  bool overwrite = false;
  guint tile_width = 0;
  guint tile_height = 0;
  guint tile_planes = 0;
  guint64 max_bytes_per_chunk = default_max_bytes_per_chunk;
  int compressor = compressor_enum_value("none");
  int clevel = 1;
  int shuffle = int(zarr::Shuffle::byte);
  double pixel_size_x = 1.0;
  double pixel_size_y = 1.0;
  std::string metadata;
  guint max_threads = 0;
  guint zarr_version = 2;
  guint chunks_per_shard_x = 1;
  guint chunks_per_shard_y = 1;
  guint chunks_per_shard_t = 1;
  bool multiscale = false;
  int downsample_method = int(zarr::DownsampleMethod::mean);
  // Only used with an s3:// location; credentials never come from properties.
  std::string s3_endpoint;
  std::string s3_region = default_s3_region;
  guint64 s3_multipart_threshold = default_s3_multipart_threshold;
};

// The recording in progress: exists from the first caps until EOS or PAUSED -> READY.
struct Recording {
  GstVideoInfo info;
  VideoLayout layout;
  std::unique_ptr<zarr::Writer> writer;
  bool failed = false;  // an error was posted; nothing more is appended
};

struct State {
  std::mutex mutex;  // guards props, recording (pointer) and last_stats
  Properties props;
  std::unique_ptr<Recording> recording;
  zarr::Stats last_stats;  // of the last recording closed, for the stats property
  // Opening the dataset failed and the error is on the bus. Upstream may
  // offer the caps again; a second attempt would only repeat the error (and,
  // for S3, the network retries), so it is not made until the next start().
  bool open_failed = false;
};

}  // namespace

struct _GstZarrSink {
  GstBaseSink parent;
  State* state;
};

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_OVERWRITE,
  PROP_TILE_WIDTH,
  PROP_TILE_HEIGHT,
  PROP_TILE_PLANES,
  PROP_MAX_BYTES_PER_CHUNK,
  PROP_COMPRESSOR,
  PROP_CLEVEL,
  PROP_SHUFFLE,
  PROP_PIXEL_SIZE_X,
  PROP_PIXEL_SIZE_Y,
  PROP_METADATA,
  PROP_MAX_THREADS,
  PROP_STATS,
  PROP_ZARR_VERSION,
  PROP_CHUNKS_PER_SHARD_X,
  PROP_CHUNKS_PER_SHARD_Y,
  PROP_CHUNKS_PER_SHARD_T,
  PROP_MULTISCALE,
  PROP_DOWNSAMPLE_METHOD,
  PROP_S3_ENDPOINT,
  PROP_S3_REGION,
  PROP_S3_MULTIPART_THRESHOLD,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(ZARR_SINK_VIDEO_FORMATS)));

G_DEFINE_TYPE(GstZarrSink, gst_zarr_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE(zarrsink, "zarrsink", GST_RANK_NONE, GST_TYPE_ZARR_SINK);

static GstStructure* stats_structure(const zarr::Stats& stats) {
  return gst_structure_new("zarrsink-stats", "frames", G_TYPE_UINT64, guint64(stats.frames), "bytes-in",
                           G_TYPE_UINT64, guint64(stats.bytes_in), "bytes-written", G_TYPE_UINT64,
                           guint64(stats.bytes_written), "compression-ratio", G_TYPE_DOUBLE,
                           stats.compression_ratio(), "chunks-written", G_TYPE_UINT64,
                           guint64(stats.chunks_written), nullptr);
}

// Called by the library's workers each time a chunk row is on disk.
static void post_progress(GstZarrSink* sink, const zarr::Stats& stats) {
  GstStructure* s = gst_structure_new("zarrsink-progress", "frames", G_TYPE_UINT64, guint64(stats.frames),
                                      "bytes-written", G_TYPE_UINT64, guint64(stats.bytes_written),
                                      "compression-ratio", G_TYPE_DOUBLE, stats.compression_ratio(), nullptr);
  gst_element_post_message(GST_ELEMENT(sink), gst_message_new_element(GST_OBJECT(sink), s));
}

// Checks what can be checked before caps arrive, so that a wrong location
// or metadata fails the READY->PAUSED change instead of the first frame.
static gboolean check_properties(GstZarrSink* sink, const Properties& props) {
  if (props.location.empty()) {
    GST_ELEMENT_ERROR(sink, RESOURCE, NOT_FOUND, ("No location set: set the \"location\" property to a directory, or an s3://bucket/path URL, for the Zarr dataset."),
                      (nullptr));
    return FALSE;
  }
  if (props.tile_planes == 0 && props.max_bytes_per_chunk == 0) {
    GST_ELEMENT_ERROR(sink, RESOURCE, SETTINGS,
                      ("\"max-bytes-per-chunk\" is 0 while \"tile-planes\" is 0: set one of them so the chunk depth can be known."),
                      (nullptr));
    return FALSE;
  }
  if (props.zarr_version != 3) {
    const std::pair<const char*, guint> shard_counts[] = {{"chunks-per-shard-x", props.chunks_per_shard_x},
                                                          {"chunks-per-shard-y", props.chunks_per_shard_y},
                                                          {"chunks-per-shard-t", props.chunks_per_shard_t}};
    for (const auto& [name, count] : shard_counts)
      if (count > 1) {
        GST_ELEMENT_ERROR(sink, RESOURCE, SETTINGS,
                          ("\"%s\" is %u, but sharding needs Zarr v3: set \"zarr-version\" to 3, or %s to 1.", name,
                           count, name),
                          ("zarr-version: %u", props.zarr_version));
        return FALSE;
      }
  }
  if (!props.metadata.empty()) {
    try {
      if (!nlohmann::json::parse(props.metadata).is_object()) {
        GST_ELEMENT_ERROR(sink, RESOURCE, SETTINGS, ("The \"metadata\" property must be a JSON object ({...})."),
                          ("metadata: %s", props.metadata.c_str()));
        return FALSE;
      }
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
      GST_ELEMENT_ERROR(sink, RESOURCE, SETTINGS, ("The \"metadata\" property is not valid JSON: %s", e.what()),
                        ("metadata: %s", props.metadata.c_str()));
      return FALSE;
    }
  }
  // An s3:// location itself is checked by the library when the recording
  // opens (first caps): that needs the network and the credentials.
  if (is_s3_location(props.location)) {
    const std::string& endpoint = props.s3_endpoint;
    if (!endpoint.empty() && endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
      GST_ELEMENT_ERROR(sink, RESOURCE, SETTINGS,
                        ("\"s3-endpoint\" must be an http:// or https:// URL (or empty for AWS), not \"%s\".",
                         endpoint.c_str()),
                        ("location: %s", props.location.c_str()));
      return FALSE;
    }
    return TRUE;
  }
  std::error_code ec;
  const std::filesystem::path location(props.location);
  if (!props.overwrite && std::filesystem::exists(location, ec) &&
      !(std::filesystem::is_directory(location, ec) && std::filesystem::is_empty(location, ec))) {
    GST_ELEMENT_ERROR(sink, RESOURCE, OPEN_WRITE,
                      ("Location \"%s\" already holds data; set \"overwrite\" to replace a Zarr dataset, or choose another location.",
                       props.location.c_str()),
                      ("path: %s", props.location.c_str()));
    return FALSE;
  }
  return TRUE;
}

static guint clamp_tile(GstZarrSink* sink, const char* property, guint tile, guint extent) {
  if (tile <= extent) return tile;
  GST_ELEMENT_WARNING(sink, RESOURCE, SETTINGS,
                      ("\"%s\" (%u) is larger than the frame (%u); using %u.", property, tile, extent, extent), (nullptr));
  return extent;
}

static zarr::Settings writer_settings(GstZarrSink* sink, const Properties& props, const VideoLayout& layout,
                                      const GstVideoInfo& info) {
  zarr::Settings settings;
  settings.location = props.location;
  settings.overwrite = props.overwrite;
  settings.data_type = layout.data_type;
  settings.width = layout.width;
  settings.height = layout.height;
  settings.channels = layout.channels;
  settings.tile_width = clamp_tile(sink, "tile-width", props.tile_width, layout.width);
  settings.tile_height = clamp_tile(sink, "tile-height", props.tile_height, layout.height);
  settings.tile_planes = props.tile_planes;
  settings.max_bytes_per_chunk = props.max_bytes_per_chunk;
  settings.compression.compressor = to_zarr_compressor(props.compressor);
  settings.compression.clevel = props.clevel;
  settings.compression.shuffle = to_zarr_shuffle(props.shuffle);
  settings.pixel_size_x_um = props.pixel_size_x;
  settings.pixel_size_y_um = props.pixel_size_y;
  settings.user_metadata_json = props.metadata;
  settings.max_threads = props.max_threads;
  settings.zarr_version = int(props.zarr_version);
  settings.chunks_per_shard_x = props.chunks_per_shard_x;
  settings.chunks_per_shard_y = props.chunks_per_shard_y;
  settings.chunks_per_shard_t = props.chunks_per_shard_t;
  settings.multiscale = props.multiscale;
  settings.downsample_method = to_zarr_downsample_method(props.downsample_method);
  settings.s3.endpoint = props.s3_endpoint;
  settings.s3.region = props.s3_region.empty() ? default_s3_region : props.s3_region;
  settings.s3.multipart_threshold = props.s3_multipart_threshold;
  // A variable framerate (0/1) leaves the time scale unknown: frames count.
  if (GST_VIDEO_INFO_FPS_N(&info) > 0 && GST_VIDEO_INFO_FPS_D(&info) > 0)
    settings.frame_interval_s = double(GST_VIDEO_INFO_FPS_D(&info)) / GST_VIDEO_INFO_FPS_N(&info);
  return settings;
}

// Finishes the recording (last partial row, final metadata) and keeps its
// figures for the stats property. Returns FALSE after posting an error.
static gboolean close_recording(GstZarrSink* sink) {
  State& state = *sink->state;
  std::unique_ptr<Recording> recording;
  {
    std::lock_guard lock(state.mutex);
    if (!state.recording) return TRUE;
    recording = std::move(state.recording);
  }
  gboolean ok = TRUE;
  try {
    recording->writer->close();
  } catch (const zarr::Error& error) {
    if (!recording->failed) post_zarr_error(GST_ELEMENT(sink), error);
    else GST_WARNING_OBJECT(sink, "closing after an earlier error: %s", error.what());
    ok = FALSE;
  } catch (const std::bad_alloc&) {
    if (!recording->failed) post_out_of_memory(GST_ELEMENT(sink));
    ok = FALSE;
  }
  std::lock_guard lock(state.mutex);
  state.last_stats = recording->writer->stats();
  GST_INFO_OBJECT(sink, "closed after %" G_GUINT64_FORMAT " frames", guint64(state.last_stats.frames));
  return ok && !recording->failed;
}

// One recording per READY -> PAUSED ... PAUSED -> READY, the span in which
// the properties cannot change. (GstBaseSink's start/stop span NULL <-> READY,
// so a PLAYING -> READY -> PLAYING cycle would otherwise append the second
// run to the first run's dataset.)
static GstStateChangeReturn gst_zarr_sink_change_state(GstElement* element, GstStateChange transition) {
  auto* sink = GST_ZARR_SINK(element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    Properties props;
    {
      std::lock_guard lock(sink->state->mutex);
      props = sink->state->props;
      sink->state->last_stats = {};
      sink->state->open_failed = false;
    }
    if (!check_properties(sink, props)) return GST_STATE_CHANGE_FAILURE;
  }
  const GstStateChangeReturn result =
      GST_ELEMENT_CLASS(gst_zarr_sink_parent_class)->change_state(element, transition);
  // Set to READY or NULL without EOS: still finish what was received.
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) close_recording(sink);
  return result;
}

static gboolean gst_zarr_sink_set_caps(GstBaseSink* base, GstCaps* caps) {
  auto* sink = GST_ZARR_SINK(base);
  State& state = *sink->state;
  GstVideoInfo info;
  if (!gst_video_info_from_caps(&info, caps)) {
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("Cannot record these caps."), ("caps: %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  const auto layout = video_layout_from_info(info);
  if (!layout) {
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("Format %s cannot be recorded; put videoconvert in front.",
                                             gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info))),
                      ("caps: %" GST_PTR_FORMAT, caps));
    return FALSE;
  }

  Properties props;
  {
    std::lock_guard lock(state.mutex);
    if (state.recording) {
      const GstVideoInfo& current = state.recording->info;
      if (same_array_shape(current, info)) return TRUE;
      GST_ELEMENT_ERROR(sink, STREAM, FORMAT,
                        ("The video format changed mid-recording from %s %dx%d to %s %dx%d; a Zarr array has one "
                         "frame shape, so the recording stops here (the frames already recorded are kept).",
                         gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&current)), GST_VIDEO_INFO_WIDTH(&current),
                         GST_VIDEO_INFO_HEIGHT(&current), gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                         GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info)),
                        ("new caps: %" GST_PTR_FORMAT, caps));
      state.recording->failed = true;
      return FALSE;
    }
    if (state.open_failed) return FALSE;
    props = state.props;
  }

  if (is_s3_location(props.location))  // credentials are the library's business: never logged
    GST_DEBUG_OBJECT(sink, "S3 endpoint \"%s\", region %s, multipart above %" G_GUINT64_FORMAT " bytes",
                     props.s3_endpoint.c_str(), props.s3_region.c_str(), props.s3_multipart_threshold);
  auto recording = std::make_unique<Recording>();
  recording->info = info;
  recording->layout = *layout;
  try {
    recording->writer = std::make_unique<zarr::Writer>(
        writer_settings(sink, props, *layout, info), [sink](const zarr::Stats& stats) { post_progress(sink, stats); });
  } catch (const zarr::Error& error) {
    post_zarr_error(GST_ELEMENT(sink), error);
    std::lock_guard lock(state.mutex);
    state.open_failed = true;
    return FALSE;
  } catch (const std::bad_alloc&) {
    post_out_of_memory(GST_ELEMENT(sink));
    return FALSE;
  }
  GST_INFO_OBJECT(sink, "recording %" GST_PTR_FORMAT " into %s", caps, props.location.c_str());
  std::lock_guard lock(state.mutex);
  state.recording = std::move(recording);
  return TRUE;
}

static GstFlowReturn gst_zarr_sink_render(GstBaseSink* base, GstBuffer* buffer) {
  auto* sink = GST_ZARR_SINK(base);
  // Only the streaming thread and PAUSED -> READY (after streaming ended) replace
  // the recording, so it can be used here without holding the mutex.
  Recording* recording = sink->state->recording.get();
  if (!recording) return GST_FLOW_NOT_NEGOTIATED;
  if (recording->failed) return GST_FLOW_ERROR;

  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &recording->info, buffer, GST_MAP_READ)) {
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("A buffer does not hold a whole frame of the negotiated format."),
                      ("buffer of %" G_GSIZE_FORMAT " bytes, caps need %" G_GSIZE_FORMAT, gst_buffer_get_size(buffer),
                       GST_VIDEO_INFO_SIZE(&recording->info)));
    recording->failed = true;
    return GST_FLOW_ERROR;
  }
  if (!frame_within_buffer(frame)) {
    // A GstVideoMeta whose offset or stride reaches past the end of the buffer.
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("A buffer does not hold a whole frame of the negotiated format."),
                      ("buffer of %" G_GSIZE_FORMAT " bytes, video meta offset %" G_GSIZE_FORMAT " stride %d",
                       gst_buffer_get_size(buffer), GST_VIDEO_FRAME_PLANE_OFFSET(&frame, 0),
                       GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0)));
    gst_video_frame_unmap(&frame);
    recording->failed = true;
    return GST_FLOW_ERROR;
  }
  GstFlowReturn result = GST_FLOW_OK;
  try {
    const FrameChannels channels(frame, recording->layout);
    recording->writer->append(channels.view());
  } catch (const zarr::Error& error) {
    post_zarr_error(GST_ELEMENT(sink), error);
    recording->failed = true;
    result = GST_FLOW_ERROR;
  } catch (const std::bad_alloc&) {
    post_out_of_memory(GST_ELEMENT(sink));
    recording->failed = true;
    result = GST_FLOW_ERROR;
  }
  gst_video_frame_unmap(&frame);
  return result;
}

static gboolean gst_zarr_sink_event(GstBaseSink* base, GstEvent* event) {
  auto* sink = GST_ZARR_SINK(base);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS && !close_recording(sink)) {
    // The error is on the bus; no EOS message, since the data is not complete.
    gst_event_unref(event);
    return FALSE;
  }
  return GST_BASE_SINK_CLASS(gst_zarr_sink_parent_class)->event(base, event);
}

static void gst_zarr_sink_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  auto* sink = GST_ZARR_SINK(object);
  std::lock_guard lock(sink->state->mutex);
  Properties& p = sink->state->props;
  switch (prop_id) {
    case PROP_LOCATION: {
      const char* location = g_value_get_string(value);
      p.location = location ? location : "";
      break;
    }
    case PROP_OVERWRITE: p.overwrite = g_value_get_boolean(value); break;
    case PROP_TILE_WIDTH: p.tile_width = g_value_get_uint(value); break;
    case PROP_TILE_HEIGHT: p.tile_height = g_value_get_uint(value); break;
    case PROP_TILE_PLANES: p.tile_planes = g_value_get_uint(value); break;
    case PROP_MAX_BYTES_PER_CHUNK: p.max_bytes_per_chunk = g_value_get_uint64(value); break;
    case PROP_COMPRESSOR: p.compressor = g_value_get_enum(value); break;
    case PROP_CLEVEL: p.clevel = g_value_get_int(value); break;
    case PROP_SHUFFLE: p.shuffle = g_value_get_enum(value); break;
    case PROP_PIXEL_SIZE_X: p.pixel_size_x = g_value_get_double(value); break;
    case PROP_PIXEL_SIZE_Y: p.pixel_size_y = g_value_get_double(value); break;
    case PROP_METADATA: {
      const char* metadata = g_value_get_string(value);
      p.metadata = metadata ? metadata : "";
      break;
    }
    case PROP_MAX_THREADS: p.max_threads = g_value_get_uint(value); break;
    case PROP_ZARR_VERSION: p.zarr_version = g_value_get_uint(value); break;
    case PROP_CHUNKS_PER_SHARD_X: p.chunks_per_shard_x = g_value_get_uint(value); break;
    case PROP_CHUNKS_PER_SHARD_Y: p.chunks_per_shard_y = g_value_get_uint(value); break;
    case PROP_CHUNKS_PER_SHARD_T: p.chunks_per_shard_t = g_value_get_uint(value); break;
    case PROP_MULTISCALE: p.multiscale = g_value_get_boolean(value); break;
    case PROP_DOWNSAMPLE_METHOD: p.downsample_method = g_value_get_enum(value); break;
    case PROP_S3_ENDPOINT: {
      const char* endpoint = g_value_get_string(value);
      p.s3_endpoint = endpoint ? endpoint : "";
      break;
    }
    case PROP_S3_REGION: {
      const char* region = g_value_get_string(value);
      p.s3_region = region ? region : "";  // read back as set; empty means the default at start
      break;
    }
    case PROP_S3_MULTIPART_THRESHOLD: p.s3_multipart_threshold = g_value_get_uint64(value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
}

static void gst_zarr_sink_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  auto* sink = GST_ZARR_SINK(object);
  std::lock_guard lock(sink->state->mutex);
  const Properties& p = sink->state->props;
  switch (prop_id) {
    case PROP_LOCATION: g_value_set_string(value, p.location.empty() ? nullptr : p.location.c_str()); break;
    case PROP_OVERWRITE: g_value_set_boolean(value, p.overwrite); break;
    case PROP_TILE_WIDTH: g_value_set_uint(value, p.tile_width); break;
    case PROP_TILE_HEIGHT: g_value_set_uint(value, p.tile_height); break;
    case PROP_TILE_PLANES: g_value_set_uint(value, p.tile_planes); break;
    case PROP_MAX_BYTES_PER_CHUNK: g_value_set_uint64(value, p.max_bytes_per_chunk); break;
    case PROP_COMPRESSOR: g_value_set_enum(value, p.compressor); break;
    case PROP_CLEVEL: g_value_set_int(value, p.clevel); break;
    case PROP_SHUFFLE: g_value_set_enum(value, p.shuffle); break;
    case PROP_PIXEL_SIZE_X: g_value_set_double(value, p.pixel_size_x); break;
    case PROP_PIXEL_SIZE_Y: g_value_set_double(value, p.pixel_size_y); break;
    case PROP_METADATA: g_value_set_string(value, p.metadata.empty() ? nullptr : p.metadata.c_str()); break;
    case PROP_MAX_THREADS: g_value_set_uint(value, p.max_threads); break;
    case PROP_ZARR_VERSION: g_value_set_uint(value, p.zarr_version); break;
    case PROP_CHUNKS_PER_SHARD_X: g_value_set_uint(value, p.chunks_per_shard_x); break;
    case PROP_CHUNKS_PER_SHARD_Y: g_value_set_uint(value, p.chunks_per_shard_y); break;
    case PROP_CHUNKS_PER_SHARD_T: g_value_set_uint(value, p.chunks_per_shard_t); break;
    case PROP_MULTISCALE: g_value_set_boolean(value, p.multiscale); break;
    case PROP_DOWNSAMPLE_METHOD: g_value_set_enum(value, p.downsample_method); break;
    case PROP_S3_ENDPOINT: g_value_set_string(value, p.s3_endpoint.empty() ? nullptr : p.s3_endpoint.c_str()); break;
    case PROP_S3_REGION: g_value_set_string(value, p.s3_region.c_str()); break;
    case PROP_S3_MULTIPART_THRESHOLD: g_value_set_uint64(value, p.s3_multipart_threshold); break;
    case PROP_STATS: {
      const auto& recording = sink->state->recording;
      g_value_take_boxed(value, stats_structure(recording ? recording->writer->stats() : sink->state->last_stats));
      break;
    }
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
}

static void gst_zarr_sink_finalize(GObject* object) {
  delete GST_ZARR_SINK(object)->state;
  G_OBJECT_CLASS(gst_zarr_sink_parent_class)->finalize(object);
}

static void gst_zarr_sink_init(GstZarrSink* sink) {
  sink->state = new State();
  gst_base_sink_set_sync(GST_BASE_SINK(sink), FALSE);  // a recorder: write as fast as frames come
}

static void gst_zarr_sink_class_init(GstZarrSinkClass* klass) {
  auto* gobject_class = G_OBJECT_CLASS(klass);
  auto* element_class = GST_ELEMENT_CLASS(klass);
  auto* base_class = GST_BASE_SINK_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_zarr_sink_debug, "zarrsink", 0, "Zarr recording sink");

  gobject_class->set_property = gst_zarr_sink_set_property;
  gobject_class->get_property = gst_zarr_sink_get_property;
  gobject_class->finalize = gst_zarr_sink_finalize;

  const auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property(
      gobject_class, PROP_LOCATION,
      g_param_spec_string("location", "Location",
                          "Directory of the Zarr dataset to write, or s3://bucket/path/name.zarr (required)", nullptr,
                          flags));
  g_object_class_install_property(
      gobject_class, PROP_OVERWRITE,
      g_param_spec_boolean("overwrite", "Overwrite",
                           "Replace an existing Zarr dataset at the location (anything else is never removed)", FALSE,
                           flags));
  g_object_class_install_property(
      gobject_class, PROP_TILE_WIDTH,
      g_param_spec_uint("tile-width", "Tile width", "Chunk width in pixels (0 = whole frame)", 0, G_MAXUINT32, 0, flags));
  g_object_class_install_property(
      gobject_class, PROP_TILE_HEIGHT,
      g_param_spec_uint("tile-height", "Tile height", "Chunk height in pixels (0 = whole frame)", 0, G_MAXUINT32, 0,
                        flags));
  g_object_class_install_property(
      gobject_class, PROP_TILE_PLANES,
      g_param_spec_uint("tile-planes", "Tile planes",
                        "Frames per chunk (0 = as many as fit in max-bytes-per-chunk, at least 1)", 0, G_MAXUINT32, 0,
                        flags));
  g_object_class_install_property(
      gobject_class, PROP_MAX_BYTES_PER_CHUNK,
      g_param_spec_uint64("max-bytes-per-chunk", "Max bytes per chunk",
                          "Upper bound of an uncompressed chunk, used when tile-planes is 0", 0, G_MAXUINT64,
                          default_max_bytes_per_chunk, flags));
  g_object_class_install_property(
      gobject_class, PROP_COMPRESSOR,
      g_param_spec_enum("compressor", "Compressor", "Chunk compression", GST_TYPE_ZARR_SINK_COMPRESSOR,
                        compressor_enum_value("none"), flags));
  g_object_class_install_property(
      gobject_class, PROP_CLEVEL,
      g_param_spec_int("clevel", "Compression level", "Blosc compression level", 0, 9, 1, flags));
  g_object_class_install_property(
      gobject_class, PROP_SHUFFLE,
      g_param_spec_enum("shuffle", "Shuffle", "Blosc shuffle filter", GST_TYPE_ZARR_SINK_SHUFFLE,
                        int(zarr::Shuffle::byte), flags));
  g_object_class_install_property(
      gobject_class, PROP_PIXEL_SIZE_X,
      g_param_spec_double("pixel-size-x", "Pixel size x", "Pixel width in micrometers (OME-NGFF scale)", G_MINDOUBLE,
                          G_MAXDOUBLE, 1.0, flags));
  g_object_class_install_property(
      gobject_class, PROP_PIXEL_SIZE_Y,
      g_param_spec_double("pixel-size-y", "Pixel size y", "Pixel height in micrometers (OME-NGFF scale)", G_MINDOUBLE,
                          G_MAXDOUBLE, 1.0, flags));
  g_object_class_install_property(
      gobject_class, PROP_METADATA,
      g_param_spec_string("metadata", "Metadata", "A JSON object stored as the array's user attributes (0/.zattrs; with zarr-version=3 the "
                          "attributes of 0/zarr.json)",
                          nullptr, flags));
  g_object_class_install_property(
      gobject_class, PROP_MAX_THREADS,
      g_param_spec_uint("max-threads", "Max threads", "Compression and writing threads (0 = number of cores)", 0, 1024,
                        0, flags));
  g_object_class_install_property(
      gobject_class, PROP_ZARR_VERSION,
      g_param_spec_uint("zarr-version", "Zarr version",
                        "2 (.zarray/.zattrs, OME-NGFF 0.4) or 3 (zarr.json, OME-NGFF 0.5, sharding)", 2, 3, 2, flags));
  const struct {
    int id;
    const char* name;
    const char* nick;
    const char* axis;
  } shard_properties[] = {{PROP_CHUNKS_PER_SHARD_X, "chunks-per-shard-x", "Chunks per shard x", "x"},
                          {PROP_CHUNKS_PER_SHARD_Y, "chunks-per-shard-y", "Chunks per shard y", "y"},
                          {PROP_CHUNKS_PER_SHARD_T, "chunks-per-shard-t", "Chunks per shard t", "t"}};
  for (const auto& shard : shard_properties) {
    // The blurb must outlive the class (G_PARAM_STATIC_STRINGS): built once, never freed.
    const gchar* blurb = g_intern_string(
        (std::string("Chunks per shard file along ") + shard.axis +
         " (zarr-version=3 only; 1 along every axis = no sharding, one file per chunk)")
            .c_str());
    g_object_class_install_property(gobject_class, shard.id,
                                    g_param_spec_uint(shard.name, shard.nick, blurb, 1, 65536, 1, flags));
  }
  g_object_class_install_property(
      gobject_class, PROP_MULTISCALE,
      g_param_spec_boolean("multiscale", "Multiscale",
                           "Also write arrays 1, 2, ... halving y and x per level until one fits in a tile", FALSE,
                           flags));
  g_object_class_install_property(
      gobject_class, PROP_DOWNSAMPLE_METHOD,
      g_param_spec_enum("downsample-method", "Downsample method", "How each pyramid level is computed from 2x2 blocks",
                        GST_TYPE_ZARR_SINK_DOWNSAMPLE_METHOD, int(zarr::DownsampleMethod::mean), flags));
  g_object_class_install_property(
      gobject_class, PROP_S3_ENDPOINT,
      g_param_spec_string("s3-endpoint", "S3 endpoint",
                          "URL of the S3 service for an s3:// location, e.g. http://127.0.0.1:7480 (path-style "
                          "requests); empty = AWS for s3-region. Credentials come from AWS_ACCESS_KEY_ID/"
                          "AWS_SECRET_ACCESS_KEY or the AWS credentials files, never from a property",
                          nullptr, flags));
  g_object_class_install_property(
      gobject_class, PROP_S3_REGION,
      g_param_spec_string("s3-region", "S3 region", "Region that requests to an s3:// location are signed for (empty: us-east-1)",
                          default_s3_region, flags));
  g_object_class_install_property(
      gobject_class, PROP_S3_MULTIPART_THRESHOLD,
      g_param_spec_uint64("s3-multipart-threshold", "S3 multipart threshold",
                          "Objects larger than this many bytes are uploaded to S3 in parts of this size "
                          "(at least 5 MiB, the S3 minimum part size)",
                          min_s3_multipart_threshold, G_MAXUINT64, default_s3_multipart_threshold, flags));
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics",
                         "frames, bytes-in, bytes-written, compression-ratio, chunks-written of the current or last "
                         "recording",
                         GST_TYPE_STRUCTURE, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_set_static_metadata(element_class, "Zarr sink", "Sink/File/Video",
                                        "Records video frames into a chunked, compressed Zarr dataset",
                                        "gst-zarr contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR(gst_zarr_sink_change_state);
  base_class->set_caps = GST_DEBUG_FUNCPTR(gst_zarr_sink_set_caps);
  base_class->render = GST_DEBUG_FUNCPTR(gst_zarr_sink_render);
  base_class->event = GST_DEBUG_FUNCPTR(gst_zarr_sink_event);
}
