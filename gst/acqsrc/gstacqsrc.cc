/**
 * SECTION:element-acqsrc
 * @title: acqsrc
 *
 * A scientific camera as a source, for recording with zarrsink. It stands
 * in for Acquire's camera: the `camera` property picks the camera by name
 * (Acquire's names work too), `exposure-time-us` sets the exposure, the
 * caps set the frame size and pixel type, and `num-buffers` the number of
 * frames.
 *
 * The simulated cameras are simulated:radial-sin (moving rings,
 * deterministic), simulated:uniform-random (noise seeded by `seed`) and
 * simulated:empty (zeros, at no cost); Acquire's "simulated: radial sin",
 * "simulated: uniform random" and "simulated: empty" name them too. A live
 * camera (`is-live`, the default) starts acquiring when the pipeline asks
 * for the first frame, at running time t0, and delivers one frame per frame
 * period, paced by the pipeline clock. Like a hardware camera it holds the newest
 * `stream-buffers` frames (10): a downstream stall shorter than that loses
 * nothing, the frames come late but in order; frames older than that are
 * dropped, counted in `frames-dropped`, the next buffer is marked DISCONT
 * and a QoS message is posted for it (stats in buffers: frames delivered
 * and dropped so far).
 *
 * Buffers carry OFFSET = n (the frame number, from 0), PTS = t0 + n x
 * period (t0 = 0 with is-live=false), DURATION = one period and the frame's
 * time on the camera's clock, n x period, as a GstReferenceTimestampMeta
 * (timestamp/x-camera, ns). The radial-sin pattern of frame n is that of
 * time n x period. Without a framerate in the caps the period is the
 * exposure time; a framerate in the caps sets the period and must leave
 * room for the exposure. A frame size larger than the camera delivers
 * (8192x8192 for the simulated cameras, the sensor's maximum for hardware)
 * is refused with a CORE NEGOTIATION error naming the size and the limit.
 *
 * GenICam cameras (GigE Vision, USB3 Vision) are opened through Aravis as
 * aravis:<device id> (or aravis:<IP address>); gst-device-monitor-1.0
 * Video/Source lists them (and the simulated cameras when
 * ACQSRC_LIST_SIMULATED=1), with launch lines that work in a shell. Mono8
 * gives GRAY8, Mono10/12/14/16 GRAY16_LE.
 * `gain`, `offset-x`, `offset-y`, `binning`, `features` and `capture-error`
 * apply to them only (simulated cameras ignore these). Their
 * buffers carry PTS = running time at arrival, OFFSET = the camera's frame
 * id extended to 64 bits (GigE's 16-bit ids wrap) and counted from 0 at the
 * first frame, and the camera's hardware timestamp (ns) as a
 * GstReferenceTimestampMeta (timestamp/x-camera); lost or skipped
 * incomplete frames are counted in `frames-dropped`, the next buffer is
 * DISCONT and a QoS message is posted. A camera that disappears ends the
 * stream with a RESOURCE error.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 acqsrc camera=simulated:radial-sin exposure-time-us=10000 num-buffers=100 !
 * video/x-raw,format=GRAY8,width=1920,height=1080 ! videoconvert ! autovideosink
 * ]|
 * Shows 100 frames (one second) of the radial-sin camera.
 * |[
 * gst-launch-1.0 -e acqsrc camera=aravis:127.0.0.1 offset-x=16 binning=2 num-buffers=100 !
 * video/x-raw,format=GRAY8,width=512,height=512,framerate=50/1 ! zarrsink location=gige.zarr
 * ]|
 * Records 100 frames of a GigE Vision camera (here Aravis' fake one,
 * `arv-fake-gv-camera-0.8 -i 127.0.0.1`) into Zarr.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/acqsrc/gstacqsrc.hh"

#include "gst/acqsrc/camera_caps.hh"
#include "gst/acqsrc/camera_registry.hh"
#include "gst/acqsrc/pipeline_frame_clock.hh"

#include <gst/video/video.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>

GST_DEBUG_CATEGORY_STATIC(gst_acq_src_debug);
#define GST_CAT_DEFAULT gst_acq_src_debug

namespace {

constexpr double default_exposure_us = 10000.0;
constexpr double max_exposure_us = 3600.0 * 1e6;  // one hour
constexpr int default_width = 1920;               // Acquire's simulated camera
constexpr int default_height = 1080;
constexpr double keep_camera_gain = -1.0;  // gain property: leave the camera's gain
constexpr guint default_stream_buffers = 10;
// Marks the GstReferenceTimestampMeta carrying the camera's own clock (ns).
constexpr const char* camera_timestamp_media_type = "timestamp/x-camera";

// Settings from properties, read under `lock` (the streaming thread reads
// them when it negotiates).
struct Settings {
  std::string camera_name = acqsrc::default_camera_name;
  double exposure_us = default_exposure_us;
  bool is_live = true;
  guint64 seed = 0;
  double gain_db = keep_camera_gain;
  int offset_x = 0;
  int offset_y = 0;
  int binning = 1;
  std::string features;
  acqsrc::CaptureErrorPolicy capture_error = acqsrc::CaptureErrorPolicy::Skip;
  guint stream_buffers = default_stream_buffers;
};

acqsrc::CameraSettings camera_settings_from(const Settings& settings) {
  acqsrc::CameraSettings camera;
  camera.exposure_time = static_cast<GstClockTime>(std::llround(settings.exposure_us * 1000.0));
  camera.seed = settings.seed;
  if (settings.gain_db != keep_camera_gain) camera.gain_db = settings.gain_db;
  camera.offset_x = settings.offset_x;
  camera.offset_y = settings.offset_y;
  camera.binning = settings.binning;
  camera.features = settings.features;
  camera.capture_error = settings.capture_error;
  camera.stream_buffers = settings.stream_buffers;
  return camera;
}

// The open camera and what was negotiated for it; lives from start() to stop().
struct Stream {
  std::unique_ptr<acqsrc::Camera> camera;
  bool camera_running = false;
  GstVideoInfo info;
  acqsrc::FrameFormat format;
  bool negotiated = false;
  GstMemory* blank_memory = nullptr;  // shared zeroed frame of blank cameras

  ~Stream() {
    if (camera && camera_running) camera->stop();
    release_blank_memory();
  }

  void release_blank_memory() {
    if (!blank_memory) return;
    gst_memory_unlock(blank_memory, GST_LOCK_FLAG_EXCLUSIVE);
    gst_memory_unref(blank_memory);
    blank_memory = nullptr;
  }
};

struct Private {
  explicit Private(GstElement* element)
      : clock(element), camera_timestamp_caps(gst_caps_new_empty_simple(camera_timestamp_media_type)) {}
  ~Private() {
    gst_caps_unref(camera_timestamp_caps);
    if (stream_statistics) gst_structure_free(stream_statistics);
  }
  std::mutex lock;
  Settings settings;
  // What the open camera offers, for caps queries from any thread.
  std::optional<acqsrc::CameraCapabilities> capabilities;
  acqsrc::PipelineFrameClock clock;
  std::unique_ptr<Stream> stream;  // touched by start/stop/negotiation/streaming only
  std::atomic<guint64> frames_dropped{0};
  guint64 frames_delivered = 0;               // streaming thread only; for the QoS messages
  GstCaps* camera_timestamp_caps;             // reference of the camera-clock GstReferenceTimestampMeta
  GstStructure* stream_statistics = nullptr;  // under lock: the camera's counts at its last frame
};

GstClockTime exposure_time(double exposure_us) { return static_cast<GstClockTime>(std::llround(exposure_us * 1000.0)); }

// The frame rate whose period is the exposure time, exact when it fits.
void rate_for_exposure(double exposure_us, int* numerator, int* denominator) {
  const GstClockTime period = exposure_time(exposure_us);
  const guint64 divisor = std::gcd(guint64{GST_SECOND}, period);
  const guint64 n = GST_SECOND / divisor;
  const guint64 d = period / divisor;
  if (d <= G_MAXINT) {
    *numerator = static_cast<int>(n);
    *denominator = static_cast<int>(d);
  } else {
    gst_util_double_to_fraction(1e6 / exposure_us, numerator, denominator);
  }
}

}  // namespace

struct _GstAcqSrc {
  GstPushSrc parent;
  Private* priv;
};

G_DEFINE_TYPE(GstAcqSrc, gst_acq_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE(acqsrc, "acqsrc", GST_RANK_NONE, GST_TYPE_ACQ_SRC);

enum {
  PROP_0,
  PROP_CAMERA,
  PROP_EXPOSURE_TIME_US,
  PROP_IS_LIVE,
  PROP_SEED,
  PROP_FRAMES_DROPPED,
  PROP_GAIN,
  PROP_OFFSET_X,
  PROP_OFFSET_Y,
  PROP_BINNING,
  PROP_FEATURES,
  PROP_CAPTURE_ERROR,
  PROP_STREAM_BUFFERS,
  PROP_STATS,
};

#define GST_TYPE_ACQ_SRC_CAPTURE_ERROR (gst_acq_src_capture_error_get_type())
static GType gst_acq_src_capture_error_get_type() {
  static GType type = 0;
  static const GEnumValue values[] = {
      {int(acqsrc::CaptureErrorPolicy::Skip), "Count an incomplete frame as dropped and go on", "skip"},
      {int(acqsrc::CaptureErrorPolicy::Keep), "Deliver an incomplete frame (flagged CORRUPTED)", "keep"},
      {int(acqsrc::CaptureErrorPolicy::Abort), "Stop with an error at an incomplete frame", "abort"},
      {0, nullptr, nullptr},
  };
  if (g_once_init_enter(&type)) g_once_init_leave(&type, g_enum_register_static("GstAcqSrcCaptureError", values));
  return type;
}

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("video/x-raw, format = (string) { GRAY8, GRAY16_LE }, "
                                            "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], "
                                            "framerate = (fraction) [ 0/1, 2147483647/1 ]"));

static void gst_acq_src_set_property(GObject* object, guint id, const GValue* value, GParamSpec* pspec) {
  GstAcqSrc* self = GST_ACQ_SRC(object);
  std::lock_guard lock(self->priv->lock);
  Settings& settings = self->priv->settings;
  switch (id) {
    case PROP_CAMERA: {
      const char* name = g_value_get_string(value);
      settings.camera_name = name ? name : acqsrc::default_camera_name;
      break;
    }
    case PROP_EXPOSURE_TIME_US: settings.exposure_us = g_value_get_double(value); break;
    case PROP_IS_LIVE:
      settings.is_live = g_value_get_boolean(value);
      gst_base_src_set_live(GST_BASE_SRC(self), settings.is_live);
      break;
    case PROP_SEED: settings.seed = g_value_get_uint64(value); break;
    case PROP_GAIN: settings.gain_db = g_value_get_double(value); break;
    case PROP_OFFSET_X: settings.offset_x = g_value_get_int(value); break;
    case PROP_OFFSET_Y: settings.offset_y = g_value_get_int(value); break;
    case PROP_BINNING: settings.binning = g_value_get_int(value); break;
    case PROP_FEATURES: {
      const char* features = g_value_get_string(value);
      settings.features = features ? features : "";
      break;
    }
    case PROP_CAPTURE_ERROR:
      settings.capture_error = static_cast<acqsrc::CaptureErrorPolicy>(g_value_get_enum(value));
      break;
    case PROP_STREAM_BUFFERS: settings.stream_buffers = g_value_get_uint(value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

// What the stats property and the message at EOS hold; takes `lock`'s
// holder's word that it is held.
static GstStructure* stats_locked(GstAcqSrc* self) {
  GstStructure* stats = self->priv->stream_statistics ? gst_structure_copy(self->priv->stream_statistics)
                                                      : gst_structure_new_empty("acqsrc-stats");
  gst_structure_set(stats, "frames-dropped", G_TYPE_UINT64, self->priv->frames_dropped.load(), nullptr);
  return stats;
}

static void keep_stream_statistics(GstAcqSrc* self, GstStructure* counts) {
  std::lock_guard lock(self->priv->lock);
  if (self->priv->stream_statistics) gst_structure_free(self->priv->stream_statistics);
  self->priv->stream_statistics = counts;
}

// The final counts, for an application that only watches the bus.
static GstPadProbeReturn post_stats_at_eos(GstPad*, GstPadProbeInfo* info, gpointer element) {
  if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
    GstAcqSrc* self = GST_ACQ_SRC(element);
    GstStructure* stats;
    {
      std::lock_guard lock(self->priv->lock);
      stats = stats_locked(self);
    }
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), stats));
  }
  return GST_PAD_PROBE_OK;
}

static void gst_acq_src_get_property(GObject* object, guint id, GValue* value, GParamSpec* pspec) {
  GstAcqSrc* self = GST_ACQ_SRC(object);
  std::lock_guard lock(self->priv->lock);
  const Settings& settings = self->priv->settings;
  switch (id) {
    case PROP_CAMERA: g_value_set_string(value, settings.camera_name.c_str()); break;
    case PROP_EXPOSURE_TIME_US: g_value_set_double(value, settings.exposure_us); break;
    case PROP_IS_LIVE: g_value_set_boolean(value, settings.is_live); break;
    case PROP_SEED: g_value_set_uint64(value, settings.seed); break;
    case PROP_FRAMES_DROPPED: g_value_set_uint64(value, self->priv->frames_dropped.load()); break;
    case PROP_GAIN: g_value_set_double(value, settings.gain_db); break;
    case PROP_OFFSET_X: g_value_set_int(value, settings.offset_x); break;
    case PROP_OFFSET_Y: g_value_set_int(value, settings.offset_y); break;
    case PROP_BINNING: g_value_set_int(value, settings.binning); break;
    case PROP_FEATURES: g_value_set_string(value, settings.features.c_str()); break;
    case PROP_CAPTURE_ERROR: g_value_set_enum(value, int(settings.capture_error)); break;
    case PROP_STREAM_BUFFERS: g_value_set_uint(value, settings.stream_buffers); break;
    case PROP_STATS: g_value_take_boxed(value, stats_locked(self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
  }
}

static Settings settings_of(GstAcqSrc* self) {
  std::lock_guard lock(self->priv->lock);
  return self->priv->settings;
}

static gboolean gst_acq_src_start(GstBaseSrc* base) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  const Settings settings = settings_of(self);
  std::unique_ptr<acqsrc::Camera> camera;
  try {
    camera = acqsrc::make_camera(settings.camera_name);
    if (!camera) {
      const std::string available = acqsrc::describe_available_cameras();
      GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                        ("Unknown camera \"%s\". Cameras found: %s.", settings.camera_name.c_str(), available.c_str()),
                        ("property camera=\"%s\" names no camera backend", settings.camera_name.c_str()));
      return FALSE;
    }
  } catch (const acqsrc::CameraError& error) {
    const std::string available = acqsrc::describe_available_cameras();
    GST_ELEMENT_ERROR(
        self, RESOURCE, NOT_FOUND,
        ("Could not open camera \"%s\". Cameras found: %s.", settings.camera_name.c_str(), available.c_str()),
        ("%s", error.what()));
    return FALSE;
  }
  try {
    camera->apply_settings(camera_settings_from(settings));
    std::lock_guard lock(self->priv->lock);
    self->priv->capabilities = camera->capabilities();
  } catch (const acqsrc::CameraError& error) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                      ("Camera \"%s\" refused the settings: %s", settings.camera_name.c_str(), error.what()),
                      (nullptr));
    return FALSE;
  }
  gst_base_src_set_live(base, settings.is_live || camera->always_live());
  self->priv->stream = std::make_unique<Stream>();
  self->priv->stream->camera = std::move(camera);
  self->priv->frames_dropped = 0;
  self->priv->frames_delivered = 0;
  keep_stream_statistics(self, nullptr);
  gst_base_src_set_format(base, GST_FORMAT_TIME);
  GST_INFO_OBJECT(self, "opened camera \"%s\"", settings.camera_name.c_str());
  return TRUE;
}

static gboolean gst_acq_src_stop(GstBaseSrc* base) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  {
    std::lock_guard lock(self->priv->lock);
    self->priv->capabilities.reset();
  }
  self->priv->stream.reset();
  return TRUE;
}

static GstCaps* gst_acq_src_get_caps(GstBaseSrc* base, GstCaps* filter) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  std::optional<acqsrc::CameraCapabilities> capabilities;
  {
    std::lock_guard lock(self->priv->lock);
    capabilities = self->priv->capabilities;
  }
  GstCaps* caps = capabilities ? caps_for(*capabilities) : gst_pad_get_pad_template_caps(GST_BASE_SRC_PAD(base));
  if (filter) {
    GstCaps* filtered = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(caps);
    caps = filtered;
  }
  return caps;
}

static GstCaps* gst_acq_src_fixate(GstBaseSrc* base, GstCaps* caps) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  int rate_n, rate_d;
  rate_for_exposure(settings_of(self).exposure_us, &rate_n, &rate_d);
  caps = gst_caps_make_writable(caps);
  caps = gst_caps_truncate(caps);
  GstStructure* s = gst_caps_get_structure(caps, 0);
  gst_structure_fixate_field_nearest_int(s, "width", default_width);
  gst_structure_fixate_field_nearest_int(s, "height", default_height);
  gst_structure_fixate_field_string(s, "format", "GRAY8");
  // An open framerate becomes the exposure's rate (period = exposure time).
  if (gst_structure_has_field(s, "framerate"))
    gst_structure_fixate_field_nearest_fraction(s, "framerate", rate_n, rate_d);
  else
    gst_structure_set(s, "framerate", GST_TYPE_FRACTION, rate_n, rate_d, nullptr);
  return GST_BASE_SRC_CLASS(gst_acq_src_parent_class)->fixate(base, caps);
}

// A frame size the camera cannot deliver leaves no caps in common with
// downstream, and basesrc alone says only "not-negotiated": name the size
// asked for and the camera's limit.
static void post_size_over_limit(GstAcqSrc* self, GstBaseSrc* base) {
  std::optional<acqsrc::CameraCapabilities> capabilities;
  {
    std::lock_guard lock(self->priv->lock);
    capabilities = self->priv->capabilities;
  }
  if (!capabilities) return;
  GstCaps* wanted = gst_pad_peer_query_caps(GST_BASE_SRC_PAD(base), nullptr);
  GstCaps* sizes = gst_caps_new_simple("video/x-raw", "width", GST_TYPE_INT_RANGE, 1, capabilities->max_width, "height",
                                       GST_TYPE_INT_RANGE, 1, capabilities->max_height, nullptr);
  if (!gst_caps_is_empty(wanted) && !gst_caps_is_any(wanted) && !gst_caps_can_intersect(wanted, sizes)) {
    // The size the first structure asks for, fixated as acqsrc would.
    GstStructure* s = gst_structure_copy(gst_caps_get_structure(wanted, 0));
    gst_structure_fixate_field_nearest_int(s, "width", default_width);
    gst_structure_fixate_field_nearest_int(s, "height", default_height);
    int width = 0, height = 0;
    gst_structure_get_int(s, "width", &width);
    gst_structure_get_int(s, "height", &height);
    gst_structure_free(s);
    const Settings settings = settings_of(self);
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
                      ("The frame size %dx%d asked for is larger than camera \"%s\" can deliver: at most %dx%d.", width,
                       height, settings.camera_name.c_str(), capabilities->max_width, capabilities->max_height),
                      ("downstream caps %" GST_PTR_FORMAT, wanted));
  }
  gst_caps_unref(sizes);
  gst_caps_unref(wanted);
}

static gboolean gst_acq_src_negotiate(GstBaseSrc* base) {
  if (GST_BASE_SRC_CLASS(gst_acq_src_parent_class)->negotiate(base)) return TRUE;
  post_size_over_limit(GST_ACQ_SRC(base), base);
  return FALSE;
}

static gboolean gst_acq_src_set_caps(GstBaseSrc* base, GstCaps* caps) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  Stream* stream = self->priv->stream.get();
  const Settings settings = settings_of(self);
  GstVideoInfo info;
  if (!stream || !gst_video_info_from_caps(&info, caps)) {
    GST_ERROR_OBJECT(self, "cannot use caps %" GST_PTR_FORMAT, caps);
    return FALSE;
  }

  acqsrc::FrameFormat format;
  format.format = GST_VIDEO_INFO_FORMAT(&info) == GST_VIDEO_FORMAT_GRAY8 ? acqsrc::PixelFormat::Gray8
                                                                         : acqsrc::PixelFormat::Gray16LE;
  format.width = GST_VIDEO_INFO_WIDTH(&info);
  format.height = GST_VIDEO_INFO_HEIGHT(&info);
  const acqsrc::CameraSettings camera_settings = camera_settings_from(settings);
  if (GST_VIDEO_INFO_FPS_N(&info) > 0) {
    format.rate_numerator = GST_VIDEO_INFO_FPS_N(&info);
    format.rate_denominator = GST_VIDEO_INFO_FPS_D(&info);
    const GstClockTime period = format.frame_time(1);
    if (camera_settings.exposure_time > period) {
      GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
                        ("The exposure time (exposure-time-us=%g) is longer than the frame period of %g us "
                         "set by the framerate %d/%d. Lower exposure-time-us or the framerate.",
                         settings.exposure_us, period / 1000.0, format.rate_numerator, format.rate_denominator),
                        ("caps %" GST_PTR_FORMAT, caps));
      return FALSE;
    }
  } else {
    rate_for_exposure(settings.exposure_us, &format.rate_numerator, &format.rate_denominator);
  }

  try {
    if (stream->camera_running) {
      stream->camera->stop();
      stream->camera_running = false;
    }
    stream->camera->configure(format, camera_settings);
    stream->camera->start(self->priv->clock, gst_base_src_is_live(base));
    stream->camera_running = true;
  } catch (const acqsrc::CameraError& error) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                      ("Camera \"%s\" refused the settings: %s", settings.camera_name.c_str(), error.what()),
                      ("caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }

  if (GstStructure* applied = stream->camera->applied_settings())
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), applied));

  stream->release_blank_memory();
  if (stream->camera->frames_are_blank()) {
    GstAllocationParams params;
    gst_allocation_params_init(&params);
    params.flags = GST_MEMORY_FLAG_ZERO_PREFIXED;
    stream->blank_memory = gst_allocator_alloc(nullptr, GST_VIDEO_INFO_SIZE(&info), &params);
    GstMapInfo map;
    gst_memory_map(stream->blank_memory, &map, GST_MAP_WRITE);
    memset(map.data, 0, map.size);
    gst_memory_unmap(stream->blank_memory, &map);
    // Our exclusive hold makes it shared for every buffer that holds it too,
    // so a downstream writer gets a copy and the zeros stay zeros.
    gst_memory_lock(stream->blank_memory, GST_LOCK_FLAG_EXCLUSIVE);
  }

  stream->info = info;
  stream->format = format;
  stream->negotiated = true;
  GST_INFO_OBJECT(self, "frames %dx%d %s at %d/%d fps, exposure %g us", format.width, format.height,
                  GST_VIDEO_INFO_NAME(&info), format.rate_numerator, format.rate_denominator, settings.exposure_us);
  return TRUE;
}

static gboolean gst_acq_src_query(GstBaseSrc* base, GstQuery* query) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  Stream* stream = self->priv->stream.get();
  if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY && gst_base_src_is_live(base) && stream && stream->negotiated) {
    // A frame exists only once its period has passed.
    gst_query_set_latency(query, TRUE, stream->format.frame_time(1), GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return GST_BASE_SRC_CLASS(gst_acq_src_parent_class)->query(base, query);
}

static gboolean gst_acq_src_is_seekable(GstBaseSrc*) { return FALSE; }

static gboolean gst_acq_src_unlock(GstBaseSrc* base) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  self->priv->clock.interrupt();
  if (self->priv->stream) self->priv->stream->camera->interrupt();
  return TRUE;
}

static gboolean gst_acq_src_unlock_stop(GstBaseSrc* base) {
  GstAcqSrc* self = GST_ACQ_SRC(base);
  self->priv->clock.resume();
  if (self->priv->stream) self->priv->stream->camera->resume();
  return TRUE;
}

static GstFlowReturn gst_acq_src_alloc(GstPushSrc* push, GstBuffer** buffer) {
  GstBaseSrc* base = GST_BASE_SRC(push);
  Stream* stream = GST_ACQ_SRC(push)->priv->stream.get();
  if (!stream || !stream->negotiated) return GST_FLOW_NOT_NEGOTIATED;
  const GstVideoInfo& info = stream->info;

  if (stream->blank_memory) {
    *buffer = gst_buffer_new();
    gst_buffer_append_memory(*buffer, gst_memory_ref(stream->blank_memory));
    gst_buffer_add_video_meta_full(*buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT(&info),
                                   GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info),
                                   GST_VIDEO_INFO_N_PLANES(&info), const_cast<gsize*>(info.offset),
                                   const_cast<gint*>(info.stride));
    return GST_FLOW_OK;
  }

  if (GstBufferPool* pool = gst_base_src_get_buffer_pool(base)) {
    const GstFlowReturn result = gst_buffer_pool_acquire_buffer(pool, buffer, nullptr);
    gst_object_unref(pool);
    return result;
  }
  GstAllocator* allocator = nullptr;
  GstAllocationParams params;
  gst_base_src_get_allocator(base, &allocator, &params);
  *buffer = gst_buffer_new_allocate(allocator, GST_VIDEO_INFO_SIZE(&info), &params);
  if (allocator) gst_object_unref(allocator);
  return *buffer ? GST_FLOW_OK : GST_FLOW_ERROR;
}

// Drops are announced the GStreamer way, one QoS message per gap, for the
// buffer after it: applications see them while recording, and the stats
// count frames delivered and dropped so far.
static void post_drop_qos(GstAcqSrc* self, const acqsrc::FrameInfo& frame) {
  GstBaseSrc* base = GST_BASE_SRC(self);
  const GstSegment* segment = &base->segment;
  const GstClockTime running_time = gst_segment_to_running_time(segment, GST_FORMAT_TIME, frame.pts);
  const GstClockTime stream_time = gst_segment_to_stream_time(segment, GST_FORMAT_TIME, frame.pts);
  GstMessage* message = gst_message_new_qos(GST_OBJECT(self), gst_base_src_is_live(base), running_time, stream_time,
                                            frame.pts, frame.duration);
  // Jitter: how late this frame is against the first one lost, the time
  // the gap spans.
  const gint64 jitter = GST_CLOCK_TIME_IS_VALID(frame.duration) ? gint64(frame.frames_dropped * frame.duration) : 0;
  gst_message_set_qos_values(message, jitter, 1.0, 1000000);
  gst_message_set_qos_stats(message, GST_FORMAT_BUFFERS, self->priv->frames_delivered,
                            self->priv->frames_dropped.load());
  gst_element_post_message(GST_ELEMENT(self), message);
}

static GstFlowReturn gst_acq_src_fill(GstPushSrc* push, GstBuffer* buffer) {
  GstAcqSrc* self = GST_ACQ_SRC(push);
  Stream* stream = self->priv->stream.get();
  if (!stream || !stream->negotiated) return GST_FLOW_NOT_NEGOTIATED;
  acqsrc::Camera& camera = *stream->camera;

  std::optional<acqsrc::FrameInfo> frame;
  try {
    frame = camera.wait_for_frame();
  } catch (const acqsrc::CameraError& error) {
    const Settings settings = settings_of(self);
    GST_ELEMENT_ERROR(self, RESOURCE, READ,
                      ("Camera \"%s\" stopped delivering frames: %s", settings.camera_name.c_str(), error.what()),
                      (nullptr));
    return GST_FLOW_ERROR;
  }
  if (!frame) return GST_FLOW_FLUSHING;

  if (!camera.frames_are_blank()) {
    GstVideoFrame video_frame;
    if (!gst_video_frame_map(&video_frame, &stream->info, buffer, GST_MAP_WRITE)) {
      GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not map a buffer to write a frame into."),
                        ("buffer %" GST_PTR_FORMAT, buffer));
      return GST_FLOW_ERROR;
    }
    const acqsrc::Pixels pixels{static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&video_frame, 0)),
                                static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&video_frame, 0)),
                                GST_VIDEO_FRAME_WIDTH(&video_frame), GST_VIDEO_FRAME_HEIGHT(&video_frame)};
    try {
      camera.write_frame(*frame, pixels);
    } catch (const acqsrc::CameraError& error) {
      gst_video_frame_unmap(&video_frame);
      GST_ELEMENT_ERROR(self, RESOURCE, READ,
                        ("Camera failed to deliver frame %" G_GUINT64_FORMAT ": %s", frame->frame_id, error.what()),
                        (nullptr));
      return GST_FLOW_ERROR;
    }
    gst_video_frame_unmap(&video_frame);
  }

  GST_BUFFER_PTS(buffer) = frame->pts;
  GST_BUFFER_DTS(buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION(buffer) = frame->duration;
  GST_BUFFER_OFFSET(buffer) = frame->frame_id;
  GST_BUFFER_OFFSET_END(buffer) = frame->frame_id + 1;
  if (GST_CLOCK_TIME_IS_VALID(frame->camera_timestamp))
    gst_buffer_add_reference_timestamp_meta(buffer, self->priv->camera_timestamp_caps, frame->camera_timestamp,
                                            GST_CLOCK_TIME_NONE);
  if (frame->incomplete) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_CORRUPTED);
  ++self->priv->frames_delivered;
  keep_stream_statistics(self, camera.stream_statistics());
  if (frame->frames_dropped > 0) {
    GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
    self->priv->frames_dropped += frame->frames_dropped;
    GST_WARNING_OBJECT(self,
                       "dropped %" G_GUINT64_FORMAT " frame(s) before frame %" G_GUINT64_FORMAT
                       " (not taken in time downstream, or lost or incomplete in the camera)",
                       frame->frames_dropped, frame->frame_id);
    post_drop_qos(self, *frame);
  }
  return GST_FLOW_OK;
}

static void gst_acq_src_finalize(GObject* object) {
  delete GST_ACQ_SRC(object)->priv;
  G_OBJECT_CLASS(gst_acq_src_parent_class)->finalize(object);
}

static void gst_acq_src_init(GstAcqSrc* self) {
  self->priv = new Private(GST_ELEMENT(self));
  gst_base_src_set_live(GST_BASE_SRC(self), self->priv->settings.is_live);
  gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_TIME);
  gst_pad_add_probe(GST_BASE_SRC_PAD(self), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, post_stats_at_eos, self, nullptr);
}

static void gst_acq_src_class_init(GstAcqSrcClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSrcClass* base_class = GST_BASE_SRC_CLASS(klass);
  GstPushSrcClass* push_class = GST_PUSH_SRC_CLASS(klass);

  gobject_class->set_property = gst_acq_src_set_property;
  gobject_class->get_property = gst_acq_src_get_property;
  gobject_class->finalize = gst_acq_src_finalize;

  const std::string camera_blurb = "Camera to acquire from, by name: " + acqsrc::describe_camera_naming() +
                                   " (gst-device-monitor-1.0 Video/Source lists the GenICam cameras present)";
  g_object_class_install_property(
      gobject_class, PROP_CAMERA,
      g_param_spec_string("camera", "Camera", g_intern_string(camera_blurb.c_str()), acqsrc::default_camera_name,
                          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_EXPOSURE_TIME_US,
      g_param_spec_double("exposure-time-us", "Exposure time (us)",
                          "Exposure time of each frame in microseconds; the frame period when the caps leave the "
                          "framerate open, and at most one frame period when they fix it",
                          1.0, max_exposure_us, default_exposure_us,
                          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_IS_LIVE,
      g_param_spec_boolean(
          "is-live", "Is live",
          "Deliver frames paced by the pipeline clock, dropping those downstream does not take in time, "
          "like a hardware camera; false: as fast as downstream takes them",
          TRUE, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_SEED,
      g_param_spec_uint64(
          "seed", "Seed", "Seed of the \"simulated:uniform-random\" camera: the same seed gives the same frames", 0,
          G_MAXUINT64, 0, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_FRAMES_DROPPED,
      g_param_spec_uint64(
          "frames-dropped", "Frames dropped",
          "Frames lost: not taken in time downstream (live cameras), or lost or incomplete in a hardware camera", 0,
          G_MAXUINT64, 0, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  // Hardware only (but stream-buffers): the simulated cameras ignore these.
  g_object_class_install_property(
      gobject_class, PROP_GAIN,
      g_param_spec_double("gain", "Gain (dB)",
                          "Analog gain of a hardware camera in dB; -1 leaves the camera's own setting",
                          keep_camera_gain, 1000.0, keep_camera_gain,
                          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_OFFSET_X,
      g_param_spec_int("offset-x", "Offset x",
                       "Left edge of a hardware camera's region in (binned) sensor pixels; the caps width is its width",
                       0, G_MAXINT, 0,
                       GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_OFFSET_Y,
      g_param_spec_int(
          "offset-y", "Offset y",
          "Top edge of a hardware camera's region in (binned) sensor pixels; the caps height is its height", 0,
          G_MAXINT, 0, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_BINNING,
      g_param_spec_int(
          "binning", "Binning",
          "Binning of a hardware camera, the same horizontally and vertically; the sizes in the caps are binned", 1, 64,
          1, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_FEATURES,
      g_param_spec_string(
          "features", "Features",
          "GenICam features of a hardware camera, \"Feature=value Feature=value ...\", applied at start after "
          "everything else (e.g. \"ReverseX=true BlackLevel=10\")",
          "", GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_CAPTURE_ERROR,
      g_param_spec_enum(
          "capture-error", "Capture error",
          "What a hardware camera's incomplete frame does: skip it (counted in frames-dropped), keep it, or abort",
          GST_TYPE_ACQ_SRC_CAPTURE_ERROR, int(acqsrc::CaptureErrorPolicy::Skip),
          GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_STREAM_BUFFERS,
      g_param_spec_uint("stream-buffers", "Stream buffers",
                        "Frames the camera holds for downstream (a hardware camera's capture buffers in the driver; "
                        "a live simulated camera keeps its newest this many); more absorb longer stalls downstream",
                        1, 1024, default_stream_buffers,
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics",
                         "Counts that tell a slow pipeline from a lossy network: frames-dropped, and for a "
                         "hardware camera its capture stream's completed-buffers, failures (incomplete frames), "
                         "underruns (data that found no free buffer; Aravis counts GigE packets, not frames), and "
                         "for GigE missing-packets and resent-packets, since the stream started; also posted as an "
                         "acqsrc-stats element message at EOS",
                         GST_TYPE_STRUCTURE, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  gst_type_mark_as_plugin_api(GST_TYPE_ACQ_SRC_CAPTURE_ERROR, GstPluginAPIFlags(0));

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "Scientific camera source", "Source/Video/Hardware",
      "Acquires frames from a scientific camera: Acquire's simulated cameras (radial sin, uniform random, "
      "empty) or a GenICam camera through Aravis",
      "gst-zarr developers");

  base_class->start = gst_acq_src_start;
  base_class->stop = gst_acq_src_stop;
  base_class->get_caps = gst_acq_src_get_caps;
  base_class->fixate = gst_acq_src_fixate;
  base_class->negotiate = gst_acq_src_negotiate;
  base_class->set_caps = gst_acq_src_set_caps;
  base_class->query = gst_acq_src_query;
  base_class->is_seekable = gst_acq_src_is_seekable;
  base_class->unlock = gst_acq_src_unlock;
  base_class->unlock_stop = gst_acq_src_unlock_stop;
  push_class->alloc = gst_acq_src_alloc;
  push_class->fill = gst_acq_src_fill;

  GST_DEBUG_CATEGORY_INIT(gst_acq_src_debug, "acqsrc", 0, "scientific camera source");
}
