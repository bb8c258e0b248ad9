"""zarrsink behind stock elements only (videotestsrc, videoconvert, tee):
every frame the sink got is compared, value by value, with what zarr-python
reads back."""
import os
import unittest

import numpy as np

from zarrsink_testing import Gst, TempDir, assert_finished, open_array, pulled_frames, run

COMPRESSORS = ["none", "blosc-lz4", "blosc-lz4hc", "blosc-zstd", "blosc-blosclz", "blosc-zlib"]
SHUFFLES = ["none", "byte", "bit"]


def record_with_copy(location, width, height, fmt, dtype, frames, sink_options="", pattern="smpte"):
    """Records videotestsrc frames and returns (messages, the frames sent, as the sink saw them)."""
    description = (
        f"videotestsrc num-buffers={frames} pattern={pattern} ! videoconvert ! videoscale "
        f"! video/x-raw,format={fmt},width={width},height={height} ! tee name=t "
        f"t. ! queue ! zarrsink location=\"{location}\" {sink_options} "
        f"t. ! queue ! appsink name=copy sync=false wait-on-eos=false")
    sent = {}

    def keep_frames(pipeline):
        sent["frames"] = pulled_frames(pipeline.get_by_name("copy"), width, height, dtype)

    _, messages = run(description, on_finished=keep_frames)
    return messages, sent["frames"]


class StockPipelines(unittest.TestCase):
    def test_videotestsrc_gray16(self):
        with TempDir() as tmp:
            location = f"{tmp}/gray16.zarr"
            messages, sent = record_with_copy(location, 640, 480, "GRAY16_LE", "<u2", 6,
                                              "tile-width=320 tile-height=240 tile-planes=4")
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape, (6, 1, 480, 640))
            self.assertEqual(array.dtype, np.uint16)
            self.assertEqual(array.chunks, (4, 1, 240, 320))
            self.assertGreater(int(sent.max()), 255, "test frames should use 16 bits")
            np.testing.assert_array_equal(array[:, 0], sent)

    def test_every_compressor_and_shuffle(self):
        for compressor in COMPRESSORS:
            for shuffle in SHUFFLES:
                with self.subTest(compressor=compressor, shuffle=shuffle), TempDir() as tmp:
                    location = f"{tmp}/c.zarr"
                    messages, sent = record_with_copy(
                        location, 96, 64, "GRAY16_LE", "<u2", 5,
                        f"compressor={compressor} shuffle={shuffle} clevel=5 tile-width=48 tile-planes=2",
                        pattern="ball")
                    assert_finished(messages)
                    array = open_array(location)
                    codec = array.compressor
                    if compressor == "none":
                        self.assertIsNone(codec)
                    else:
                        self.assertEqual(codec.codec_id, "blosc")
                        self.assertEqual(codec.cname, compressor.removeprefix("blosc-"))
                        self.assertEqual(codec.clevel, 5)
                        self.assertEqual(codec.shuffle, SHUFFLES.index(shuffle))
                    np.testing.assert_array_equal(array[:, 0], sent)

    def test_rgb_through_videoconvert(self):
        with TempDir() as tmp:
            location = f"{tmp}/rgb.zarr"
            description = (
                "videotestsrc num-buffers=3 ! video/x-raw,format=BGRx,width=64,height=48 ! tee name=t "
                f"t. ! queue ! zarrsink location=\"{location}\" "
                "t. ! queue ! appsink name=copy sync=false wait-on-eos=false")
            sent = {}

            def keep(pipeline):
                sample = pipeline.get_by_name("copy").emit("try-pull-sample", 0)
                ok, info = sample.get_buffer().map(Gst.MapFlags.READ)
                sent["first"] = np.frombuffer(info.data, np.uint8).reshape(48, 64, 4).copy()

            _, messages = run(description, on_finished=keep)
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape, (3, 3, 48, 64))
            bgrx = sent["first"]
            for channel, byte in enumerate([2, 1, 0]):  # R, G, B
                np.testing.assert_array_equal(array[0, channel], bgrx[:, :, byte])

    def test_unsupported_format_refused_at_negotiation(self):
        with TempDir() as tmp:
            # The sink pad's caps exclude I420, so the link itself is refused.
            with self.assertRaisesRegex(Exception, "could not link"):
                Gst.parse_launch(f"videotestsrc num-buffers=1 ! video/x-raw,format=I420 ! zarrsink location={tmp}/x.zarr")
            sink = Gst.ElementFactory.make("zarrsink")
            accepted = sink.get_static_pad("sink").query_caps(None)
            self.assertFalse(accepted.can_intersect(Gst.Caps.from_string("video/x-raw,format=I420")))
            self.assertTrue(accepted.can_intersect(Gst.Caps.from_string("video/x-raw,format=GRAY16_BE")))
            self.assertFalse(os.path.exists(f"{tmp}/x.zarr"))

    def test_stats_property(self):
        with TempDir() as tmp:
            location = f"{tmp}/s.zarr"
            pipeline, messages = run(f"videotestsrc num-buffers=7 ! video/x-raw,format=GRAY8,width=32,height=16 "
                                     f"! zarrsink name=sink location={location} tile-planes=3")
            assert_finished(messages)
            stats = pipeline.get_by_name("sink").get_property("stats")
            self.assertEqual(stats.get_value("frames"), 7)
            self.assertEqual(stats.get_value("bytes-in"), 7 * 32 * 16)
            self.assertEqual(stats.get_value("chunks-written"), 3)
            self.assertEqual(open_array(location).shape[0], 7)


if __name__ == "__main__":
    unittest.main()
