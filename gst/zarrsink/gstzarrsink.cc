/**
 * SECTION:element-zarrsink
 * @title: zarrsink
 *
 * Records video frames into a chunked, optionally compressed Zarr dataset:
 * a group with an array `0` of shape (t, c, y, x) and OME-NGFF metadata, or,
 * with `dimensions` (e.g. `t,c:channel:2,z:space:50:10`), frames folded into
 * time points, channels and z stacks and stored as (t, c, z, y, x), z scaled
 * by `pixel-size-z`; a size on the first dimension ends the recording (EOS).
 * Zarr v2 (the default, OME-NGFF 0.4) or, with `zarr-version=3`, Zarr v3
 * (OME-NGFF 0.5), optionally sharded (`chunks-per-shard-x/-y/-t`) so long
 * recordings make few files. With `multiscale=true` arrays `1`, `2`, ...
 * hold a pyramid that halves y and x per level (`downsample-method`), for
 * viewers that open any zoom. The caps' framerate gives the time scale. GRAY8 becomes uint8, GRAY16 (either byte order)
 * uint16 stored little-endian, and packed RGB-family formats uint8 with one channel per colour component in R, G, B(,
 * A) order. Compression and writing run on the library's worker threads; EOS means the data is on disk.
 *
 * A location `s3://bucket/path/name.zarr` records into an S3 bucket
 * (AWS, or `s3-endpoint` for MinIO, Ceph...); credentials come from the
 * usual AWS environment variables or files, never from a property. See
 * docs/object-storage.md.
 *
 * zarrsink is a URI handler (sink) for `file` and `s3`: `location` takes a
 * path, a `file:///` URI (decoded to its path) or an `s3://` URL, `uri` a
 * URI, read back as `file:///absolute/path` or `s3://...`. A URI it cannot
 * record to (another host, another scheme) fails the start naming the
 * property. Its rank stays NONE: for `file://` URIs gst_element_make_from_uri()
 * gives filesink, which ranks higher (docs/elements/zarrsink.md, "URIs").
 *
 * The dataset properties are made from the library's setting table and are
 * frozen while a recording is open (READY -> PAUSED until back in READY): a
 * change is refused with a warning naming the property. A flushing seek or a
 * stop wakes a frame waiting for the writer (unlock); `stop-policy` says what
 * a stop without EOS keeps (`finish`: every frame; `abort`: whole rows
 * already being written). When chunk rows are on disk the element posts a
 * `zarrsink-progress` element message (unless `post-messages=false`) with
 * `frames`, `bytes-written`, `compression-ratio`, `running-time` and
 * `frames-dropped` of what a reader can read at that moment.
 *
 * Every recording keeps a frame record in the `acquisition` attributes of
 * array 0: the acquisition start (UTC), the first frame's number (buffer
 * OFFSET), the frame interval and the lost frames (gaps in OFFSET) as
 * `[index, count]` runs. `gap-policy=fill` stores a blank frame for each
 * lost one instead, so index t is camera frame first + t; `frame-table=true`
 * also stores each frame's number, time, camera timestamp and flags in the
 * group `frames`. Lost frames end in one warning per recording with the
 * count. See docs/elements/zarrsink.md, "The frame record".
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -e acqsrc camera="simulated: radial sin" exposure-time-us=50000 num-buffers=10 \
 *   ! video/x-raw,format=GRAY8,width=1920,height=1080 \
 *   ! zarrsink location=out.zarr tile-width=960 tile-height=540 max-bytes-per-chunk=33554432
 * gst-launch-1.0 -e acqsrc ! video/x-raw,format=GRAY8,width=512,height=512 \
 *   ! zarrsink location=stacks.zarr dimensions="t:time:10,c:channel:2,z:space:50:10" pixel-size-z=0.5
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/zarrsink/gstzarrsink.hh"

#include <gst/video/video.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <variant>

#include "gst/zarrsink/element_error.hh"
#include "gst/zarrsink/location_uri.hh"
#include "gst/zarrsink/setting_properties.hh"
#include "gst/zarrsink/video_layout.hh"
#include "gst/zarrsink/zarrsink_enums.hh"
#include "zarr/error.hh"
#include "zarr/writer.hh"

GST_DEBUG_CATEGORY_STATIC(gst_zarr_sink_debug);
#define GST_CAT_DEFAULT gst_zarr_sink_debug

namespace {

// Settings of the element itself, not of the dataset: they may change at any time.
struct ElementSettings {
  bool post_messages = true;
  StopPolicy stop_policy = StopPolicy::finish;
};

// The life of the element's recording. One recording spans READY -> PAUSED
// ... PAUSED -> READY; the dataset properties are frozen for all of it.
struct Idle {        // NULL or READY: the properties may change
  zarr::Stats last;  // of the last recording, for the stats property
};
struct Waiting {};  // started, the settings checked; no caps yet
struct Recording {
  GstVideoInfo info;
  VideoLayout layout;
  std::shared_ptr<zarr::Writer> writer;
};
struct Failed {                          // an error is on the bus; nothing more is appended until the next start
  std::shared_ptr<zarr::Writer> writer;  // null when opening failed; else closed at stop for what it holds
};
struct Closed {  // EOS: the data is on disk
  zarr::Stats stats;
};
using Lifecycle = std::variant<Idle, Waiting, Recording, Failed, Closed>;

// A location or uri value that cannot be recorded to. A property cannot
// fail, so the start does, naming the property (empty `why`: nothing refused).
struct LocationRefusal {
  std::string property;
  std::string why;
};

struct State {
  std::mutex mutex;  // guards everything below
  zarr::Settings settings;
  LocationRefusal location_refusal;
  ElementSettings element;
  Lifecycle life;
  bool stopping = false;  // PAUSED -> READY under way: unlock_stop must not resume the writer
  // Reference of the GstReferenceTimestampMeta with the camera's own clock (acqsrc's).
  GstCaps* const camera_clock = gst_caps_new_empty_simple("timestamp/x-camera");
  ~State() { gst_caps_unref(camera_clock); }
};

}  // namespace

struct _GstZarrSink {
  GstBaseSink parent;
  State* state;
};

enum {
  PROP_0,
  PROP_STATS,
  PROP_POST_MESSAGES,
  PROP_STOP_POLICY,
  PROP_URI,
  PROP_FIRST_SETTING,  // then one per entry of zarr::setting_table()
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(ZARR_SINK_VIDEO_FORMATS)));

static void gst_zarr_sink_uri_handler_init(gpointer g_iface, gpointer iface_data);

G_DEFINE_TYPE_WITH_CODE(GstZarrSink, gst_zarr_sink, GST_TYPE_BASE_SINK,
                        G_IMPLEMENT_INTERFACE(GST_TYPE_URI_HANDLER, gst_zarr_sink_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE(zarrsink, "zarrsink", GST_RANK_NONE, GST_TYPE_ZARR_SINK);

static GstStructure* stats_structure(const zarr::Stats& stats) {
  return gst_structure_new("zarrsink-stats", "frames", G_TYPE_UINT64, guint64(stats.frames), "bytes-in", G_TYPE_UINT64,
                           guint64(stats.bytes_in), "bytes-written", G_TYPE_UINT64, guint64(stats.bytes_written),
                           "compression-ratio", G_TYPE_DOUBLE, stats.compression_ratio(), "chunks-written",
                           G_TYPE_UINT64, guint64(stats.chunks_written), "frames-dropped", G_TYPE_UINT64,
                           guint64(stats.frames_lost), nullptr);
}

// The figures of the recording in progress, being closed, or last closed.
static zarr::Stats current_stats(const Lifecycle& life) {
  if (const auto* idle = std::get_if<Idle>(&life)) return idle->last;
  if (const auto* recording = std::get_if<Recording>(&life)) return recording->writer->stats();
  if (const auto* failed = std::get_if<Failed>(&life)) return failed->writer ? failed->writer->stats() : zarr::Stats{};
  if (const auto* closed = std::get_if<Closed>(&life)) return closed->stats;
  return {};
}

static std::shared_ptr<zarr::Writer> writer_of(const Lifecycle& life) {
  if (const auto* recording = std::get_if<Recording>(&life)) return recording->writer;
  if (const auto* failed = std::get_if<Failed>(&life)) return failed->writer;
  return nullptr;
}

// Called by the library's workers, without the library's locks, when rows
// are on disk: says what a reader can read now.
static void post_progress(GstZarrSink* sink, const zarr::Progress& progress) {
  const GstClockTime newest =
      progress.newest_time_ns == zarr::unknown_time ? GST_CLOCK_TIME_NONE : GstClockTime(progress.newest_time_ns);
  {
    std::lock_guard lock(sink->state->mutex);
    if (!sink->state->element.post_messages) return;
  }
  GstStructure* s = gst_structure_new(
      "zarrsink-progress", "frames", G_TYPE_UINT64, guint64(progress.frames), "bytes-written", G_TYPE_UINT64,
      guint64(progress.bytes_written), "compression-ratio", G_TYPE_DOUBLE, progress.compression_ratio(), "running-time",
      G_TYPE_UINT64, guint64(newest), "frames-dropped", G_TYPE_UINT64, guint64(progress.frames_lost), nullptr);
  gst_element_post_message(GST_ELEMENT(sink), gst_message_new_element(GST_OBJECT(sink), s));
}

// Marks the recording failed (its error is on the bus); the writer, if any,
// is kept so that the stop still closes what it holds.
static void fail_recording(GstZarrSink* sink) {
  std::lock_guard lock(sink->state->mutex);
  Lifecycle& life = sink->state->life;
  life = Failed{writer_of(life)};
}

// Finishes the recording (policy finish: last partial row, final metadata;
// abort: only the rows already written) and keeps its figures for the stats
// property. At a stop (not EOS) a store that stopped answering is given up
// instead of waited for. Returns FALSE after posting an error or warning,
// or when a flush or stop interrupted the close at EOS (the stop closes).
static gboolean close_recording(GstZarrSink* sink, StopPolicy policy, bool at_eos) {
  State& state = *sink->state;
  std::shared_ptr<zarr::Writer> writer;
  bool failed = false;
  {
    std::lock_guard lock(state.mutex);
    writer = writer_of(state.life);
    failed = std::holds_alternative<Failed>(state.life);
    if (!writer) return !failed;
  }
  gboolean ok = TRUE;
  // The writer stays in the state while it closes, so stats keep reading it.
  try {
    if (!at_eos) {
      writer->resume();  // the stop's unlock() ended the waits; closing waits for the workers again
      writer->give_up_stalled_transfers();
    }
    if (policy == StopPolicy::abort)
      writer->abort();
    else
      writer->close();
  } catch (const zarr::Error& error) {
    ok = FALSE;
    if (at_eos && error.code() == zarr::ErrorCode::cancelled) {
      // unlock() during the close at EOS: a flush or a stop, which closes.
      GST_DEBUG_OBJECT(sink, "close at EOS interrupted: %s", error.what());
      return FALSE;
    }
    if (error.code() == zarr::ErrorCode::cancelled)
      GST_ELEMENT_WARNING(
          sink, RESOURCE, WRITE,
          ("The recording was stopped while its store was not answering: the dataset holds the %" G_GUINT64_FORMAT
           " frames written before.",
           guint64(writer->stats().frames)),
          ("%s", error.what()));
    else if (!failed)
      post_zarr_error(GST_ELEMENT(sink), error);
    else
      GST_WARNING_OBJECT(sink, "closing after an earlier error: %s", error.what());
  } catch (const std::bad_alloc&) {
    ok = FALSE;
    if (!failed) post_out_of_memory(GST_ELEMENT(sink));
  }
  const zarr::Stats stats = writer->stats();
  GST_INFO_OBJECT(sink, "closed after %" G_GUINT64_FORMAT " frames (%s)", guint64(stats.frames),
                  at_eos ? "EOS" : "stopped");
  if (at_eos && ok && !failed && stats.frames == 0) {
    // Caps came but no frame: a valid dataset of no frames, which gst-launch's exit status 0 would not tell.
    std::string location;
    {
      std::lock_guard lock(state.mutex);
      location = state.settings.location;
    }
    GST_ELEMENT_WARNING(sink, STREAM, FAILED,
                        ("Nothing was recorded: the stream ended before its first frame; the dataset at %s holds no "
                         "frames.",
                         location.c_str()),
                        ("EOS after the caps, before any buffer"));
  }
  if (stats.frames_lost > 0)
    // Once per recording: gst-launch prints it, and the progress messages
    // and the QoS messages of the source told of each gap while recording.
    GST_ELEMENT_WARNING(sink, STREAM, FAILED,
                        ("%" G_GUINT64_FORMAT " camera frames were lost during the recording (gaps in the frame "
                         "numbers); the dataset lists them in the \"acquisition\" attributes of array 0.",
                         guint64(stats.frames_lost)),
                        ("%" G_GUINT64_FORMAT " frames stored", guint64(stats.frames)));
  std::lock_guard lock(state.mutex);
  state.life = Closed{stats};
  return ok && !failed;
}

// Checks every setting that needs no frame geometry, so that a wrong
// location or metadata fails the READY -> PAUSED change, not the first frame.
static gboolean start_recording(GstZarrSink* sink) {
  zarr::Settings settings;
  LocationRefusal refusal;
  {
    std::lock_guard lock(sink->state->mutex);
    settings = sink->state->settings;
    refusal = sink->state->location_refusal;
  }
  if (!refusal.why.empty()) {
    post_zarr_error(GST_ELEMENT(sink), zarr::invalid_setting(refusal.property, refusal.why));
    return FALSE;
  }
  if (settings.location.empty()) {
    // GStreamer's sinks report a missing location as NOT_FOUND (filesink does).
    GST_ELEMENT_ERROR(sink, RESOURCE, NOT_FOUND,
                      ("No location set: set the \"location\" property to a directory, a file:// URI or an "
                       "s3://bucket/path URL, or \"uri\" to a file:// or s3:// URI, for the Zarr dataset."),
                      (nullptr));
    return FALSE;
  }
  try {
    zarr::check_settings(settings);
  } catch (const zarr::Error& error) {
    post_zarr_error(GST_ELEMENT(sink), error);
    return FALSE;
  }
  std::lock_guard lock(sink->state->mutex);
  sink->state->life = Waiting{};
  sink->state->stopping = false;
  return TRUE;
}

static GstStateChangeReturn gst_zarr_sink_change_state(GstElement* element, GstStateChange transition) {
  auto* sink = GST_ZARR_SINK(element);
  State& state = *sink->state;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !start_recording(sink)) return GST_STATE_CHANGE_FAILURE;
  StopPolicy policy = StopPolicy::finish;
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // Waits that cannot end by themselves (a full row pool, a stalled
    // upload) end now and stay ended until the recording is closed.
    std::lock_guard lock(state.mutex);
    state.stopping = true;
    policy = state.element.stop_policy;
    if (auto writer = writer_of(state.life)) writer->cancel();
  }
  const GstStateChangeReturn result = GST_ELEMENT_CLASS(gst_zarr_sink_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    // Set to READY or NULL without EOS: the stop policy says what is kept.
    close_recording(sink, policy, false);
    std::lock_guard lock(state.mutex);
    state.life = Idle{current_stats(state.life)};
    state.stopping = false;
  }
  return result;
}

// A flushing seek or a state change down: wake a render blocked in the
// writer (a full row pool, an S3 back-off). Its frame is dropped, as a flush drops it.
static gboolean gst_zarr_sink_unlock(GstBaseSink* base) {
  auto* sink = GST_ZARR_SINK(base);
  std::lock_guard lock(sink->state->mutex);
  if (auto writer = writer_of(sink->state->life)) writer->cancel();
  return TRUE;
}

static gboolean gst_zarr_sink_unlock_stop(GstBaseSink* base) {
  auto* sink = GST_ZARR_SINK(base);
  std::lock_guard lock(sink->state->mutex);
  if (sink->state->stopping) return TRUE;
  if (auto writer = writer_of(sink->state->life)) writer->resume();
  return TRUE;
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
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT,
                      ("Format %s cannot be recorded; put videoconvert in front.",
                       gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info))),
                      ("caps: %" GST_PTR_FORMAT, caps));
    return FALSE;
  }

  zarr::Settings settings;
  {
    std::lock_guard lock(state.mutex);
    if (auto* recording = std::get_if<Recording>(&state.life)) {
      const GstVideoInfo& current = recording->info;
      if (same_array_shape(current, info)) return TRUE;
      GST_ELEMENT_ERROR(sink, STREAM, FORMAT,
                        ("The video format changed mid-recording from %s %dx%d to %s %dx%d; a Zarr array has one "
                         "frame shape, so the recording stops here (the frames already recorded are kept).",
                         gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&current)), GST_VIDEO_INFO_WIDTH(&current),
                         GST_VIDEO_INFO_HEIGHT(&current), gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&info)),
                         GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info)),
                        ("new caps: %" GST_PTR_FORMAT, caps));
      state.life = Failed{recording->writer};
      return FALSE;
    }
    // Opening failed already (the error is on the bus): upstream may offer
    // the caps again, and a second try would only repeat the error (and, for
    // S3, the network retries).
    if (!std::holds_alternative<Waiting>(state.life)) return FALSE;
    settings = state.settings;
  }
  settings.data_type = layout->data_type;
  settings.width = layout->width;
  settings.height = layout->height;
  settings.channels = layout->channels;
  // A variable framerate (0/1) leaves the time scale unknown: frames count.
  if (GST_VIDEO_INFO_FPS_N(&info) > 0 && GST_VIDEO_INFO_FPS_D(&info) > 0)
    settings.frame_interval_s = double(GST_VIDEO_INFO_FPS_D(&info)) / GST_VIDEO_INFO_FPS_N(&info);
  for (const zarr::SettingNotice& notice : zarr::setting_notices(settings))
    GST_ELEMENT_WARNING(sink, RESOURCE, SETTINGS, ("%s", notice.message.c_str()),
                        ("property %s", notice.setting.c_str()));

  GST_DEBUG_OBJECT(
      sink, "opening %s (S3 endpoint \"%s\", region \"%s\"; credentials are the library's business, never logged)",
      settings.location.c_str(), settings.s3.endpoint.c_str(), settings.s3.region.c_str());
  std::shared_ptr<zarr::Writer> writer;
  try {
    writer = std::make_shared<zarr::Writer>(settings,
                                            [sink](const zarr::Progress& progress) { post_progress(sink, progress); });
  } catch (const zarr::Error& error) {
    post_zarr_error(GST_ELEMENT(sink), error);
    fail_recording(sink);
    return FALSE;
  } catch (const std::bad_alloc&) {
    post_out_of_memory(GST_ELEMENT(sink));
    fail_recording(sink);
    return FALSE;
  }
  GST_INFO_OBJECT(sink, "recording %" GST_PTR_FORMAT " into %s", caps, settings.location.c_str());
  std::lock_guard lock(state.mutex);
  state.life = Recording{info, *layout, std::move(writer)};
  return TRUE;
}

// Which camera frame a buffer is and when it was taken, for the frame
// record: OFFSET (the frame number of camera sources), the running time of
// its PTS, the camera's clock (acqsrc's timestamp/x-camera reference meta),
// DISCONT and CORRUPTED. `first`: also the wall-clock time it was taken.
static zarr::FrameStamp frame_stamp(GstZarrSink* sink, GstBuffer* buffer, GstClockTime running_time, bool first) {
  zarr::FrameStamp stamp;
  if (GST_BUFFER_OFFSET_IS_VALID(buffer)) stamp.number = GST_BUFFER_OFFSET(buffer);
  if (GST_CLOCK_TIME_IS_VALID(running_time)) stamp.time_ns = std::int64_t(running_time);
  if (GstReferenceTimestampMeta* meta = gst_buffer_get_reference_timestamp_meta(buffer, sink->state->camera_clock))
    stamp.camera_time_ns = std::int64_t(meta->timestamp);
  if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT)) stamp.flags |= zarr::frame_flags::discontinuity;
  if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED)) stamp.flags |= zarr::frame_flags::corrupted;
  if (first) {
    // Now on the wall clock, less how long ago (on the pipeline clock) the frame was taken.
    std::int64_t utc_ns = g_get_real_time() * 1000;
    GstClock* clock = gst_element_get_clock(GST_ELEMENT(sink));
    if (clock && GST_CLOCK_TIME_IS_VALID(running_time)) {
      const GstClockTime now = gst_clock_get_time(clock) - gst_element_get_base_time(GST_ELEMENT(sink));
      if (now > running_time) utc_ns -= std::int64_t(now - running_time);
    }
    if (clock) gst_object_unref(clock);
    stamp.utc_ns = utc_ns;
  }
  return stamp;
}

static GstFlowReturn gst_zarr_sink_render(GstBaseSink* base, GstBuffer* buffer) {
  auto* sink = GST_ZARR_SINK(base);
  Recording recording;
  {
    std::lock_guard lock(sink->state->mutex);
    if (std::holds_alternative<Failed>(sink->state->life)) return GST_FLOW_ERROR;
    const auto* current = std::get_if<Recording>(&sink->state->life);
    if (!current) return GST_FLOW_NOT_NEGOTIATED;
    recording = *current;  // shared pointers: the writer outlives this call
  }

  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &recording.info, buffer, GST_MAP_READ)) {
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("A buffer does not hold a whole frame of the negotiated format."),
                      ("buffer of %" G_GSIZE_FORMAT " bytes, caps need %" G_GSIZE_FORMAT, gst_buffer_get_size(buffer),
                       GST_VIDEO_INFO_SIZE(&recording.info)));
    fail_recording(sink);
    return GST_FLOW_ERROR;
  }
  if (!frame_within_buffer(frame)) {
    // A GstVideoMeta whose offset or stride reaches past the end of the buffer.
    GST_ELEMENT_ERROR(sink, STREAM, FORMAT, ("A buffer does not hold a whole frame of the negotiated format."),
                      ("buffer of %" G_GSIZE_FORMAT " bytes, video meta offset %" G_GSIZE_FORMAT " stride %d",
                       gst_buffer_get_size(buffer), GST_VIDEO_FRAME_PLANE_OFFSET(&frame, 0),
                       GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0)));
    gst_video_frame_unmap(&frame);
    fail_recording(sink);
    return GST_FLOW_ERROR;
  }
  GstFlowReturn result = GST_FLOW_OK;
  try {
    const GstClockTime running_time =
        gst_segment_to_running_time(&base->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer));
    const bool first = recording.writer->stats().frames == 0;
    const FrameChannels channels(frame, recording.layout);
    if (!recording.writer->complete())
      recording.writer->append(channels.view(), frame_stamp(sink, buffer, running_time, first));
    if (recording.writer->complete()) {
      // The append dimension has the size "dimensions" gave it: the dataset
      // is finished now (a tee's other branches may go on), and upstream is
      // told the stream ended here, as a source's num-buffers would.
      recording.writer->close();
      GST_INFO_OBJECT(sink, "the recording is complete after %" G_GUINT64_FORMAT " frames",
                      guint64(recording.writer->stats().frames));
      result = GST_FLOW_EOS;
    }
  } catch (const zarr::Error& error) {
    if (error.code() == zarr::ErrorCode::cancelled) {
      // unlock(): a flush or a stop; the frame goes, as a flush drops it.
      GST_DEBUG_OBJECT(sink, "append interrupted: %s", error.what());
      result = GST_FLOW_FLUSHING;
    } else {
      post_zarr_error(GST_ELEMENT(sink), error);
      fail_recording(sink);
      result = GST_FLOW_ERROR;
    }
  } catch (const std::bad_alloc&) {
    post_out_of_memory(GST_ELEMENT(sink));
    fail_recording(sink);
    result = GST_FLOW_ERROR;
  }
  gst_video_frame_unmap(&frame);
  return result;
}

// EOS before any caps: the dataset is created at the first caps, so there
// is none, and an exit status of 0 alone would not tell the user.
static void warn_if_nothing_recorded(GstZarrSink* sink) {
  std::string location;
  {
    std::lock_guard lock(sink->state->mutex);
    if (!std::holds_alternative<Waiting>(sink->state->life)) return;
    location = sink->state->settings.location;
  }
  GST_ELEMENT_WARNING(sink, STREAM, FAILED,
                      ("Nothing was recorded: the stream ended before any caps reached the sink, so no dataset was "
                       "created at %s.",
                       location.c_str()),
                      ("EOS before the first caps event"));
}

static gboolean gst_zarr_sink_event(GstBaseSink* base, GstEvent* event) {
  auto* sink = GST_ZARR_SINK(base);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) warn_if_nothing_recorded(sink);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS && !close_recording(sink, StopPolicy::finish, true)) {
    // The error is on the bus; no EOS message, since the data is not complete.
    gst_event_unref(event);
    return FALSE;
  }
  return GST_BASE_SINK_CLASS(gst_zarr_sink_parent_class)->event(base, event);
}

// As filesink does for its location: the dataset being written keeps the
// settings it was opened with, and the property says so. Call unlocked.
static void warn_refused_while_recording(GstZarrSink* sink, const char* property, const char* refused) {
  GST_ELEMENT_WARNING(sink, RESOURCE, SETTINGS,
                      ("Cannot change \"%s\" while recording; it keeps its value until the element is set back "
                       "to READY.",
                       property),
                      ("refused value %s", refused));
}

// `location` and `uri` both set the dataset's location; the state's lock is held, the element idle.
static void set_location(State& state, const LocationValue& value, const char* property) {
  state.settings.location = value.location;
  state.location_refusal = value.refusal.empty() ? LocationRefusal{} : LocationRefusal{property, value.refusal};
}

static void gst_zarr_sink_set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  auto* sink = GST_ZARR_SINK(object);
  State& state = *sink->state;
  std::unique_lock lock(state.mutex);
  switch (prop_id) {
    case PROP_POST_MESSAGES: state.element.post_messages = g_value_get_boolean(value); return;
    case PROP_STOP_POLICY: state.element.stop_policy = StopPolicy(g_value_get_enum(value)); return;
    default: break;
  }
  const zarr::SettingSpec* spec = setting_of_property(PROP_FIRST_SETTING, prop_id);
  if (!spec && prop_id != PROP_URI) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  if (!std::holds_alternative<Idle>(state.life)) {
    lock.unlock();
    gchar* refused = g_strdup_value_contents(value);
    warn_refused_while_recording(sink, pspec->name, refused);
    g_free(refused);
    return;
  }
  if (prop_id == PROP_URI)
    set_location(state, location_from_uri(g_value_get_string(value)), "uri");
  else if (std::strcmp(spec->name, "location") == 0)
    set_location(state, location_from_value(g_value_get_string(value)), "location");
  else
    set_setting(state.settings, *spec, value);
}

// The location as a URI; none while the value set is refused. The state's lock is held.
static gchar* current_uri(const State& state) {
  return state.location_refusal.why.empty() ? uri_of_location(state.settings.location) : nullptr;
}

static void gst_zarr_sink_get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  auto* sink = GST_ZARR_SINK(object);
  State& state = *sink->state;
  std::lock_guard lock(state.mutex);
  switch (prop_id) {
    case PROP_STATS: g_value_take_boxed(value, stats_structure(current_stats(state.life))); return;
    case PROP_POST_MESSAGES: g_value_set_boolean(value, state.element.post_messages); return;
    case PROP_STOP_POLICY: g_value_set_enum(value, int(state.element.stop_policy)); return;
    case PROP_URI: g_value_take_string(value, current_uri(state)); return;
    default: break;
  }
  if (const zarr::SettingSpec* spec = setting_of_property(PROP_FIRST_SETTING, prop_id))
    get_setting(state.settings, *spec, value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

// The URI query, as filesink answers it: where the data goes.
static gboolean gst_zarr_sink_query(GstBaseSink* base, GstQuery* query) {
  if (GST_QUERY_TYPE(query) != GST_QUERY_URI)
    return GST_BASE_SINK_CLASS(gst_zarr_sink_parent_class)->query(base, query);
  gchar* uri = gst_uri_handler_get_uri(GST_URI_HANDLER(base));
  if (!uri) return FALSE;
  gst_query_set_uri(query, uri);
  g_free(uri);
  return TRUE;
}

static GstURIType gst_zarr_sink_uri_get_type(GType) { return GST_URI_SINK; }

static const gchar* const* gst_zarr_sink_uri_get_protocols(GType) {
  static const gchar* const protocols[] = {"file", "s3", nullptr};
  return protocols;
}

static gchar* gst_zarr_sink_uri_get_uri(GstURIHandler* handler) {
  State& state = *GST_ZARR_SINK(handler)->state;
  std::lock_guard lock(state.mutex);
  return current_uri(state);
}

// Unlike the properties, a URI can be refused at once: gst_element_make_from_uri()
// then tries the next element, and an application reads why.
static gboolean gst_zarr_sink_uri_set_uri(GstURIHandler* handler, const gchar* uri, GError** error) {
  auto* sink = GST_ZARR_SINK(handler);
  State& state = *sink->state;
  const LocationValue value = location_from_uri(uri);
  std::unique_lock lock(state.mutex);
  if (!std::holds_alternative<Idle>(state.life)) {
    lock.unlock();
    warn_refused_while_recording(sink, "uri", uri);
    g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
                "Cannot change \"uri\" while recording; it keeps its value until the element is set back to READY.");
    return FALSE;
  }
  if (!value.refusal.empty()) {
    g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI, "invalid setting \"uri\": %s", value.refusal.c_str());
    return FALSE;
  }
  set_location(state, value, "uri");
  return TRUE;
}

static void gst_zarr_sink_uri_handler_init(gpointer g_iface, gpointer) {
  auto* iface = static_cast<GstURIHandlerInterface*>(g_iface);
  iface->get_type = gst_zarr_sink_uri_get_type;
  iface->get_protocols = gst_zarr_sink_uri_get_protocols;
  iface->get_uri = gst_zarr_sink_uri_get_uri;
  iface->set_uri = gst_zarr_sink_uri_set_uri;
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

  install_setting_properties(gobject_class, PROP_FIRST_SETTING);
  g_object_class_install_property(
      gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean("post-messages", "Post messages",
                           "Post a zarrsink-progress element message each time chunk rows are on disk", TRUE,
                           GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property(
      gobject_class, PROP_STOP_POLICY,
      g_param_spec_enum("stop-policy", "Stop policy",
                        "What a stop without EOS (set to READY or NULL) keeps: finish writes every frame received, "
                        "abort closes fast and keeps the whole chunk rows already written",
                        GST_TYPE_ZARR_SINK_STOP_POLICY, int(StopPolicy::finish),
                        GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING)));
  g_object_class_install_property(
      gobject_class, PROP_URI,
      g_param_spec_string("uri", "URI",
                          "The location as a URI: file:///path/name.zarr (percent-encoded, this host only) or "
                          "s3://bucket/path/name.zarr; reads back the location as an absolute URI",
                          nullptr, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed(
          "stats", "Statistics",
          "frames, bytes-in, bytes-written, compression-ratio, chunks-written, frames-dropped of the recording in "
          "progress (also while it closes), or of the last one",
          GST_TYPE_STRUCTURE, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_set_static_metadata(element_class, "Zarr sink", "Sink/File/Video",
                                        "Records video frames into a chunked, compressed Zarr dataset",
                                        "gst-zarr contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR(gst_zarr_sink_change_state);
  base_class->set_caps = GST_DEBUG_FUNCPTR(gst_zarr_sink_set_caps);
  base_class->render = GST_DEBUG_FUNCPTR(gst_zarr_sink_render);
  base_class->event = GST_DEBUG_FUNCPTR(gst_zarr_sink_event);
  base_class->query = GST_DEBUG_FUNCPTR(gst_zarr_sink_query);
  base_class->unlock = GST_DEBUG_FUNCPTR(gst_zarr_sink_unlock);
  base_class->unlock_stop = GST_DEBUG_FUNCPTR(gst_zarr_sink_unlock_stop);
}
