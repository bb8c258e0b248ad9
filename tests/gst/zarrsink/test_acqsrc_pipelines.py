"""acqsrc ! zarrsink pipelines: the seed tutorial, tees, and stopping
without EOS. Values are checked against the radial-sin formula."""
import os
import time
import unittest

from zarrsink_testing import (Gst, TempDir, assert_finished, assert_radial_sin, assert_radial_sin_live, chunk_files,
                              open_array, run)

# 13 ms does not alias (at 50 ms frames n and n+2 are equal), so a frame in
# the wrong place is caught.
PERIOD_US = 13000


def source(num_buffers=-1, live=False):
    return (f"acqsrc camera=\"simulated: radial sin\" exposure-time-us={PERIOD_US} num-buffers={num_buffers} "
            f"is-live={str(live).lower()} ! video/x-raw,format=GRAY8,width=320,height=240")


class AcqsrcPipelines(unittest.TestCase):
    def test_seed_tutorial(self):
        with TempDir() as tmp:
            location = f"{tmp}/out.zarr"
            _, messages = run(
                "acqsrc camera=\"simulated: radial sin\" exposure-time-us=50000 num-buffers=10 "
                "! video/x-raw,format=GRAY8,width=1920,height=1080 "
                f"! zarrsink location={location} tile-width=960 tile-height=540 max-bytes-per-chunk=33554432")
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape, (10, 1, 1080, 1920))
            self.assertEqual(str(array.dtype), "uint8")
            # 32 MiB / (960 * 540) bytes = 64 planes, more than the 10 frames: the
            # library stores a recording shorter than one t-chunk with a
            # t-chunk of exactly its frames. One chunk along t, 2 x 2 tiles.
            self.assertEqual(array.chunks, (10, 1, 540, 960))
            self.assertEqual(chunk_files(location), ["0/0/0/0", "0/0/0/1", "0/0/1/0", "0/0/1/1"])
            # A live camera starts when the pipeline asks for the first frame:
            # stored frame n is camera frame n, as the tutorial checks.
            assert_radial_sin(array[:], 1920, 1080, 0.05)

    def record_live(self, location, sink_settings, frames):
        """A live radial-sin recording at 50 ms; checks it ends well and
        nothing was dropped, and returns the array."""
        dropped = []
        _, messages = run(
            f"acqsrc name=src camera=\"simulated: radial sin\" exposure-time-us=50000 num-buffers={frames} "
            "! video/x-raw,format=GRAY8,width=1920,height=1080 "
            f"! zarrsink location={location} {sink_settings}",
            on_finished=lambda p: dropped.append(p.get_by_name("src").get_property("frames-dropped")))
        assert_finished(messages)
        self.assertEqual(dropped, [0])
        array = open_array(location)
        self.assertEqual(array.shape, (frames, 1, 1080, 1920))
        # The frame record says the same: camera frame 0 first, nothing lost.
        record = array.attrs["acquisition"]
        self.assertEqual((record["first_frame"], record["frames_lost"], record["lost_runs"]), (0, 0, []))
        return array

    def test_live_start_tutorial_20_runs(self):
        # The sink's set-up before the first frame used to run on the
        # camera's clock, so the first stored frame was camera frame 2, 3 or
        # 5 in some runs; now acquisition starts when the first frame is
        # asked for, and stored frame n is camera frame n every time.
        for attempt in range(20):
            with self.subTest(run=attempt), TempDir() as tmp:
                array = self.record_live(
                    f"{tmp}/out.zarr", "tile-width=960 tile-height=540 max-bytes-per-chunk=33554432", 10)
                assert_radial_sin(array[:], 1920, 1080, 0.05)

    def test_live_start_after_long_sink_set_up(self):
        # 256x256 tiles with the default chunk bytes make zarrsink's set-up
        # long (seconds: it used to lose the first 300 frames).
        with TempDir() as tmp:
            array = self.record_live(f"{tmp}/small.zarr", "tile-width=256 tile-height=256", 20)
            assert_radial_sin(array[:], 1920, 1080, 0.05)

    def test_acqsrc_into_zarrsink(self):
        with TempDir() as tmp:
            location = f"{tmp}/a.zarr"
            _, messages = run(f"{source(9)} "
                              f"! zarrsink location={location} tile-planes=4 compressor=blosc-lz4")
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape, (9, 1, 240, 320))
            assert_radial_sin(array[:], 320, 240, PERIOD_US / 1e6)

    def test_tee_with_fakesink(self):
        with TempDir() as tmp:
            location = f"{tmp}/t.zarr"
            _, messages = run(f"{source(8)} ! tee name=t "
                              f"t. ! queue ! zarrsink location={location} tile-planes=3 "
                              "t. ! queue ! fakesink")
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape[0], 8)
            assert_radial_sin(array[:], 320, 240, PERIOD_US / 1e6)

    def test_two_sinks_from_one_tee(self):
        with TempDir() as tmp:
            _, messages = run(f"{source(8)} ! tee name=t "
                              f"t. ! queue ! zarrsink location={tmp}/one.zarr "
                              f"t. ! queue ! zarrsink location={tmp}/two.zarr compressor=blosc-zstd tile-planes=2")
            assert_finished(messages)
            for name in ("one", "two"):
                array = open_array(f"{tmp}/{name}.zarr")
                self.assertEqual(array.shape, (8, 1, 240, 320))
                assert_radial_sin(array[:], 320, 240, PERIOD_US / 1e6)

    def test_set_to_null_without_eos_keeps_frames(self):
        with TempDir() as tmp:
            location = f"{tmp}/n.zarr"
            pipeline = Gst.parse_launch(
                f"{source(live=True)} ! zarrsink name=sink location={location} tile-planes=4")
            sink = pipeline.get_by_name("sink")
            pipeline.set_state(Gst.State.PLAYING)
            deadline = time.monotonic() + 60
            while sink.get_property("stats").get_value("frames") < 10 and time.monotonic() < deadline:
                time.sleep(0.02)
            pipeline.set_state(Gst.State.NULL)  # no EOS
            frames = sink.get_property("stats").get_value("frames")
            self.assertGreaterEqual(frames, 10)
            array = open_array(location)
            self.assertEqual(array.shape[0], frames)
            assert_radial_sin_live(array[:], 320, 240, PERIOD_US / 1e6)  # live: frames may be dropped
            self.assertTrue(os.path.exists(f"{location}/0/.zarray"))


if __name__ == "__main__":
    unittest.main()
