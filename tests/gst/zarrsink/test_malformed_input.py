"""Malformed caps and buffers smaller than their caps or video meta say,
pushed from appsrc: refused with an error on the bus, never read past the
end of the buffer (a crash here kills the test), and the frames recorded
before stay readable."""
import os
import unittest

import gi
import numpy as np

gi.require_version("GstVideo", "1.0")
from gi.repository import GstVideo  # noqa: E402

from zarrsink_testing import Gst, TempDir, errors, open_array  # noqa: E402

WIDTH, HEIGHT = 64, 48
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT},framerate=10/1"


def frame(value):
    return Gst.Buffer.new_wrapped(bytes([value]) * (WIDTH * HEIGHT))


def with_video_meta(data, offset, stride):
    buffer = Gst.Buffer.new_wrapped(data)
    GstVideo.buffer_add_video_meta_full(buffer, GstVideo.VideoFrameFlags.NONE, GstVideo.VideoFormat.GRAY8,
                                        WIDTH, HEIGHT, 1, [offset, 0, 0, 0], [stride, 0, 0, 0])
    return buffer


def push(location, caps, buffers):
    """Pushes buffers through appsrc into zarrsink; returns the bus messages
    up to EOS or the first error."""
    pipeline = Gst.parse_launch(f"appsrc name=src format=time caps={caps} ! zarrsink name=rec")
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


class MalformedInput(unittest.TestCase):
    def expect_frame_refused(self, bad_buffer):
        with TempDir() as tmp:
            location = f"{tmp}/out.zarr"
            messages = push(location, CAPS, [frame(7), frame(9), bad_buffer, frame(11)])
            found = errors(messages)
            self.assertEqual(len(found), 1, "no error for a malformed buffer")
            self.assertTrue(found[0].matches(Gst.StreamError.quark(), Gst.StreamError.FORMAT), found[0].message)
            self.assertIn("whole frame", found[0].message)
            array = open_array(location)
            self.assertEqual(array.shape, (2, 1, HEIGHT, WIDTH), "the two frames before are kept")
            np.testing.assert_array_equal(array[:, 0, 0, 0], [7, 9])

    def test_buffer_shorter_than_the_caps(self):
        self.expect_frame_refused(Gst.Buffer.new_wrapped(bytes(100)))

    def test_empty_buffer(self):
        self.expect_frame_refused(Gst.Buffer.new())

    def test_video_meta_stride_past_the_end(self):
        self.expect_frame_refused(with_video_meta(bytes(WIDTH * HEIGHT), 0, 1 << 20))

    def test_video_meta_offset_past_the_end(self):
        self.expect_frame_refused(with_video_meta(bytes(WIDTH * HEIGHT), WIDTH * HEIGHT - 10, WIDTH))

    def test_video_meta_stride_narrower_than_a_row(self):
        self.expect_frame_refused(with_video_meta(bytes(WIDTH * HEIGHT), 0, 1))

    def test_video_meta_one_byte_short(self):
        # Rows of 64 bytes at a stride of 65: 47 * 65 + 64 bytes are needed, one fewer given.
        self.expect_frame_refused(with_video_meta(bytes(47 * 65 + 63), 0, 65))

    def test_video_meta_padded_rows_are_recorded(self):
        """The bound is exact: rows at a stride of 65 in exactly 47 * 65 + 64 bytes."""
        with TempDir() as tmp:
            location = f"{tmp}/out.zarr"
            data = bytearray(47 * 65 + 64)
            for y in range(HEIGHT):
                data[y * 65:y * 65 + WIDTH] = bytes([y]) * WIDTH
            messages = push(location, CAPS, [with_video_meta(bytes(data), 0, 65)])
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS, errors(messages))
            array = open_array(location)
            np.testing.assert_array_equal(array[0, 0], np.repeat(np.arange(HEIGHT, dtype=np.uint8)[:, None], WIDTH, 1))

    def test_malformed_caps(self):
        for caps in ["video/x-raw,format=GRAY8,width=64,framerate=10/1",  # no height
                     "video/x-raw,format=I420,width=64,height=48,framerate=10/1",  # not a recordable format
                     "video/x-raw,format=GRAY8,width=0,height=48,framerate=10/1",
                     "video/x-raw,format=GRAY8,width=100000,height=100000,framerate=10/1",  # beyond the library's extent
                     "video/x-bayer,format=rggb,width=64,height=48,framerate=10/1"]:
            with self.subTest(caps=caps), TempDir() as tmp:
                location = f"{tmp}/out.zarr"
                messages = push(location, f'"{caps}"', [frame(1)])
                self.assertTrue(errors(messages), f"{caps} accepted")
                self.assertFalse(any(True for _ in open_chunks(location)), "chunks written for refused caps")


def open_chunks(location):
    for directory, _, files in os.walk(location):
        for name in files:
            if not name.startswith(".") and name != "zarr.json":
                yield os.path.join(directory, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
