"""zarrsink's life while recording: properties frozen while a recording is
open, stats that never go backwards (also while closing), progress messages
that only announce what a reader can read, unlock during a flush, and the
stop policy. Every dataset is read back with zarr-python."""
import os
import threading
import time
import unittest

import numpy as np

from zarrsink_testing import Gst, TempDir, assert_radial_sin, chunk_files, open_array, run

PERIOD_US = 10000
PERIOD_S = PERIOD_US / 1e6


def progress_messages(messages):
    return [m.get_structure() for m in messages
            if m.type == Gst.MessageType.ELEMENT and m.get_structure().get_name() == "zarrsink-progress"]


def wait_for(condition, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def stored_chunk_bytes(location):
    return sum(os.path.getsize(os.path.join(location, "0", name)) for name in chunk_files(location))


class PropertiesWhileRecording(unittest.TestCase):
    def test_location_change_is_refused_with_a_warning(self):
        with TempDir() as tmp:
            first, second = f"{tmp}/a.zarr", f"{tmp}/b.zarr"
            seen = {}

            def change_location(pipeline):
                sink = pipeline.get_by_name("rec")
                wait_for(lambda: sink.get_property("stats").get_value("frames") >= 3)
                sink.set_property("location", second)
                sink.set_property("tile-planes", 7)
                seen["location"] = sink.get_property("location")
                seen["tile-planes"] = sink.get_property("tile-planes")

            pipeline = Gst.parse_launch(
                f"acqsrc is-live=true num-buffers=12 exposure-time-us={PERIOD_US} "
                f"! video/x-raw,format=GRAY8,width=64,height=48 ! zarrsink name=rec location={first} tile-planes=4")
            bus = pipeline.get_bus()
            pipeline.set_state(Gst.State.PLAYING)
            changer = threading.Thread(target=change_location, args=(pipeline,))
            changer.start()
            messages = []
            while True:
                message = bus.timed_pop(60 * Gst.SECOND)
                self.assertIsNotNone(message, "pipeline did not finish")
                messages.append(message)
                if message.type in (Gst.MessageType.EOS, Gst.MessageType.ERROR):
                    break
            changer.join()
            pipeline.set_state(Gst.State.NULL)

            self.assertEqual(seen, {"location": first, "tile-planes": 4})
            warnings = [m.parse_warning()[0].message for m in messages if m.type == Gst.MessageType.WARNING]
            self.assertTrue(any('"location"' in w for w in warnings), warnings)
            self.assertTrue(any('"tile-planes"' in w for w in warnings), warnings)
            self.assertFalse(os.path.exists(second))
            array = open_array(first)
            self.assertEqual(array.shape, (12, 1, 48, 64))
            self.assertEqual(array.chunks[0], 4)
            # Back in NULL the properties may change again.
            sink = pipeline.get_by_name("rec")
            sink.set_property("location", second)
            self.assertEqual(sink.get_property("location"), second)


class Stats(unittest.TestCase):
    def test_stats_never_go_backwards_through_the_close(self):
        # Slow compression on one thread: the close at EOS has rows to finish.
        with TempDir() as tmp:
            location = f"{tmp}/stats.zarr"
            readings = []
            done = threading.Event()

            def poll(pipeline):
                sink = pipeline.get_by_name("rec")

                def loop():
                    while not done.is_set():
                        stats = sink.get_property("stats")
                        readings.append((stats.get_value("frames"), stats.get_value("bytes-written"),
                                         stats.get_value("chunks-written")))
                        time.sleep(0.002)
                threading.Thread(target=loop, daemon=True).start()

            def stop(pipeline):
                done.set()
            _, messages = run(
                "acqsrc is-live=false num-buffers=60 camera=\"simulated: uniform random\" "
                "! video/x-raw,format=GRAY8,width=640,height=480 "
                f"! zarrsink name=rec location={location} tile-planes=8 compressor=blosc-zstd clevel=9 "
                "max-threads=1", on_pipeline=poll, on_finished=stop)
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS)
            self.assertGreater(len(readings), 10)
            started = False
            for before, after in zip(readings, readings[1:]):
                for a, b in zip(before, after):
                    self.assertLessEqual(a, b, f"stats went backwards: {before} -> {after}")
                started = started or after[0] > 0
                if started:
                    self.assertGreater(after[0], 0, "stats read zero after the first frame")
            self.assertEqual(readings[-1][0], 60)
            self.assertEqual(readings[-1][1], stored_chunk_bytes(location))


class Progress(unittest.TestCase):
    def record_checking_each_message(self, location, camera, extra=""):
        """Reads the dataset with zarr-python from the bus's sync handler, as
        each progress message is posted (the writer's worker is then waiting)."""
        checks = []

        def on_pipeline(pipeline):
            def sync_handler(bus, message):
                structure = message.get_structure()
                if message.type == Gst.MessageType.ELEMENT and structure.get_name() == "zarrsink-progress":
                    frames = structure.get_value("frames")
                    array = open_array(location)
                    checks.append((frames, array.shape[0], array[:frames].copy(),
                                   structure.get_value("running-time")))
                return Gst.BusSyncReply.PASS
            pipeline.get_bus().set_sync_handler(sync_handler)

        _, messages = run(
            f"acqsrc is-live=false num-buffers=50 exposure-time-us={PERIOD_US} camera=\"{camera}\" "
            "! video/x-raw,format=GRAY8,width=96,height=64 "
            f"! zarrsink location={location} tile-planes=6 tile-width=48 tile-height=32 {extra}",
            on_pipeline=on_pipeline)
        self.assertEqual(messages[-1].type, Gst.MessageType.EOS)
        return checks, progress_messages(messages)

    def test_every_message_announces_readable_frames(self):
        with TempDir() as tmp:
            location = f"{tmp}/progress.zarr"
            checks, posted = self.record_checking_each_message(location, "simulated: radial sin")
            self.assertGreaterEqual(len(checks), 2)
            final = open_array(location)[:]
            previous = 0
            for frames, shape, data, running_time in checks:
                self.assertGreater(frames, previous)
                previous = frames
                self.assertGreaterEqual(shape, frames, "a message announced frames the shape does not cover")
                np.testing.assert_array_equal(data, final[:frames])
                # Not live: frame n has PTS n * period from a segment at 0.
                self.assertEqual(running_time, (frames - 1) * PERIOD_US * 1000)
            self.assertEqual(checks[-1][0], 50)
            assert_radial_sin(final, 96, 64, PERIOD_S)

    def test_last_ratio_is_the_ratio_on_disk(self):
        for camera, compressor in (("simulated: uniform random", "blosc-lz4"), ("simulated: radial sin", "blosc-zstd")):
            with self.subTest(camera=camera), TempDir() as tmp:
                location = f"{tmp}/ratio.zarr"
                _, posted = self.record_checking_each_message(location, camera, f"compressor={compressor}")
                last = posted[-1]
                on_disk = 50 * 96 * 64 / stored_chunk_bytes(location)
                self.assertAlmostEqual(last.get_value("compression-ratio"), on_disk, delta=on_disk * 0.01)
                self.assertEqual(last.get_value("bytes-written"), stored_chunk_bytes(location))
                for message in posted:  # never more optimistic than the data on disk allows
                    self.assertLessEqual(message.get_value("compression-ratio"), on_disk * 1.2 + 0.01)

    def test_post_messages_false_posts_none(self):
        with TempDir() as tmp:
            _, messages = run(
                "acqsrc is-live=false num-buffers=20 ! video/x-raw,format=GRAY8,width=32,height=16 "
                f"! zarrsink location={tmp}/quiet.zarr tile-planes=2 post-messages=false")
            self.assertEqual(progress_messages(messages), [])
            self.assertEqual(open_array(f"{tmp}/quiet.zarr").shape[0], 20)


class Unlock(unittest.TestCase):
    # 960x540 frames, 16-frame rows compressed with zstd level 9 on one
    # thread: the source fills the free rows at once and append() then
    # waits for the worker.
    SLOW = ("acqsrc is-live=false camera=\"simulated: uniform random\" "
            "! video/x-raw,format=GRAY8,width=960,height=540 "
            "! zarrsink name=rec location={location} tile-planes=16 compressor=blosc-zstd clevel=9 max-threads=1 "
            "{extra}")

    def start_blocked(self, location, extra=""):
        pipeline = Gst.parse_launch(self.SLOW.format(location=location, extra=extra))
        pipeline.set_state(Gst.State.PLAYING)
        sink = pipeline.get_by_name("rec")
        # Two full rows appended (the filling one and one in flight) and more:
        # the next append waits for a free row.
        wait_for(lambda: sink.get_property("stats").get_value("frames") >= 33)
        time.sleep(0.2)
        return pipeline, sink

    def test_flush_wakes_a_blocked_append(self):
        with TempDir() as tmp:
            pipeline, sink = self.start_blocked(f"{tmp}/flush.zarr")
            pad = sink.get_static_pad("sink")
            frames_before = sink.get_property("stats").get_value("frames")
            started = time.monotonic()
            self.assertTrue(pad.send_event(Gst.Event.new_flush_start()))
            # FLUSH_STOP is serialized: it waits for render() to return.
            pad.send_event(Gst.Event.new_flush_stop(True))
            elapsed = time.monotonic() - started
            self.assertLess(elapsed, 2.0, f"the flush took {elapsed:.2f} s")
            self.assertEqual(sink.get_property("stats").get_value("frames"), frames_before)
            pipeline.set_state(Gst.State.NULL)
            array = open_array(f"{tmp}/flush.zarr")
            self.assertEqual(array.shape[0], sink.get_property("stats").get_value("frames"))

    def stop_mid_recording(self, policy):
        """Sets the pipeline to NULL while append() waits; returns the frames
        received, what the dataset holds, and how long the stop took."""
        with TempDir() as tmp:
            location = f"{tmp}/{policy}.zarr"
            pipeline, sink = self.start_blocked(location, f"stop-policy={policy}")
            started = time.monotonic()
            pipeline.set_state(Gst.State.NULL)
            elapsed = time.monotonic() - started
            frames = sink.get_property("stats").get_value("frames")
            array = open_array(location)
            # Uniform random frames: none of them is all zeros (the fill value).
            stored_with_data = [bool(np.any(array[i])) for i in range(array.shape[0])]
            return frames, array.shape[0], stored_with_data, elapsed

    def test_stop_policies(self):
        frames, stored, with_data, finish_took = self.stop_mid_recording("finish")
        self.assertGreaterEqual(frames, 33)
        self.assertEqual(stored, frames, "finish keeps every frame received, the partial row too")
        self.assertTrue(all(with_data))

        frames, stored, with_data, abort_took = self.stop_mid_recording("abort")
        self.assertEqual(stored % 16, 0, "abort keeps whole rows only")
        self.assertLess(stored, frames)
        self.assertTrue(all(with_data))
        self.assertLess(abort_took, finish_took, "abort does not compress the rows no worker started")


if __name__ == "__main__":
    unittest.main(verbosity=2)
