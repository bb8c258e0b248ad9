// GenICam cameras (GigE Vision, USB3 Vision) through Aravis 0.8.
//
// Names are "aravis:<device id>" with the id as Aravis reports it, or an IP
// address for a GigE camera that broadcast discovery cannot reach; spaces
// after the colon are allowed ("aravis: <device id>", the earlier form). The ids
// "Fake_<n>" are Aravis' in-process fake camera: opening one enables Aravis'
// "Fake" interface; listing shows it only when the environment variable
// ACQSRC_ARAVIS_FAKE is set, so users' camera lists stay real.
//
// Frames are copied from the capture buffer into the element's buffer, and
// the capture buffer goes straight back to the stream. Handing out the
// capture buffer itself (returned to the stream from the GstBuffer's destroy
// notify) would save one copy but lets a slow downstream (a sink's queue)
// hold every stream buffer, so the camera runs dry and drops frames; it
// also ties GStreamer's padded strides to the camera's packed rows. One
// memcpy per frame is small next to compression, and a capture buffer is
// never read after it is back in the stream (the bug of Aravis' own
// aravissrc).
#include "gst/acqsrc/camera_backends.hh"
#include "gst/acqsrc/frame_counter.hh"
#include "gst/acqsrc/udp_receive_buffer.hh"

#include <arv.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>

GST_DEBUG_CATEGORY_STATIC(acqsrc_aravis_debug);
#define GST_CAT_DEFAULT acqsrc_aravis_debug

namespace acqsrc {
namespace {

constexpr char aravis_prefix[] = "aravis:";
constexpr std::size_t aravis_prefix_length = sizeof(aravis_prefix) - 1;
constexpr guint64 pop_timeout_us = 100 * 1000;  // how often a wait checks for interrupts
constexpr guint64 silence_before_probe_us = 1000 * 1000;
// Address 0 is a register every GigE Vision (version) and USB3 Vision
// (ABRM) device answers: reading it tells whether the camera is still there.
constexpr guint64 probe_register = 0;
// A GigE camera sends each frame as a burst of packets faster than the
// receiving thread may get a CPU: the UDP receive buffer must hold several
// frames, far more than the system default (about 200 KB, less than one
// 512x512 frame). The kernel caps the request at net.core.rmem_max.
constexpr int gige_socket_buffer_frames = 8;
constexpr int gige_socket_buffer_min_bytes = 4 << 20;

// Aravis keeps its interfaces and device list in global state.
std::mutex& aravis_mutex() {
  static std::mutex mutex;
  return mutex;
}

bool is_fake_id(const std::string& id) { return id.rfind("Fake_", 0) == 0; }

std::string take_message(GError* error) {
  std::string message = error ? error->message : "unknown error";
  g_clear_error(&error);
  return message;
}

bool is_loopback(ArvCamera* camera) {
  if (!arv_camera_is_gv_device(camera)) return false;
  // Owned by the device (transfer none).
  GSocketAddress* address = arv_gv_device_get_device_address(ARV_GV_DEVICE(arv_camera_get_device(camera)));
  return address && G_IS_INET_SOCKET_ADDRESS(address) &&
         g_inet_address_get_is_loopback(g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address)));
}

// How the camera numbers its frames (arv_buffer_get_frame_id). GigE Vision
// block ids are 16 bit and skip 0, unless the camera runs GigE Vision 2's
// extended 64-bit ids; Aravis' in-process fake camera counts the same way;
// USB3 Vision block ids are 64 bit.
FrameIdFormat frame_id_format(ArvCamera* camera) {
  if (arv_camera_is_gv_device(camera)) {
    GError* error = nullptr;
    const char* feature = "GevGVSPExtendedIDMode";
    if (arv_camera_is_feature_available(camera, feature, nullptr)) {
      const char* mode = arv_camera_get_string(camera, feature, &error);
      const bool extended = !error && mode && g_strcmp0(mode, "On") == 0;
      g_clear_error(&error);
      if (extended) return FrameIdFormat::full_64_bit();
    }
    return FrameIdFormat::gige_vision();
  }
  if (ARV_IS_FAKE_DEVICE(arv_camera_get_device(camera))) return FrameIdFormat::gige_vision();
  return FrameIdFormat::full_64_bit();
}

// GenICam name of the pixel format that fills `format`, in order of preference.
const ArvPixelFormat gray8_formats[] = {ARV_PIXEL_FORMAT_MONO_8};
// Unpacked little-endian formats only: packed ones (Mono10p, Mono12Packed)
// would need unpacking and are not offered.
const ArvPixelFormat gray16_formats[] = {ARV_PIXEL_FORMAT_MONO_16, ARV_PIXEL_FORMAT_MONO_14, ARV_PIXEL_FORMAT_MONO_12,
                                         ARV_PIXEL_FORMAT_MONO_10};

class AravisCamera final : public Camera {
 public:
  AravisCamera(std::string name, ArvCamera* camera) : name_(std::move(name)), camera_(camera) {
    control_lost_handler_ = g_signal_connect(
        arv_camera_get_device(camera_), "control-lost",
        G_CALLBACK(+[](ArvDevice*, gpointer self) { static_cast<AravisCamera*>(self)->control_lost_ = true; }), this);
    guint n = 0;
    GError* error = nullptr;
    gint64* formats = arv_camera_dup_available_pixel_formats(camera_, &n, &error);
    g_clear_error(&error);
    for (guint i = 0; i < n; ++i) available_formats_.push_back(static_cast<ArvPixelFormat>(formats[i]));
    g_free(formats);
  }

  ~AravisCamera() override {
    stop();
    g_signal_handler_disconnect(arv_camera_get_device(camera_), control_lost_handler_);
    g_object_unref(camera_);
  }

  void apply_settings(const CameraSettings& settings) override {
    settings_ = settings;
    if (settings.binning < 1) throw CameraError("binning must be at least 1");
    GError* error = nullptr;
    if (arv_camera_is_binning_available(camera_, nullptr)) {
      arv_camera_set_binning(camera_, settings.binning, settings.binning, &error);
      if (error) throw CameraError("binning=" + std::to_string(settings.binning) + ": " + take_message(error));
    } else if (settings.binning != 1) {
      throw CameraError("binning=" + std::to_string(settings.binning) + ": the camera has no binning");
    }
  }

  CameraCapabilities capabilities() const override {
    CameraCapabilities capabilities;
    if (gray8_format()) capabilities.formats.push_back(PixelFormat::Gray8);
    if (gray16_format()) capabilities.formats.push_back(PixelFormat::Gray16LE);
    int min_w = 1, max_w = 1, min_h = 1, max_h = 1;
    arv_camera_get_width_bounds(camera_, &min_w, &max_w, nullptr);
    arv_camera_get_height_bounds(camera_, &min_h, &max_h, nullptr);
    // The region starts at the offsets, so it can only reach the sensor edge.
    capabilities.min_width = std::max(1, min_w);
    capabilities.max_width = std::max(capabilities.min_width, max_w - settings_.offset_x);
    capabilities.min_height = std::max(1, min_h);
    capabilities.max_height = std::max(capabilities.min_height, max_h - settings_.offset_y);
    if (arv_camera_is_frame_rate_available(camera_, nullptr)) {
      arv_camera_get_frame_rate_bounds(camera_, &capabilities.min_frame_rate, &capabilities.max_frame_rate, nullptr);
    }
    return capabilities;
  }

  void configure(const FrameFormat& format, const CameraSettings& settings) override {
    stop();
    format_ = format;
    settings_ = settings;
    GError* error = nullptr;
    const auto pixel_format = format.format == PixelFormat::Gray8 ? gray8_format() : gray16_format();
    if (!pixel_format) throw CameraError("the camera offers no pixel format for this caps format");
    arv_camera_set_pixel_format(camera_, *pixel_format, &error);
    if (error) throw CameraError("pixel format " + pixel_format_name(*pixel_format) + ": " + take_message(error));

    arv_camera_set_region(camera_, settings.offset_x, settings.offset_y, format.width, format.height, &error);
    if (error) throw CameraError(region_text(settings, format) + ": " + take_message(error));
    int x = 0, y = 0, width = 0, height = 0;
    arv_camera_get_region(camera_, &x, &y, &width, &height, &error);
    if (error) throw CameraError("reading back the region: " + take_message(error));
    if (x != settings.offset_x || y != settings.offset_y || width != format.width || height != format.height) {
      throw CameraError(region_text(settings, format) + " was changed by the camera to offset " + std::to_string(x) +
                        "," + std::to_string(y) + " size " + std::to_string(width) + "x" + std::to_string(height) +
                        " (its sizes and offsets have steps)");
    }

    if (format.rate_numerator > 0 && arv_camera_is_frame_rate_available(camera_, nullptr)) {
      arv_camera_set_frame_rate(camera_, double(format.rate_numerator) / format.rate_denominator, &error);
      if (error) throw CameraError("frame rate: " + take_message(error));
    }
    if (arv_camera_is_exposure_time_available(camera_, nullptr)) {
      arv_camera_set_exposure_time(camera_, settings.exposure_time / 1000.0, &error);
      if (error) throw CameraError("exposure-time-us: " + take_message(error));
    }
    if (settings.gain_db) {
      arv_camera_set_gain(camera_, *settings.gain_db, &error);
      if (error) throw CameraError("gain=" + std::to_string(*settings.gain_db) + ": " + take_message(error));
    }
    arv_camera_set_acquisition_mode(camera_, ARV_ACQUISITION_MODE_CONTINUOUS, &error);
    if (error) throw CameraError("continuous acquisition: " + take_message(error));
    // Applied last so a user can override anything set above.
    if (!settings.features.empty() &&
        !arv_device_set_features_from_string(arv_camera_get_device(camera_), settings.features.c_str(), &error)) {
      throw CameraError("features=\"" + settings.features + "\": " + take_message(error));
    }
  }

  void start(FrameClock& clock, bool) override {
    stop();
    clock_ = &clock;
    GError* error = nullptr;
    // Aravis' packet socket cannot capture on loopback (the fake GigE camera).
    if (is_loopback(camera_)) arv_camera_gv_set_stream_options(camera_, ARV_GV_STREAM_OPTION_PACKET_SOCKET_DISABLED);
    const guint payload = arv_camera_get_payload(camera_, &error);
    if (error) throw CameraError("payload size: " + take_message(error));
    stream_ = arv_camera_create_stream(camera_, nullptr, nullptr, &error);
    if (!stream_) throw CameraError("cannot open the stream: " + take_message(error));
    if (ARV_IS_GV_STREAM(stream_)) size_socket_buffer(payload);
    for (unsigned i = 0; i < std::max(1u, settings_.stream_buffers); ++i)
      arv_stream_push_buffer(stream_, arv_buffer_new_allocate(payload));
    guint64 completed = 0, failures = 0;
    arv_stream_get_statistics(stream_, &completed, &failures, &underruns_);
    refresh_statistics();
    frame_counter_ = FrameCounter(frame_id_format(camera_));
    skipped_ = 0;
    // The acquisition starts at the first wait_for_frame(): downstream sets
    // itself up (zarrsink creates its dataset) after these caps, and a
    // camera started now would fill every stream buffer meanwhile.
  }

  void stop() override {
    if (!stream_) return;
    return_current_buffer();
    // Before stopping: the frame cut short by the stop is no failure.
    refresh_statistics();
    // A camera that vanished would only make us wait for its timeouts.
    if (acquiring_ && !lost_) arv_camera_stop_acquisition(camera_, nullptr);
    acquiring_ = false;
    g_clear_object(&stream_);  // frees the buffers it holds
    clock_ = nullptr;
  }

  std::optional<FrameInfo> wait_for_frame() override {
    return_current_buffer();
    if (!acquiring_) start_acquisition();
    guint64 silent_us = 0;
    for (;;) {
      if (interrupted_) return std::nullopt;
      if (control_lost_) lost_ = true;
      if (lost_) throw CameraError("lost the connection to camera \"" + name_ + "\"");
      ArvBuffer* buffer = arv_stream_timeout_pop_buffer(stream_, pop_timeout_us);
      refresh_statistics();
      if (!buffer) {
        silent_us += pop_timeout_us;
        // Silence is normal for a triggered camera; a camera that no longer
        // answers a register read is gone.
        if (silent_us >= silence_before_probe_us) {
          check_responding();
          silent_us = 0;
        }
        continue;
      }
      const ArvBufferStatus status = arv_buffer_get_status(buffer);
      if (status != ARV_BUFFER_STATUS_SUCCESS) {
        const std::string what = "frame " + std::to_string(arv_buffer_get_frame_id(buffer)) +
                                 " incomplete (Aravis buffer status " + std::to_string(int(status)) + ")";
        if (settings_.capture_error != CaptureErrorPolicy::Keep) {
          arv_stream_push_buffer(stream_, buffer);
          if (settings_.capture_error == CaptureErrorPolicy::Abort) throw CameraError(what + ", capture-error=abort");
          ++skipped_;
          continue;
        }
      }
      current_ = buffer;
      return frame_info(buffer);
    }
  }

  void write_frame(const FrameInfo&, const Pixels& pixels) override {
    if (!current_) throw CameraError("no frame to write");
    std::size_t size = 0;
    const auto* data = static_cast<const std::uint8_t*>(arv_buffer_get_image_data(current_, &size));
    const std::size_t row_bytes = std::size_t(pixels.width) * bytes_per_pixel(format_.format);
    for (int y = 0; y < pixels.height; ++y) {
      std::uint8_t* row = pixels.data + std::size_t(y) * pixels.stride;
      const std::size_t start = std::size_t(y) * row_bytes;
      // A kept incomplete frame may be short: the missing part reads as zeros.
      const std::size_t available = data && size > start ? std::min(row_bytes, size - start) : 0;
      if (available) std::memcpy(row, data + start, available);
      std::memset(row + available, 0, row_bytes - available);
    }
    return_current_buffer();
  }

  bool always_live() const override { return true; }
  void interrupt() override { interrupted_ = true; }
  void resume() override { interrupted_ = false; }

  GstStructure* stream_statistics() const override {
    std::lock_guard lock(statistics_mutex_);
    if (!statistics_) return nullptr;
    const StreamStatistics& s = *statistics_;
    GstStructure* structure =
        gst_structure_new("acqsrc-stats", "completed-buffers", G_TYPE_UINT64, s.completed, "failures", G_TYPE_UINT64,
                          s.failures, "underruns", G_TYPE_UINT64, s.underruns, nullptr);
    if (s.gige)
      gst_structure_set(structure, "missing-packets", G_TYPE_UINT64, s.missing_packets, "resent-packets", G_TYPE_UINT64,
                        s.resent_packets, nullptr);
    return structure;
  }

  GstStructure* applied_settings() const override {
    GstStructure* s = gst_structure_new("acqsrc-camera", "camera", G_TYPE_STRING, name_.c_str(), nullptr);
    auto set_string = [&](const char* field, const char* value) {
      if (value) gst_structure_set(s, field, G_TYPE_STRING, value, nullptr);
    };
    set_string("vendor", arv_camera_get_vendor_name(camera_, nullptr));
    set_string("model", arv_camera_get_model_name(camera_, nullptr));
    set_string("device-id", arv_camera_get_device_id(camera_, nullptr));
    set_string("pixel-format", arv_camera_get_pixel_format_as_string(camera_, nullptr));
    GError* error = nullptr;
    int x = 0, y = 0, width = 0, height = 0;
    arv_camera_get_region(camera_, &x, &y, &width, &height, &error);
    if (!error)
      gst_structure_set(s, "offset-x", G_TYPE_INT, x, "offset-y", G_TYPE_INT, y, "width", G_TYPE_INT, width, "height",
                        G_TYPE_INT, height, nullptr);
    g_clear_error(&error);
    if (arv_camera_is_binning_available(camera_, nullptr)) {
      int dx = 1, dy = 1;
      arv_camera_get_binning(camera_, &dx, &dy, &error);
      if (!error) gst_structure_set(s, "binning-x", G_TYPE_INT, dx, "binning-y", G_TYPE_INT, dy, nullptr);
      g_clear_error(&error);
    }
    auto set_double = [&](const char* field, bool available, double (*get)(ArvCamera*, GError**)) {
      if (!available) return;
      const double value = get(camera_, &error);
      if (!error) gst_structure_set(s, field, G_TYPE_DOUBLE, value, nullptr);
      g_clear_error(&error);
    };
    set_double("exposure-time-us", arv_camera_is_exposure_time_available(camera_, nullptr),
               arv_camera_get_exposure_time);
    set_double("gain-db", arv_camera_is_gain_available(camera_, nullptr), arv_camera_get_gain);
    set_double("frame-rate", arv_camera_is_frame_rate_available(camera_, nullptr), arv_camera_get_frame_rate);
    return s;
  }

 private:
  std::optional<ArvPixelFormat> first_available(const ArvPixelFormat* begin, const ArvPixelFormat* end) const {
    for (const ArvPixelFormat* f = begin; f != end; ++f) {
      if (std::find(available_formats_.begin(), available_formats_.end(), *f) != available_formats_.end()) return *f;
    }
    return std::nullopt;
  }
  std::optional<ArvPixelFormat> gray8_format() const {
    return first_available(std::begin(gray8_formats), std::end(gray8_formats));
  }
  std::optional<ArvPixelFormat> gray16_format() const {
    return first_available(std::begin(gray16_formats), std::end(gray16_formats));
  }
  static std::string pixel_format_name(ArvPixelFormat format) {
    char buffer[16];
    g_snprintf(buffer, sizeof buffer, "0x%08x", format);
    return buffer;
  }
  static std::string region_text(const CameraSettings& settings, const FrameFormat& format) {
    return "region offset-x=" + std::to_string(settings.offset_x) + " offset-y=" + std::to_string(settings.offset_y) +
           " width=" + std::to_string(format.width) + " height=" + std::to_string(format.height);
  }

  void check_responding() {
    GError* error = nullptr;
    guint32 value = 0;
    if (!arv_device_read_register(arv_camera_get_device(camera_), probe_register, &value, &error)) {
      lost_ = true;
      throw CameraError("camera \"" + name_ + "\" stopped answering: " + take_message(error));
    }
  }

  FrameInfo frame_info(ArvBuffer* buffer) {
    FrameInfo info;
    // OFFSET counts from 0 at the first frame, like the simulated cameras,
    // and keeps counting across the wraps of the camera's own ids.
    const guint64 camera_id = arv_buffer_get_frame_id(buffer);
    const FrameCounter::Count count = frame_counter_.count(camera_id);
    if (count.number == 0)
      GST_INFO("camera \"%s\": frame 0 of the acquisition is camera frame id %" G_GUINT64_FORMAT, name_.c_str(),
               camera_id);
    info.frame_id = count.number;
    // A hardware frame exists when it arrives: its time on the pipeline clock.
    info.pts = clock_ ? clock_->running_time() : GST_CLOCK_TIME_NONE;
    info.duration = format_.rate_numerator > 0 ? format_.frame_time(1) : GST_CLOCK_TIME_NONE;
    const guint64 camera_time = arv_buffer_get_timestamp(buffer);
    info.camera_timestamp = camera_time ? camera_time : GST_CLOCK_TIME_NONE;

    // Lost frames show as a gap in the frame ids (GigE, USB3), or only in
    // the stream's counts (skipped incomplete frames, frames that found no
    // free buffer): take whichever tells of more, never both. Aravis 0.8's
    // GigE stream counts an underrun per packet, not per frame: there the
    // frames without a buffer show in the ids only.
    guint64 completed = 0, failures = 0, underruns = 0;
    arv_stream_get_statistics(stream_, &completed, &failures, &underruns);
    const bool underruns_are_frames = !ARV_IS_GV_STREAM(stream_);
    const std::uint64_t counted = skipped_ + (underruns_are_frames ? underruns - underruns_ : 0);
    info.frames_dropped = std::max(counted, count.lost);
    info.incomplete = arv_buffer_get_status(buffer) != ARV_BUFFER_STATUS_SUCCESS;  // kept by capture-error=keep
    underruns_ = underruns;
    skipped_ = 0;
    return info;
  }

  void start_acquisition() {
    GError* error = nullptr;
    arv_camera_start_acquisition(camera_, &error);
    if (error) throw CameraError("cannot start the acquisition: " + take_message(error));
    acquiring_ = true;
  }

  void size_socket_buffer(guint payload) {
    const int bytes = int(std::min<gint64>(
        INT_MAX / 2, std::max<gint64>(gige_socket_buffer_min_bytes, gint64(payload) * gige_socket_buffer_frames)));
    g_object_set(stream_, "socket-buffer", ARV_GV_STREAM_SOCKET_BUFFER_FIXED, "socket-buffer-size", bytes, nullptr);
    // Aravis applies it only when the first frame begins: now, before the
    // first frame's packets meet the default buffer.
    const int granted = set_udp_receive_buffer(arv_gv_stream_get_port(ARV_GV_STREAM(stream_)), bytes);
    if (granted == 0) {
      GST_INFO("camera \"%s\": no stream socket found; Aravis sizes it at the first frame", name_.c_str());
      return;
    }
    // The kernel counts twice what it lets the data use.
    if (granted / 2 < 2 * int(payload))
      GST_WARNING(
          "camera \"%s\": UDP receive buffer of %d bytes for frames of %u bytes: frames will be lost "
          "while the receiving thread waits for a CPU; raise net.core.rmem_max (asked for %d)",
          name_.c_str(), granted / 2, payload, bytes);
    else
      GST_INFO("camera \"%s\": UDP receive buffer of %d bytes", name_.c_str(), granted / 2);
  }

  // Aravis' counts for this stream, kept for stream_statistics() from any
  // thread, and after the stream is gone.
  void refresh_statistics() {
    StreamStatistics s;
    arv_stream_get_statistics(stream_, &s.completed, &s.failures, &s.underruns);
    if (ARV_IS_GV_STREAM(stream_)) {
      s.gige = true;
      arv_gv_stream_get_statistics(ARV_GV_STREAM(stream_), &s.resent_packets, &s.missing_packets);
    }
    std::lock_guard lock(statistics_mutex_);
    statistics_ = s;
  }

  void return_current_buffer() {
    if (current_ && stream_) arv_stream_push_buffer(stream_, current_);
    current_ = nullptr;
  }

  std::string name_;
  ArvCamera* camera_;
  gulong control_lost_handler_ = 0;
  std::vector<ArvPixelFormat> available_formats_;
  FrameFormat format_;
  CameraSettings settings_;
  FrameClock* clock_ = nullptr;
  ArvStream* stream_ = nullptr;
  ArvBuffer* current_ = nullptr;  // popped, being copied; back to the stream right after
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> control_lost_{false};
  bool lost_ = false;  // no longer answers: never wait on it again
  bool acquiring_ = false;
  guint64 underruns_ = 0;
  std::uint64_t skipped_ = 0;
  FrameCounter frame_counter_{FrameIdFormat::full_64_bit()};
  struct StreamStatistics {
    guint64 completed = 0, failures = 0, underruns = 0;
    bool gige = false;
    guint64 missing_packets = 0, resent_packets = 0;
  };
  mutable std::mutex statistics_mutex_;
  std::optional<StreamStatistics> statistics_;  // of the last stream started
};

}  // namespace

std::vector<std::string> list_aravis_cameras() {
  std::lock_guard lock(aravis_mutex());
  if (std::getenv("ACQSRC_ARAVIS_FAKE")) arv_enable_interface("Fake");
  arv_update_device_list();
  std::vector<std::string> names;
  for (unsigned i = 0; i < arv_get_n_devices(); ++i) {
    if (const char* id = arv_get_device_id(i)) names.push_back(std::string(aravis_prefix) + id);
  }
  return names;
}

std::unique_ptr<Camera> open_aravis_camera(const std::string& name) {
  if (name.rfind(aravis_prefix, 0) != 0) return nullptr;
  std::string id = name.substr(aravis_prefix_length);
  id.erase(0, id.find_first_not_of(' '));
  std::lock_guard lock(aravis_mutex());
  if (!acqsrc_aravis_debug) GST_DEBUG_CATEGORY_INIT(acqsrc_aravis_debug, "acqsrc-aravis", 0, "acqsrc GenICam cameras");
  if (is_fake_id(id)) arv_enable_interface("Fake");
  GError* error = nullptr;
  ArvCamera* camera = arv_camera_new(id.c_str(), &error);
  if (!camera) throw CameraError("cannot open \"" + name + "\": " + take_message(error));
  auto opened = std::make_unique<AravisCamera>(name, camera);
  if (opened->capabilities().formats.empty())
    throw CameraError("\"" + name + "\" offers none of the pixel formats Mono8, Mono10, Mono12, Mono14, Mono16");
  return opened;
}

}  // namespace acqsrc
