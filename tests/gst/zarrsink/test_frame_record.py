"""zarrsink's frame record: each stored frame's camera number and time, the
lost frames (from gaps in OFFSET, whatever the source), QoS, the warning,
gap-policy fill, and a table that survives SIGKILL in step with the image.
Read back by zarr-python (v2) and zarrita (v3)."""
import math
import os
import random
import subprocess
import sys
import time
import unittest

import numpy as np
import zarr

import zarr_testing as zt
from zarrsink_testing import Gst, TempDir, assert_finished, run

WIDTH, HEIGHT = 1920, 1080
PERIOD_S = 0.005
# The pipeline: 5 ms frames and a slow sink (zstd 9 on one thread)
# make a live acqsrc drop frames.
SLOW_SINK = "compressor=blosc-zstd clevel=9 max-threads=1 tile-planes=8"


def dropping_pipeline(location, sink_settings="", frames=300):
    return (f"acqsrc name=src num-buffers={frames} exposure-time-us={int(PERIOD_S * 1e6)} "
            f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT} "
            f"! zarrsink name=sink location={location} {SLOW_SINK} {sink_settings}")


class RadialSin:
    """acqsrc's radial-sin frame n, computed fast (the rings depend on r2 only)."""

    def __init__(self, width, height, period_s):
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        self.r2 = (x - width / 2.0) ** 2 + (y - height / 2.0) ** 2
        self.period_s = period_s

    def frame(self, n):
        return np.floor(127 * (1 + np.sin(2 * math.pi * (10 * n * self.period_s + 0.01 * self.r2))))

    def assert_is(self, stored, n, what):
        worst = np.abs(stored.astype(np.float64) - self.frame(n)).max()
        assert worst <= 1, f"{what}: not radial sin frame {n} ({worst} away)"


def numbers_from_record(record, frames):
    """The documented rule of gap-policy record."""
    runs = record["lost_runs"]
    return [record["first_frame"] + i + sum(m for index, m in runs if index <= i) for i in range(frames)]


class FrameRecordPipelines(unittest.TestCase):
    def record_with_drops(self, location, sink_settings):
        found = {}

        def on_finished(pipeline):
            found["dropped"] = pipeline.get_by_name("src").get_property("frames-dropped")
            found["stats"] = pipeline.get_by_name("sink").get_property("stats")

        _, messages = run(dropping_pipeline(location, sink_settings), on_finished=on_finished, timeout_s=300)
        assert_finished(messages)
        return found, messages

    def test_forced_drops_are_recorded(self):
        with TempDir() as tmp:
            location = f"{tmp}/d.zarr"
            found, messages = self.record_with_drops(location, "frame-table=true")
            dropped = found["dropped"]
            self.assertGreater(dropped, 0, "the slow sink was expected to make acqsrc drop frames")

            group = zarr.open_group(location, mode="r")
            image = group["0"]
            record = image.attrs["acquisition"]
            self.assertEqual(image.shape[0], 300)
            self.assertEqual(record["first_frame"], 0)
            self.assertEqual(record["frames_lost"], dropped)
            self.assertEqual(sum(m for _, m in record["lost_runs"]), dropped)
            self.assertFalse(record["evenly_spaced"])
            numbers = numbers_from_record(record, image.shape[0])
            np.testing.assert_array_equal(group["frames/number"][:], numbers)
            self.assertEqual(image.shape[0] + record["frames_lost"], numbers[-1] + 1)
            # Each stored frame shows the camera frame the record names.
            pattern = RadialSin(WIDTH, HEIGHT, PERIOD_S)
            for i, n in enumerate(numbers):
                pattern.assert_is(image[i, 0], n, f"stored frame {i}")
            # The table's times are PTS: t0 + n x period of a live acqsrc.
            times = group["frames/time"][:]
            np.testing.assert_array_equal(times - times[0], np.array(numbers) * int(PERIOD_S * 1e9))
            np.testing.assert_array_equal(group["frames/camera_time"][:], np.array(numbers) * int(PERIOD_S * 1e9))
            flags = group["frames/flags"][:]
            after_gap = {index for index, _ in record["lost_runs"]}
            for i in after_gap:
                self.assertTrue(flags[i] & 1, f"stored frame {i} follows a gap but is not marked discontinuous")

            self.assertEqual(found["stats"].get_value("frames-dropped"), dropped)
            qos = [m for m in messages if m.type == Gst.MessageType.QOS]
            self.assertEqual(len(qos), len(record["lost_runs"]))
            self.assertEqual(qos[-1].parse_qos_stats()[2], dropped)
            progress = [m.get_structure() for m in messages
                        if m.type == Gst.MessageType.ELEMENT and m.get_structure().get_name() == "zarrsink-progress"]
            self.assertEqual(progress[-1].get_value("frames-dropped"), dropped)
            warnings = [m.parse_warning()[0].message for m in messages if m.type == Gst.MessageType.WARNING]
            self.assertEqual(len(warnings), 1, warnings)
            self.assertIn(f"{dropped} camera frames were lost", warnings[0])

    def test_fill_keeps_the_time_axis_exact_v3(self):
        # Drops made by a downstream that takes 15 ms a frame from a 5 ms
        # camera (identity sleeps), so that they do not depend on the
        # machine's load; small frames keep the blank stand-ins cheap.
        width, height = 320, 240
        with TempDir() as tmp:
            location = f"{tmp}/f.zarr"
            found = {}
            _, messages = run(
                f"acqsrc name=src num-buffers=60 exposure-time-us={int(PERIOD_S * 1e6)} "
                f"! video/x-raw,format=GRAY8,width={width},height={height} ! identity sleep-time=15000 "
                f"! zarrsink location={location} gap-policy=fill frame-table=true zarr-version=3 "
                "chunks-per-shard-t=2 tile-planes=16",
                on_finished=lambda p: found.update(dropped=p.get_by_name("src").get_property("frames-dropped")),
                timeout_s=300)
            assert_finished(messages)
            dropped = found["dropped"]
            self.assertGreater(dropped, 0)
            image, _, attributes = zt.read_v3(location, "0", with_attributes=True)
            record = attributes["acquisition"]
            self.assertEqual(image.shape[0], 60 + dropped)  # last frame number + 1
            self.assertEqual(record["frames_lost"], dropped)
            self.assertTrue(record["evenly_spaced"])
            numbers, _ = zt.read_v3(location, "frames/number")
            np.testing.assert_array_equal(numbers, np.arange(image.shape[0]))
            flags, _ = zt.read_v3(location, "frames/flags")
            filled = set(np.nonzero(flags & 4)[0].tolist())
            self.assertEqual(len(filled), dropped)
            self.assertEqual(filled, {i for index, m in record["lost_runs"] for i in range(index, index + m)})
            pattern = RadialSin(width, height, PERIOD_S)
            for i in range(image.shape[0]):
                if i in filled:
                    self.assertFalse(image[i].any(), f"filled frame {i} is not blank")
                else:
                    pattern.assert_is(image[i, 0], i, f"stored frame {i}")

    def test_gaps_in_offset_from_any_source(self):
        # An appsrc stands in for any source numbering its buffers in OFFSET.
        offsets = [10, 11, 12, 15, 16, 30]
        with TempDir() as tmp:
            location = f"{tmp}/a.zarr"
            pipeline = Gst.parse_launch(
                "appsrc name=src format=time caps=video/x-raw,format=GRAY8,width=4,height=2,framerate=100/1 "
                f"! zarrsink name=sink location={location} frame-table=true tile-planes=2")
            src = pipeline.get_by_name("src")
            pipeline.set_state(Gst.State.PLAYING)
            for i, offset in enumerate(offsets):
                buffer = Gst.Buffer.new_wrapped(bytes([offset]) * 8)
                buffer.pts = offset * 10 * Gst.MSECOND
                buffer.offset = offset
                src.emit("push-buffer", buffer)
            src.emit("end-of-stream")
            message = pipeline.get_bus().timed_pop_filtered(30 * Gst.SECOND,
                                                            Gst.MessageType.EOS | Gst.MessageType.ERROR)
            stats = pipeline.get_by_name("sink").get_property("stats")
            pipeline.set_state(Gst.State.NULL)
            self.assertEqual(message.type, Gst.MessageType.EOS)
            self.assertEqual(stats.get_value("frames-dropped"), 15)
            group = zarr.open_group(location, mode="r")
            record = group["0"].attrs["acquisition"]
            self.assertEqual(record["lost_runs"], [[3, 2], [5, 13]])
            self.assertEqual(record["first_frame"], 10)
            np.testing.assert_array_equal(group["0"][:, 0, 0, 0], offsets)
            np.testing.assert_array_equal(group["frames/number"][:], offsets)
            np.testing.assert_array_equal(group["frames/time"][:], np.array(offsets) * 10 * Gst.MSECOND)
            np.testing.assert_array_equal(group["frames/camera_time"][:], [-1] * len(offsets))

    def test_sigkill_leaves_table_and_image_in_step(self):
        # gst-launch killed at random moments of a live recording that writes a row every 4 frames.
        for attempt in range(5):
            with self.subTest(run=attempt), TempDir() as tmp:
                location = f"{tmp}/k.zarr"
                process = subprocess.Popen(
                    ["gst-launch-1.0", "-e", "acqsrc", "exposure-time-us=5000", "!",
                     "video/x-raw,format=GRAY8,width=320,height=240", "!", "zarrsink", f"location={location}",
                     "tile-planes=4", "frame-table=true"],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)

                def rows_on_disk():
                    try:
                        return zarr.open_group(location, mode="r")["0"].shape[0] >= 8
                    except Exception:
                        return False

                zt.sigkill_when(process, rows_on_disk, then_s=random.uniform(0, 0.2))
                group = zarr.open_group(location, mode="r")
                image = group["0"]
                numbers = group["frames/number"][:]
                # Every stored frame has its entry. The table's shape is
                # written just before the image's: a kill between the two
                # leaves the table one row (4 frames) ahead, never behind.
                self.assertIn(len(numbers) - image.shape[0], (0, 4))
                numbers = numbers[:image.shape[0]]
                np.testing.assert_array_equal(numbers, numbers_from_record(image.attrs["acquisition"],
                                                                           image.shape[0]))
                pattern = RadialSin(320, 240, PERIOD_S)
                for i in (0, image.shape[0] - 1):
                    pattern.assert_is(image[i, 0], int(numbers[i]), f"stored frame {i}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
