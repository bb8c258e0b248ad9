#!/usr/bin/python3
"""Records the dimensions tutorial with PyGObject, then reads it back with
zarr-python: time points of 2 channels, each a stack of 5 z planes, from the
simulated radial-sine camera (64x48 GRAY8, 7 ms per frame), stored as
(t, c, z, y, x) with the voxel size in the OME-NGFF metadata.

    /usr/bin/python3 examples/zstack.py out.zarr [FRAMES]

FRAMES (default 40: 4 whole time points of 2 x 5 frames) that is not a
multiple of 10 leaves a partial time point, stored past the array's shape.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

# For each time point 2 channels, for each channel a stack of 5 z planes:
# the camera's frames fill them in this order, the last (z) fastest.
DIMENSIONS = "t,c:channel:2,z:space:5"


def record(location, frames=40):
    Gst.init(None)
    pipeline = Gst.Pipeline.new("zstack")
    camera = Gst.ElementFactory.make("acqsrc")
    caps = Gst.ElementFactory.make("capsfilter")
    sink = Gst.ElementFactory.make("zarrsink")
    if not camera or not sink:
        raise SystemExit("acqsrc or zarrsink not found: set GST_PLUGIN_PATH_1_0 to the build's gst/ folder")

    camera.set_property("camera", "simulated: radial sin")
    camera.set_property("exposure-time-us", 7000.0)  # 7 ms: no two of the first 100 frames are alike
    camera.set_property("is-live", False)  # as fast as zarrsink takes them; a real camera is live
    camera.set_property("num-buffers", frames)
    caps.set_property("caps", Gst.Caps.from_string("video/x-raw,format=GRAY8,width=64,height=48"))
    sink.set_property("location", location)
    sink.set_property("dimensions", DIMENSIONS)
    sink.set_property("pixel-size-z", 2.0)  # micrometres between z planes
    sink.set_property("pixel-size-y", 0.65)
    sink.set_property("pixel-size-x", 0.65)

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


def stored_frame(acquisition, index):
    """The stored frame (0, 1, ...) at `index` ({"t": 1, "c": 0, "z": 3}):
    the dimensions in acquisition order, slowest first, the last fastest."""
    frame = 0
    for dimension in acquisition["dimensions"]:
        frame = frame * (dimension["size"] or 1) + index[dimension["name"]]
    return frame


def show(location):
    import zarr  # Debian's python3-zarr (zarr-python 2.13): run with /usr/bin/python3

    group = zarr.open_group(location, mode="r")
    data = group["0"]
    multiscale = group.attrs["multiscales"][0]
    axes = multiscale["axes"]
    scale = multiscale["datasets"][0]["coordinateTransformations"][0]["scale"]
    acquisition = data.attrs["acquisition"]
    print(f"array 0: axes {[axis['name'] for axis in axes]}, shape {data.shape}, chunks {data.chunks}")
    print("scale:", ", ".join(f"{axis['name']} {step:g} {axis.get('unit', '')}".rstrip()
                              for axis, step in zip(axes, scale)))
    print(f"frames per time point: {acquisition['frames_per_step']}, "
          f"frames past the shape: {acquisition['frames_past_shape']}")

    volume = data[1, 0]  # time point 1, channel 0: a (z, y, x) volume
    z_um, y_um, x_um = scale[2:]
    print(f"data[1, 0]: a {volume.shape} volume of {z_um:g} x {y_um:g} x {x_um:g} micrometre voxels "
          f"({volume.shape[0] * z_um:g} x {volume.shape[1] * y_um:g} x {volume.shape[2] * x_um:g} micrometres)")
    print("its planes z = 0..4 are stored frames", [stored_frame(acquisition, {"t": 1, "c": 0, "z": z})
                                                   for z in range(volume.shape[0])])
    print("xz slice through the centre row (y = 24, x = 32..43):")
    print(volume[:, 24, 32:44])
    print("maximum projection along z, same pixels:")
    print(volume.max(axis=0)[24, 32:44])


if __name__ == "__main__":
    location = sys.argv[1] if len(sys.argv) > 1 else "out.zarr"
    record(location, int(sys.argv[2]) if len(sys.argv) > 2 else 40)
    show(location)
