"""acqsrc with GenICam cameras through Aravis, no hardware needed.

Aravis' in-process fake camera ("aravis: Fake_1") and its GigE Vision fake
camera, a separate process speaking GVCP/GVSP on loopback
("aravis: 127.0.0.1"). Frames go through zarrsink and are read back with
zarr-python; the expected pixels follow the fake camera's fill pattern
(Aravis' arvfakecamera.c, diagonal ramp):
    value(x, y) = ((x + y + frame_id) % 255) * (1 + gain + log10(exposure_us / 10000)),
clipped to 0..255, with frame_id the camera's own (16-bit, 0-skipping) id.
acqsrc's OFFSET counts from 0 at the first frame, so the camera id of
buffer n is the first frame's id + n, wrapped 65535 -> 1; as 65535 is a
multiple of 255, the pattern of buffer n is that of id (first id + n).
The first id modulo 255 is read off the first frame.

Usage: test_aravis.py CASE   (one meson test per case)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

import numpy as np  # noqa: E402
import zarr  # noqa: E402

Gst.init(None)

# A hang shows as missing these bounds by far; they are not speed checks.
PROMPT_S = 5.0
ERROR_WITHIN_S = 40.0


def fail(message):
    sys.exit(f"FAIL: {message}")


def expected_frame(frame_id, width, height, gain=0):
    y, x = np.mgrid[0:height, 0:width]
    ramp = ((x + y + frame_id) % 255).astype(np.float64) * (1 + gain)
    return np.clip(ramp, 0, 255).astype(np.uint8)


def first_id_mod_255(frame, gain):
    """The camera id (mod 255) whose pattern the frame shows."""
    height, width = frame.shape
    for candidate in range(255):
        if np.array_equal(frame, expected_frame(candidate, width, height, gain)):
            return candidate
    fail("the first frame shows no frame id's pattern")


class Run:
    """A pipeline whose acqsrc (named src) is watched: buffers, messages."""

    def __init__(self, description):
        self.pipeline = Gst.parse_launch(description)
        self.src = self.pipeline.get_by_name("src")
        self.offsets, self.pts, self.camera_times, self.discont = [], [], [], []
        self.src.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self._on_buffer)
        self.bus = self.pipeline.get_bus()
        self.elements = []

    def _on_buffer(self, pad, info):
        buffer = info.get_buffer()
        self.offsets.append(buffer.offset)
        self.pts.append(buffer.pts)
        self.discont.append(buffer.has_flags(Gst.BufferFlags.DISCONT))
        meta = buffer.get_reference_timestamp_meta(Gst.Caps.from_string("timestamp/x-camera"))
        self.camera_times.append(meta.timestamp if meta else None)
        return Gst.PadProbeReturn.OK

    def wait(self, types, timeout_s):
        """The first message of `types` within timeout_s, keeping element messages."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            message = self.bus.timed_pop(int(0.1 * Gst.SECOND))
            if message is None:
                continue
            if message.type == Gst.MessageType.ELEMENT:
                self.elements.append(message.get_structure().copy())
            if message.type & types:
                return message
        return None

    def applied(self):
        for structure in self.elements:
            if structure.get_name() == "acqsrc-camera":
                return structure
        fail("no acqsrc-camera message with the settings the camera applied")

    def stop(self):
        """Sets NULL; fails when that does not return promptly."""
        done = threading.Event()
        threading.Thread(target=lambda: (self.pipeline.set_state(Gst.State.NULL), done.set()), daemon=True).start()
        if not done.wait(ERROR_WITHIN_S):
            fail("setting the pipeline to NULL hangs")


def record(camera, directory, frames, width, height, extra="", rate="100/1", timeout_s=60):
    run = Run(
        f'acqsrc name=src camera="{camera}" num-buffers={frames} {extra} '
        f"! video/x-raw,format=GRAY8,width={width},height={height},framerate={rate} "
        f"! zarrsink location={directory}"
    )
    run.pipeline.set_state(Gst.State.PLAYING)
    message = run.wait(Gst.MessageType.EOS | Gst.MessageType.ERROR, timeout_s)
    dropped = run.src.get_property("frames-dropped")
    run.stats = run.src.get_property("stats") if run.src.find_property("stats") else None
    run.stop()
    if message is None:
        fail(f"{camera}: no EOS within {timeout_s} s ({len(run.offsets)} buffers, frames-dropped {dropped}, "
             f"stats {run.stats.to_string() if run.stats else None})")
    if message.type == Gst.MessageType.ERROR:
        fail(f"{camera}: {message.parse_error()}")
    return run, dropped


def check_recording(run, dropped, directory, frames, width, height, gain=0):
    array = zarr.open(zarr.DirectoryStore(os.path.join(directory, "0"), dimension_separator="/"), mode="r")
    if array.shape != (frames, 1, height, width) or array.dtype != np.uint8:
        fail(f"dataset shape {array.shape} {array.dtype}, expected {(frames, 1, height, width)} uint8")
    if len(run.offsets) != frames:
        fail(f"{len(run.offsets)} buffers seen, expected {frames}")
    data = array[:]
    first_id = first_id_mod_255(data[0, 0], gain)
    if run.offsets[0] != 0:
        fail(f"the first buffer's OFFSET is {run.offsets[0]}, not 0")
    for t, offset in enumerate(run.offsets):
        frame_id = first_id + offset
        expected = expected_frame(frame_id, width, height, gain)
        if not np.array_equal(data[t, 0], expected):
            bad = np.argwhere(data[t, 0] != expected)[0]
            fail(f"frame {t} (id {frame_id}) differs at y,x={tuple(bad)}: "
                 f"{data[t, 0][tuple(bad)]} != {expected[tuple(bad)]}")
    gaps = sum(b - a - 1 for a, b in zip(run.offsets, run.offsets[1:]) if b > a + 1)
    if dropped < gaps:
        fail(f"frame ids skip {gaps} frame(s) but frames-dropped is {dropped}")
    for t in range(1, frames):
        if run.offsets[t] > run.offsets[t - 1] + 1 and not run.discont[t]:
            fail(f"buffer {t} follows lost frames but is not DISCONT")
    if any(b <= a for a, b in zip(run.offsets, run.offsets[1:])):
        fail(f"OFFSET does not grow: {run.offsets}")
    if any(b < a for a, b in zip(run.pts, run.pts[1:])):
        fail(f"PTS go backwards: {run.pts}")
    if None in run.camera_times:
        fail("a buffer lacks the camera timestamp (GstReferenceTimestampMeta timestamp/x-camera)")
    print(f"{frames} frames {width}x{height} equal the fake camera's pattern; OFFSET {run.offsets[0]}.."
          f"{run.offsets[-1]}, frames-dropped {dropped}")
    return first_id


def case_fake_record(workdir):
    directory = os.path.join(workdir, "fake.zarr")
    run, dropped = record("aravis: Fake_1", directory, 100, 64, 48)
    check_recording(run, dropped, directory, 100, 64, 48)


def case_fake_region_binning(workdir):
    directory = os.path.join(workdir, "region.zarr")
    run, dropped = record("aravis: Fake_1", directory, 20, 100, 60,
                          "offset-x=16 offset-y=8 binning=2 gain=1 exposure-time-us=10000")
    applied = run.applied()
    wanted = {"offset-x": 16, "offset-y": 8, "width": 100, "height": 60, "binning-x": 2, "binning-y": 2}
    got = {key: applied.get_value(key) for key in wanted}
    if got != wanted or applied.get_value("gain-db") != 1.0:
        fail(f"camera reports {applied.to_string()}, expected {wanted} and gain-db 1")
    # The fake camera's gain scales its ramp: (1 + gain) x ramp, clipped.
    check_recording(run, dropped, directory, 20, 100, 60, gain=1)
    # The region can reach the sensor edge only: WidthMax less the offset.
    # (The fake camera's WidthMax stays 2048 whatever the binning; a real
    # camera reports it in binned pixels, which the element passes on.)
    caps_run = Run('acqsrc name=src camera="aravis: Fake_1" binning=2 offset-x=16 ! fakesink')
    caps_run.pipeline.set_state(Gst.State.READY)
    caps_run.src.set_state(Gst.State.PAUSED)
    caps = caps_run.src.get_static_pad("src").query_caps(None).to_string()
    caps_run.stop()
    print(f"caps with binning=2 offset-x=16: {caps}")
    if "width=(int)[ 1, 2032 ]" not in caps:
        fail("the caps' width range does not account for the offset")


def case_states(workdir):
    run = Run('acqsrc name=src camera="aravis: Fake_1" ! video/x-raw,width=64,height=48,framerate=100/1 ! fakesink')
    for _ in range(3):
        for state in (Gst.State.READY, Gst.State.PAUSED, Gst.State.PLAYING):
            if run.pipeline.set_state(state) == Gst.StateChangeReturn.FAILURE:
                fail(f"change to {state.value_nick} failed")
            run.pipeline.get_state(10 * Gst.SECOND)
        time.sleep(0.1)
        for state in (Gst.State.PAUSED, Gst.State.READY, Gst.State.NULL):
            if run.pipeline.set_state(state) == Gst.StateChangeReturn.FAILURE:
                fail(f"change to {state.value_nick} failed")
            run.pipeline.get_state(10 * Gst.SECOND)
    if run.wait(Gst.MessageType.ERROR, 0.2) is not None:
        fail("an error was posted while cycling states")
    if not run.offsets:
        fail("no frame went through while PLAYING")
    print(f"3 state cycles, {len(run.offsets)} frames, no error")


# One frame every 5 s: without unlock, EOS or NULL would wait for it.
SLOW_CAPS = "video/x-raw,width=64,height=48,framerate=1/5"


def case_eos_and_null_prompt(workdir):
    """EOS with the in-process fake, NULL with the GigE fake: Aravis' in-process
    fake stream sleeps through its whole frame period before it can be stopped,
    so NULL could not be prompt there whatever the element does."""
    run = Run(f'acqsrc name=src camera="aravis: Fake_1" ! {SLOW_CAPS} ! fakesink')
    run.pipeline.set_state(Gst.State.PLAYING)
    run.pipeline.get_state(10 * Gst.SECOND)
    time.sleep(0.3)
    start = time.monotonic()
    run.pipeline.send_event(Gst.Event.new_eos())
    message = run.wait(Gst.MessageType.EOS | Gst.MessageType.ERROR, PROMPT_S)
    elapsed = time.monotonic() - start
    run.stop()
    if message is None or message.type != Gst.MessageType.EOS:
        fail(f"no EOS within {PROMPT_S} s of sending it while the camera waits for a frame")
    print(f"EOS arrived after {elapsed:.2f} s")

    with FakeGigECamera():
        run = Run(f'acqsrc name=src camera="aravis: 127.0.0.1" ! {SLOW_CAPS} ! fakesink')
        run.pipeline.set_state(Gst.State.PLAYING)
        run.pipeline.get_state(10 * Gst.SECOND)
        time.sleep(0.3)
        start = time.monotonic()
        done = threading.Event()
        threading.Thread(target=lambda: (run.pipeline.set_state(Gst.State.NULL), done.set()), daemon=True).start()
        if not done.wait(PROMPT_S):
            fail(f"set to NULL did not return within {PROMPT_S} s while the camera waits for a frame")
    print(f"NULL reached after {time.monotonic() - start:.2f} s")


def case_unknown_camera(workdir):
    run = Run('acqsrc name=src camera="aravis: NoSuchCamera" ! fakesink')
    if run.pipeline.set_state(Gst.State.PAUSED) != Gst.StateChangeReturn.FAILURE:
        fail("READY->PAUSED succeeded with an unknown camera")
    message = run.wait(Gst.MessageType.ERROR, 10)
    run.stop()
    if message is None:
        fail("no error message")
    error, debug = message.parse_error()
    if error.domain != GLib.quark_to_string(Gst.ResourceError.quark()):
        fail(f"error domain {error.domain}, expected RESOURCE")
    for text in ('"aravis: NoSuchCamera"', '"simulated:radial-sin"'):
        if text not in error.message:
            fail(f"error message lacks {text}: {error.message}")
    print(f"unknown camera: {error.message}")


class FakeGigECamera:
    """arv-fake-gv-camera-0.8 on loopback, killed in all cases."""

    def __enter__(self):
        self.process = subprocess.Popen(["arv-fake-gv-camera-0.8", "-i", "127.0.0.1"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # it answers GVCP once its sockets are bound
        if self.process.poll() is not None:
            fail(f"arv-fake-gv-camera-0.8 exited with {self.process.returncode}")
        return self

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def __exit__(self, *exc):
        self.kill()


def case_gige_record(workdir):
    directory = os.path.join(workdir, "gige.zarr")
    with FakeGigECamera():
        run, dropped = record("aravis: 127.0.0.1", directory, 100, 64, 48)
    check_recording(run, dropped, directory, 100, 64, 48)
    print(f"camera: {run.applied().to_string()}")


def stats_fields(run, names):
    """The named fields of acqsrc's stats property, failing on a missing one."""
    if run.stats is None:
        fail("acqsrc has no stats property")
    missing = [name for name in names if not run.stats.has_field(name)]
    if missing:
        fail(f"stats lacks {missing}: {run.stats.to_string()}")
    return {name: run.stats.get_value(name) for name in names}


STREAM_FIELDS = ["frames-dropped", "completed-buffers", "failures", "underruns"]
GIGE_FIELDS = STREAM_FIELDS + ["missing-packets", "resent-packets"]


def case_stats(workdir):
    """The stats property and the final acqsrc-stats message count what the stream did."""
    directory = os.path.join(workdir, "stats.zarr")
    run, dropped = record("aravis: Fake_1", directory, 20, 64, 48)
    got = stats_fields(run, STREAM_FIELDS)
    if got["completed-buffers"] < 20 or got["frames-dropped"] != dropped:
        fail(f"stats {run.stats.to_string()} after 20 frames with frames-dropped {dropped}")
    final = [s for s in run.elements if s.get_name() == "acqsrc-stats"]
    if not final or final[-1].get_value("completed-buffers") < 20:
        fail(f"no acqsrc-stats message at EOS counting 20 completed buffers: {[s.to_string() for s in final]}")
    check_recording(run, dropped, directory, 20, 64, 48)
    print(f"stats: {run.stats.to_string()}")


# 512x512 at 50 fps is 13 MB/s in bursts of 190 packets a frame: more than
# the default UDP receive buffer holds while the receiving thread waits for
# a CPU. Aravis' own arv-camera-test receives all of it; so must we.
GIGE_RUNS = 5


def case_gige_512_no_loss(workdir):
    with FakeGigECamera():
        for attempt in range(GIGE_RUNS):
            directory = os.path.join(workdir, f"gige512-{attempt}.zarr")
            run, dropped = record("aravis: 127.0.0.1", directory, 100, 512, 512, rate="50/1", timeout_s=15)
            if dropped != 0 or run.offsets != list(range(100)):
                fail(f"run {attempt + 1}: frames-dropped {dropped}, OFFSET {run.offsets[:3]}..{run.offsets[-3:]}")
            got = stats_fields(run, GIGE_FIELDS)
            print(f"run {attempt + 1}/{GIGE_RUNS}: frames-dropped {dropped}, stats {run.stats.to_string()}")
            if got["failures"] != 0 or got["missing-packets"] != 0 or got["completed-buffers"] < 100:
                fail(f"run {attempt + 1}: the stream lost data: {run.stats.to_string()}")
            check_recording(run, dropped, directory, 100, 512, 512)


# Aravis' fake camera starts its 16-bit frame ids at 65400 ("trigger circular
# counter bugs sooner", arvfakecamera.c), so a fresh GigE fake camera wraps
# 65535 -> 1 after about 135 frames: 200 frames cross the wrap.
FAKE_FIRST_ID = 65401


def case_gige_wrap(workdir):
    directory = os.path.join(workdir, "wrap.zarr")
    frames = 200
    with FakeGigECamera():
        run, dropped = record("aravis: 127.0.0.1", directory, frames, 64, 48)
    first_id_mod = check_recording(run, dropped, directory, frames, 64, 48)
    # The first id itself: the fake's start plus the frames it made before
    # ours (fewer than 255), from the first frame's pattern.
    first_id = FAKE_FIRST_ID + (first_id_mod - FAKE_FIRST_ID) % 255
    last_id = (first_id - 1 + run.offsets[-1]) % 65535 + 1
    if first_id - 1 + run.offsets[-1] < 65535:
        fail(f"camera ids {first_id}..{last_id} did not cross the 16-bit wrap")
    gaps = [(a, b) for a, b in zip(run.offsets, run.offsets[1:]) if b != a + 1]
    print(f"camera ids {first_id} .. 65535, 1 .. {last_id} became OFFSET 0 .. {run.offsets[-1]}, "
          f"gaps {gaps}, frames-dropped {dropped}; the wrap is after OFFSET {65535 - first_id}")


def case_gige_disappears(workdir):
    with FakeGigECamera() as camera:
        run = Run('acqsrc name=src camera="aravis: 127.0.0.1" '
                  "! video/x-raw,width=64,height=48,framerate=50/1 ! fakesink")
        run.pipeline.set_state(Gst.State.PLAYING)
        deadline = time.monotonic() + 20
        while len(run.offsets) < 10 and time.monotonic() < deadline:
            if run.wait(Gst.MessageType.ERROR, 0.1):
                fail("error before the camera was killed")
        if len(run.offsets) < 10:
            fail("the GigE fake camera delivered no frames")
        camera.kill()
        start = time.monotonic()
        message = run.wait(Gst.MessageType.ERROR | Gst.MessageType.EOS, ERROR_WITHIN_S)
        elapsed = time.monotonic() - start
        run.stop()
    if message is None or message.type != Gst.MessageType.ERROR:
        fail(f"no error within {ERROR_WITHIN_S} s of the camera disappearing")
    error, debug = message.parse_error()
    if error.domain != GLib.quark_to_string(Gst.ResourceError.quark()):
        fail(f"error domain {error.domain}, expected RESOURCE: {error.message}")
    if "aravis: 127.0.0.1" not in error.message:
        fail(f"error does not name the camera: {error.message}")
    print(f"after {len(run.offsets)} frames the camera was killed; {elapsed:.1f} s later: {error.message}")


def case_device_monitor(workdir):
    """The fake camera through the device provider (as gst-device-monitor-1.0
    Video/Source shows it): its caps, and the acqsrc it creates.
    test_device_monitor.py pastes the tool's launch lines into a shell."""
    os.environ["ACQSRC_ARAVIS_FAKE"] = "1"
    monitor = Gst.DeviceMonitor.new()
    monitor.add_filter("Video/Source", None)
    devices = {device.get_display_name(): device for device in monitor.get_devices()
               if device.get_properties() and device.get_properties().has_field("acqsrc.camera")}
    name = "aravis:Fake_1"
    if name not in devices:
        fail(f"the device monitor lacks {name}; it lists {sorted(devices)}")
    element = devices[name].create_element(None)
    if element.get_factory().get_name() != "acqsrc" or element.get_property("camera") != name:
        fail(f"device {name} creates {element.get_factory().get_name()} camera={element.get_property('camera')}")
    fake_caps = devices[name].get_caps().to_string()
    if "width=(int)[ 1, 2048 ]" not in fake_caps or "GRAY8" not in fake_caps:
        fail(f"{name} advertises {fake_caps}")
    if "GRAY16_LE" not in fake_caps:
        fail(f"{name} offers Mono16 but its caps lack GRAY16_LE: {fake_caps}")
    print(f"device monitor lists {sorted(devices)}; {name} caps {fake_caps}")


CASES = {name[len("case_"):]: function for name, function in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(CASES)}}}")
    workdir = tempfile.mkdtemp(prefix="acqsrc-aravis-")
    try:
        CASES[sys.argv[1]](workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
