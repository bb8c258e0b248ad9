"""Edge values (issue 15, point 8): a pixel size whose pyramid scale is not a
finite number is refused at start, naming it; every scale written is finite;
a bottom-up frame (GstVideoMeta with a negative stride) is recorded with row
0 the row the meta calls row 0."""
import math
import os
import unittest

import gi
import numpy as np
import zarr

gi.require_version("GstVideo", "1.0")
from gi.repository import GstVideo  # noqa: E402

from zarrsink_testing import Gst, TempDir, errors, open_array, run  # noqa: E402

WIDTH, HEIGHT = 64, 48
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT},framerate=10/1"


def bottom_up(data, stride):
    """A frame whose rows lie bottom-up in memory: the meta's row 0 is the
    last row of `data`, and each next row `stride` (< 0) bytes before."""
    buffer = Gst.Buffer.new_wrapped(bytes(data))
    GstVideo.buffer_add_video_meta_full(buffer, GstVideo.VideoFrameFlags.NONE, GstVideo.VideoFormat.GRAY8, WIDTH,
                                        HEIGHT, 1, [(HEIGHT - 1) * -stride, 0, 0, 0], [stride, 0, 0, 0])
    return buffer


def push(location, buffers):
    pipeline = Gst.parse_launch(f"appsrc name=src format=time caps={CAPS} ! zarrsink name=rec")
    pipeline.get_by_name("rec").set_property("location", location)
    source = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    for n, buffer in enumerate(buffers):
        buffer.pts = n * Gst.SECOND // 10
        source.emit("push-buffer", buffer)
    source.emit("end-of-stream")
    message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert message is not None, "neither EOS nor an error within 60 s"
    return [message]


def memory_rows(stride, value_of_row):
    """Bytes of HEIGHT rows `abs(stride)` apart, memory row m holding value_of_row(m)."""
    step = abs(stride)
    data = bytearray((HEIGHT - 1) * step + WIDTH)
    for m in range(HEIGHT):
        data[m * step:m * step + WIDTH] = bytes([value_of_row(m)]) * WIDTH
    return data


class NegativeStride(unittest.TestCase):
    def test_bottom_up_frames_are_stored_as_the_meta_describes(self):
        for stride in (-WIDTH, -65):  # tight rows, and padded rows in exactly the bytes needed
            with self.subTest(stride=stride), TempDir() as tmp:
                location = os.path.join(tmp, "out.zarr")
                frames = [bottom_up(memory_rows(stride, lambda m, t=t: (m + 10 * t) % 256), stride) for t in range(3)]
                messages = push(location, frames)
                self.assertEqual(messages[-1].type, Gst.MessageType.EOS, errors(messages))
                array = open_array(location)
                self.assertEqual(array.shape, (3, 1, HEIGHT, WIDTH))
                for t in range(3):
                    # The meta's row y is memory row HEIGHT - 1 - y.
                    rows = (np.arange(HEIGHT - 1, -1, -1) + 10 * t) % 256
                    np.testing.assert_array_equal(array[t, 0], np.repeat(rows.astype(np.uint8)[:, None], WIDTH, 1))

    def test_bottom_up_frame_reaching_before_the_buffer_is_refused(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "out.zarr")
            good = bottom_up(memory_rows(-WIDTH, lambda m: 5), -WIDTH)
            # Row 0 at the last full row but one row short: the last row would start before the buffer.
            data = bytes((HEIGHT - 1) * WIDTH)
            bad = Gst.Buffer.new_wrapped(data)
            GstVideo.buffer_add_video_meta_full(bad, GstVideo.VideoFrameFlags.NONE, GstVideo.VideoFormat.GRAY8, WIDTH,
                                                HEIGHT, 1, [(HEIGHT - 2) * WIDTH, 0, 0, 0], [-WIDTH, 0, 0, 0])
            messages = push(location, [good, bad])
            found = errors(messages)
            self.assertEqual(len(found), 1, "a bottom-up frame reaching before its buffer was accepted")
            self.assertIn("whole frame", found[0].message)
            array = open_array(location)
            self.assertEqual(array.shape, (1, 1, HEIGHT, WIDTH), "the frame before is kept")
            np.testing.assert_array_equal(array[:], 5)


class PixelSize(unittest.TestCase):
    PIPELINE = ('acqsrc camera="simulated: empty" is-live=false num-buffers=2 '
                "! video/x-raw,format=GRAY8,width=16,height=12,framerate=10/1 ! zarrsink location={location} multiscale=true tile-width=4 tile-height=4 {size}")

    def test_pyramid_scale_overflowing_is_refused_at_start(self):
        for name in ("pixel-size-y", "pixel-size-x"):
            with self.subTest(name=name), TempDir() as tmp:
                location = os.path.join(tmp, "out.zarr")
                _, messages = run(self.PIPELINE.format(location=location, size=f"{name}=1e308"))
                found = errors(messages)
                self.assertEqual(len(found), 1, "1e308 um with a pyramid was accepted")
                self.assertTrue(found[0].matches(Gst.ResourceError.quark(), Gst.ResourceError.SETTINGS))
                self.assertIn(f'"{name}"', found[0].message)
                self.assertIn("not a finite number", found[0].message)
                self.assertFalse(os.path.exists(location), "a dataset was created for refused settings")

    def test_large_pixel_size_gives_finite_scales(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "out.zarr")
            size = 1e300
            _, messages = run(self.PIPELINE.format(location=location, size=f"pixel-size-y={size}"))
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS, errors(messages))
            group = zarr.open_group(location, mode="r")
            datasets = group.attrs["multiscales"][0]["datasets"]
            self.assertEqual(len(datasets), 3, "levels 16x12, 8x6, 4x3")
            for level, dataset in enumerate(datasets):
                scale = dataset["coordinateTransformations"][0]["scale"]
                self.assertTrue(all(isinstance(v, float) and math.isfinite(v) for v in scale), scale)
                self.assertEqual(scale[0], 0.1)
                self.assertEqual(scale[2], size * 2 ** level)
                np.testing.assert_array_equal(group[str(level)][:], 0, f"level {level}")
                self.assertEqual(group[str(level)].shape[0], 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
