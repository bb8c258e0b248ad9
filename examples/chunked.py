#!/usr/bin/python3
"""Records the chunking tutorial with PyGObject: ten 1920x1080 radial-sine
frames at 50 ms, into a Zarr dataset with 960x540 tiles and chunks of at
most 32 MiB.

    /usr/bin/python3 examples/chunked.py chunked.zarr
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def record(location):
    Gst.init(None)
    pipeline = Gst.Pipeline.new("chunked")
    camera = Gst.ElementFactory.make("acqsrc")
    caps = Gst.ElementFactory.make("capsfilter")
    sink = Gst.ElementFactory.make("zarrsink")
    if not camera or not sink:
        raise SystemExit("acqsrc or zarrsink not found: set GST_PLUGIN_PATH_1_0 to the build's gst/ folder")

    camera.set_property("camera", "simulated: radial sin")
    camera.set_property("exposure-time-us", 50000.0)
    camera.set_property("num-buffers", 10)
    caps.set_property("caps", Gst.Caps.from_string("video/x-raw,format=GRAY8,width=1920,height=1080"))
    sink.set_property("location", location)
    sink.set_property("tile-width", 1920 // 2)
    sink.set_property("tile-height", 1080 // 2)
    sink.set_property("max-bytes-per-chunk", 32 * 2**20)

    for element in (camera, caps, sink):
        pipeline.add(element)
    camera.link(caps)
    caps.link(sink)

    pipeline.set_state(Gst.State.PLAYING)
    # EOS arrives once zarrsink has written every frame and the metadata.
    message = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message.type == Gst.MessageType.ERROR:
        error, debug = message.parse_error()
        raise SystemExit(f"recording failed: {error.message}\n{debug}")
    print(f"recorded {sink.get_property('stats').get_value('frames')} frames into {location}")


if __name__ == "__main__":
    record(sys.argv[1] if len(sys.argv) > 1 else "chunked.zarr")
