"""Shared helpers of the zarrsink pipeline tests: running a pipeline to the
end, the radial-sin reference frames, and reading a dataset back."""
import math
import os
import shutil
import tempfile

import gi
import numpy as np
import zarr

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)


class TempDir:
    """A fresh directory, removed afterwards."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="zarrsink-test-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def run(description, timeout_s=120, on_pipeline=None, on_finished=None):
    """Runs a gst-launch style pipeline until EOS or an error.

    Returns (pipeline in NULL state, list of bus messages). on_pipeline(p)
    is called once the pipeline is built, before it plays; on_finished(p)
    after EOS or the error, before the pipeline goes to NULL."""
    pipeline = Gst.parse_launch(description)
    if on_pipeline:
        on_pipeline(pipeline)
    bus = pipeline.get_bus()
    messages = []
    pipeline.set_state(Gst.State.PLAYING)
    deadline = timeout_s * Gst.SECOND
    while True:
        message = bus.timed_pop(deadline)
        if message is None:
            pipeline.set_state(Gst.State.NULL)
            raise AssertionError(f"pipeline did not finish within {timeout_s} s: {description}")
        messages.append(message)
        if message.type in (Gst.MessageType.EOS, Gst.MessageType.ERROR):
            break
    if on_finished:
        on_finished(pipeline)
    pipeline.set_state(Gst.State.NULL)
    return pipeline, messages


def push_buffers(description, buffers, period_ns=10 * Gst.MSECOND, end_of_stream=True, on_finished=None,
                 timeout_s=30):
    """Plays `description`, whose appsrc is named src, pushing `buffers` (a
    buffer without PTS gets n x period_ns), then end-of-stream if asked;
    stops pushing once a push is refused. Returns the first EOS or ERROR message, None if neither came
    within timeout_s; on_finished(pipeline) is called before it goes to NULL."""
    pipeline = Gst.parse_launch(description)
    source = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for n, buffer in enumerate(buffers):
        if buffer.pts == Gst.CLOCK_TIME_NONE:
            buffer.pts = n * period_ns
        if source.emit("push-buffer", buffer) != Gst.FlowReturn.OK:
            break
    if end_of_stream:
        source.emit("end-of-stream")
    message = pipeline.get_bus().timed_pop_filtered(timeout_s * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    if on_finished:
        on_finished(pipeline)
    pipeline.set_state(Gst.State.NULL)
    return message


def errors(messages):
    return [m.parse_error()[0] for m in messages if m.type == Gst.MessageType.ERROR]


def assert_finished(messages):
    problems = [e.message for e in errors(messages)]
    assert not problems, f"pipeline errors: {problems}"
    assert messages[-1].type == Gst.MessageType.EOS, "no EOS"


def radial_sin(frame_numbers, width, height, period_s, amplitude=127):
    """The acqsrc radial-sin frames, in double precision, as (t, y, x) float64."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r2 = (x - width / 2.0) ** 2 + (y - height / 2.0) ** 2
    frames = []
    for n in frame_numbers:
        t = n * period_s
        frames.append(np.floor(amplitude * (1 + np.sin(2 * math.pi * (10 * t + 0.01 * r2)))))
    return np.stack(frames)


def assert_radial_sin(array, width, height, period_s):
    """Every frame of array (t, 1, y, x) within 1 of the formula."""
    for n in range(array.shape[0]):
        expected = radial_sin([n], width, height, period_s)[0]
        got = array[n, 0].astype(np.float64)
        worst = np.abs(got - expected).max()
        assert worst <= 1, f"frame {n}: a value is {worst} away from the radial-sin formula"


def open_array(location):
    """Opens the dataset as a reader would; checks the group holds only '0'."""
    group = zarr.open_group(location, mode="r")
    members = sorted(group.keys())
    assert members == ["0"], f"group members {members}"
    return group["0"]


def chunk_files(location):
    """Chunk files of array 0, as paths relative to it (t/c/y/x)."""
    root = os.path.join(location, "0")
    found = []
    for directory, _, files in os.walk(root):
        for name in files:
            if not name.startswith("."):
                found.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(found)


def pulled_frames(appsink, width, height, dtype):
    """All frames an appsink holds, as an (n, height, width) array."""
    frames = []
    while True:
        sample = appsink.emit("try-pull-sample", 0)
        if sample is None:
            break
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        assert ok
        row_bytes = width * np.dtype(dtype).itemsize
        stride = len(info.data) // height
        raw = np.frombuffer(info.data, dtype=np.uint8).reshape(height, stride)[:, :row_bytes]
        frames.append(raw.copy().view(dtype).reshape(height, width))
        buffer.unmap(info)
    return np.stack(frames) if frames else np.zeros((0, height, width), dtype)


def assert_radial_sin_live(array, width, height, period_s, max_gap=500):
    """For a live camera that may drop frames: each stored frame equals the
    formula for some frame number after the previous one (order kept, no
    frame torn or duplicated)."""
    previous = -1
    for i in range(array.shape[0]):
        got = array[i, 0].astype(np.float64)
        for n in range(previous + 1, previous + 1 + max_gap):
            if np.abs(got - radial_sin([n], width, height, period_s)[0]).max() <= 1:
                previous = n
                break
        else:
            raise AssertionError(f"stored frame {i} matches no radial-sin frame after frame {previous}")
