// The camera interface acqsrc drives. The element speaks GStreamer (caps,
// properties, buffers); a Camera only knows formats, timing and pixels, so a
// new camera family (e.g. GenICam through Aravis) is one new backend file
// plus one line in camera_registry.cc.
#pragma once

#include <gst/gst.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace acqsrc {

enum class PixelFormat { Gray8, Gray16LE };

inline std::size_t bytes_per_pixel(PixelFormat format) { return format == PixelFormat::Gray8 ? 1 : 2; }

// What a camera can deliver; the element turns it into caps.
struct CameraCapabilities {
  std::vector<PixelFormat> formats;
  int min_width = 1, max_width = 1;
  int min_height = 1, max_height = 1;
  // Frames per second the camera can run at; 0 = any (simulated cameras).
  double min_frame_rate = 0, max_frame_rate = 0;
};

// What the negotiated caps ask of the camera.
struct FrameFormat {
  PixelFormat format = PixelFormat::Gray8;
  int width = 0;
  int height = 0;
  // Frames per second as a fraction, so that timestamps computed from a
  // frame counter never drift (a period of 1/30 s is not whole nanoseconds).
  int rate_numerator = 0;
  int rate_denominator = 1;

  // Start of frame `n` in running time.
  GstClockTime frame_time(std::uint64_t n) const {
    return gst_util_uint64_scale(n, rate_denominator * GST_SECOND, rate_numerator);
  }
  // The frame whose slot contains `time`.
  std::uint64_t frame_at(GstClockTime time) const {
    return gst_util_uint64_scale(time, rate_numerator, rate_denominator * GST_SECOND);
  }
};

// What a hardware camera does with a frame it could not complete.
enum class CaptureErrorPolicy {
  Skip,   // count it as dropped and wait for the next one
  Keep,   // deliver it as it is
  Abort,  // stop the recording with an error
};

// Element properties that are not caps; each backend uses what applies to
// it. Simulated cameras use exposure_time, seed and stream_buffers only.
struct CameraSettings {
  GstClockTime exposure_time = 0;  // at most one frame period
  std::uint64_t seed = 0;          // for simulated noise
  std::optional<double> gain_db;   // nullopt: leave the camera's own gain
  int offset_x = 0;                // region origin on the (binned) sensor
  int offset_y = 0;
  int binning = 1;       // same factor horizontally and vertically
  std::string features;  // "Feature=value ...", applied last
  CaptureErrorPolicy capture_error = CaptureErrorPolicy::Skip;
  unsigned stream_buffers = 10;  // frames held for downstream (capture buffers)
};

// Where a frame goes: `height` rows of `width` pixels, `stride` bytes apart.
struct Pixels {
  std::uint8_t* data = nullptr;
  std::size_t stride = 0;
  int width = 0;
  int height = 0;
};

// One delivered frame, as the camera numbers and times it.
struct FrameInfo {
  std::uint64_t frame_id = 0;  // camera frame number -> buffer OFFSET
  GstClockTime pts = 0;        // running time of the frame start
  GstClockTime duration = 0;
  std::uint64_t frames_dropped = 0;  // frames lost just before this one
  // The camera's own timestamp in ns (hardware clock), or NONE.
  GstClockTime camera_timestamp = GST_CLOCK_TIME_NONE;
  bool incomplete = false;  // delivered although the camera did not complete it
};

// Time as the pipeline sees it. The element backs this with its clock so
// live cameras follow the pipeline clock (and GstTestClock in tests).
class FrameClock {
 public:
  virtual ~FrameClock() = default;
  // Running time now, or GST_CLOCK_TIME_NONE without a clock.
  virtual GstClockTime running_time() = 0;
  // Blocks until `running_time`; false when interrupted by the element
  // (flushing, state change), in which case no frame should be produced.
  virtual bool wait_until(GstClockTime running_time) = 0;
};

// Thrown by backends for anything the user can fix (bad settings, missing
// device) and for a camera that stopped answering; the element turns it
// into an element error.
class CameraError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Camera {
 public:
  virtual ~Camera() = default;

  // Called once right after opening, before capabilities(): a hardware
  // camera applies what changes its sensor geometry (binning, offsets) here
  // so that the caps it offers already fit.
  virtual void apply_settings(const CameraSettings&) {}
  virtual CameraCapabilities capabilities() const = 0;
  // Called while stopped, with caps already checked against capabilities().
  virtual void configure(const FrameFormat& format, const CameraSettings& settings) = 0;
  // `live`: deliver frames paced by `clock` and drop the ones nobody took in
  // time; otherwise deliver them as fast as they are asked for.
  virtual void start(FrameClock& clock, bool live) = 0;
  virtual void stop() = 0;

  // Blocks until the next frame is due; nullopt when interrupted.
  virtual std::optional<FrameInfo> wait_for_frame() = 0;
  // Writes the frame announced by wait_for_frame() into `pixels`.
  virtual void write_frame(const FrameInfo& frame, const Pixels& pixels) = 0;
  // True when every frame is all zeros: the element then hands out one
  // shared read-only zeroed memory and never calls write_frame().
  virtual bool frames_are_blank() const { return false; }
  // A hardware camera runs on its own clock: the element is then live
  // whatever is-live says.
  virtual bool always_live() const { return false; }
  // What the camera reports it really uses after configure() (region,
  // binning, exposure, ...), posted on the bus for the record; nullptr when
  // there is nothing beyond the caps and properties.
  virtual GstStructure* applied_settings() const { return nullptr; }
  // The capture stream's own counts since the acquisition started
  // ("acqsrc-stats": completed-buffers, failures, underruns, and for GigE
  // missing-packets, resent-packets), so a user can tell a slow pipeline
  // from a lossy network; nullptr when there is no such stream. Called
  // from any thread.
  virtual GstStructure* stream_statistics() const { return nullptr; }

  // Wake up a wait of the camera's own (e.g. a hardware queue); waits on the
  // FrameClock are interrupted by the element itself.
  virtual void interrupt() {}
  virtual void resume() {}
};

}  // namespace acqsrc
