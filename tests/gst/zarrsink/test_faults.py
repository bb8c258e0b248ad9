"""Faults mid-recording and awkward locations. After each, the dataset opens
with an independent reader (zarr-python for v2, zarrita for v3) and holds
every frame completed before the fault, and nothing that was there before
is lost. (SIGINT is in test_interrupt.py, a full disk in test_disk_full.py.)"""
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import unittest

import numpy as np

import zarr_testing as zt  # tests/zarr: zarrita reader for v3
from zarrsink_testing import Gst, TempDir, assert_finished, assert_radial_sin, errors, open_array, pulled_frames, run

WIDTH, HEIGHT = 64, 48
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}"
PERIOD_US = 10000


def gst_launch_command(*words):
    return [shutil.which("gst-launch-1.0")] + list(words)


def published_frames(location):
    """Frames array 0's metadata says are recorded (0 while it is not there)."""
    for name in (".zarray", "zarr.json"):
        try:
            with open(os.path.join(location, "0", name)) as f:
                return json.load(f)["shape"][0]
        except (OSError, ValueError):
            continue
    return 0


def kill_mid_recording(location, frames_before_kill, *zarrsink_properties):
    """Records the radial-sin camera as fast as it goes; SIGKILL once the
    metadata says frames_before_kill are recorded. Returns (exit code,
    frames published just before the kill)."""
    command = gst_launch_command(
        "acqsrc", "is-live=false", f"exposure-time-us={PERIOD_US}", "!", CAPS, "!",
        "zarrsink", f"location={location}", *zarrsink_properties)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def enough_published():
        frames = published_frames(location)
        return frames if frames >= frames_before_kill else 0

    published = zt.sigkill_when(process, enough_published)
    return process.returncode, published


def videotestsrc_frames(pattern, count):
    """What videotestsrc pattern=... gives for `count` frames, as (n, y, x)."""
    frames = {}
    _, messages = run(f"videotestsrc pattern={pattern} num-buffers={count} ! {CAPS} "
                      "! appsink name=copy sync=false wait-on-eos=false",
                      on_finished=lambda p: frames.update(
                          all=pulled_frames(p.get_by_name("copy"), WIDTH, HEIGHT, np.uint8)))
    assert_finished(messages)
    return frames["all"]


def environment_for_nobody(directory):
    """Environment in which the unprivileged user finds the plugins: copies of
    them in `directory` (the build tree may sit where nobody can read, e.g.
    under /root in CI) and a registry it may write."""
    plugins = os.path.join(directory, "plugins")
    os.makedirs(plugins)
    for root in os.environ["GST_PLUGIN_PATH_1_0"].split(os.pathsep):
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".so"):
                    shutil.copy(os.path.join(folder, name), plugins)
    for path in (directory, plugins):
        os.chmod(path, 0o777)
    return dict(os.environ, GST_PLUGIN_PATH_1_0=plugins, GST_REGISTRY_1_0=os.path.join(directory, "registry.bin"))


def as_nobody(command):
    """Runs a command as an unprivileged user when we are root, so that a
    misbehaving overwrite cannot remove anything that matters."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to drop root"
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + command


class Faults(unittest.TestCase):
    # --- SIGKILL in the middle of a long recording -------------------------

    def test_sigkill_v2(self):
        with TempDir() as tmp:
            location = f"{tmp}/killed.zarr"
            # Rows of 4 frames; kill once 24 frames are published.
            code, published = kill_mid_recording(location, 24, "tile-planes=4")
            self.assertEqual(code, -signal.SIGKILL)
            array = open_array(location)
            self.assertGreaterEqual(array.shape[0], published, "rows published before the kill are kept")
            self.assertEqual(array.shape[1:], (1, HEIGHT, WIDTH))
            assert_radial_sin(array[:], WIDTH, HEIGHT, PERIOD_US / 1e6)

    def test_sigkill_v3_sharded(self):
        with TempDir() as tmp:
            location = f"{tmp}/killed-v3.zarr"
            # Shards of 2x2 chunks: 2 rows of 4 frames in time, 2 tiles across.
            code, published = kill_mid_recording(location, 32, "tile-planes=4", "tile-width=32", "zarr-version=3",
                                                 "chunks-per-shard-t=2", "chunks-per-shard-x=2")
            self.assertEqual(code, -signal.SIGKILL)
            data, dtype = zt.read_v3(location, "0")
            self.assertEqual(dtype, "uint8")
            self.assertGreaterEqual(data.shape[0], published, "shard rows published before the kill are kept")
            self.assertEqual(data.shape[0] % 8, 0, "only whole shard rows are published")
            assert_radial_sin(data, WIDTH, HEIGHT, PERIOD_US / 1e6)

    # --- locations ----------------------------------------------------------

    def expect_refused(self, location, *words, extra=""):
        _, messages = run(f"acqsrc is-live=false num-buffers=3 ! {CAPS} ! zarrsink name=rec {extra}",
                          on_pipeline=lambda p: p.get_by_name("rec").set_property("location", location))
        found = errors(messages)
        self.assertEqual(len(found), 1, [e.message for e in found])
        self.assertTrue(found[0].matches(Gst.ResourceError.quark(), Gst.ResourceError.OPEN_WRITE),
                        f"{found[0].domain} {found[0].code}: {found[0].message}")
        for word in words:
            self.assertIn(word, found[0].message)

    def test_location_is_an_existing_file(self):
        with TempDir() as tmp:
            location = f"{tmp}/a-file"
            with open(location, "w") as f:
                f.write("precious")
            self.expect_refused(location, location, "overwrite")
            self.expect_refused(location, location, extra="overwrite=true")
            with open(location) as f:
                self.assertEqual(f.read(), "precious")

    def test_path_with_spaces_and_non_ascii(self):
        with TempDir() as tmp:
            location = f"{tmp}/run 1 \u00e9t\u00e9 \u6e2c\u5b9a/data set.zarr"
            _, messages = run(f"acqsrc is-live=false num-buffers=5 exposure-time-us={PERIOD_US} ! {CAPS} "
                              "! zarrsink name=rec tile-planes=2",
                              on_pipeline=lambda p: p.get_by_name("rec").set_property("location", location))
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape, (5, 1, HEIGHT, WIDTH))
            assert_radial_sin(array[:], WIDTH, HEIGHT, PERIOD_US / 1e6)

    def test_location_on_read_only_bind_mount(self):
        with TempDir() as tmp:
            os.makedirs(f"{tmp}/ro/kept")
            with zt.mounted(self, f"{tmp}/ro", "--bind", f"{tmp}/ro", read_only=True):
                self.expect_refused(f"{tmp}/ro/out.zarr", f"{tmp}/ro/out.zarr")
                self.expect_refused(f"{tmp}/ro/kept", f"{tmp}/ro/kept", extra="overwrite=true")
            self.assertTrue(os.path.isdir(f"{tmp}/ro/kept"))
            self.assertFalse(os.path.exists(f"{tmp}/ro/out.zarr"))

    def test_location_unwritable(self):
        """A directory the recording user may not write (root may write anywhere: run as nobody)."""
        with TempDir() as tmp:
            os.chmod(tmp, 0o755)
            parent = f"{tmp}/locked"
            os.makedirs(parent)
            os.chmod(parent, 0o555)
            env = environment_for_nobody(f"{tmp}/nobody")
            result = subprocess.run(
                as_nobody(gst_launch_command("acqsrc", "is-live=false", "num-buffers=3", "!", CAPS, "!", "zarrsink",
                                             f"location={parent}/out.zarr")),
                capture_output=True, text=True, env=env, timeout=120)
            self.assertGreater(result.returncode, 0, result.stdout + result.stderr)
            output = result.stdout + result.stderr
            first_error = next((line for line in output.splitlines() if line.startswith("ERROR")), output)
            self.assertIn(f"{parent}/out.zarr", first_error)
            self.assertFalse(os.path.exists(f"{parent}/out.zarr"))

    def test_overwrite_refuses_the_root_directory(self):
        before = sorted(os.listdir("/"))
        with TempDir() as tmp:
            os.chmod(tmp, 0o755)
            env = environment_for_nobody(f"{tmp}/nobody")
            result = subprocess.run(
                as_nobody(gst_launch_command("acqsrc", "is-live=false", "num-buffers=3", "!", CAPS, "!", "zarrsink",
                                             "location=/", "overwrite=true")),
                capture_output=True, text=True, env=env, timeout=120)
        output = result.stdout + result.stderr
        self.assertGreater(result.returncode, 0, output)
        self.assertIn("not a Zarr dataset", output)
        self.assertIn("nothing was removed", output)
        self.assertEqual(sorted(os.listdir("/")), before)

    # --- upstream errors, seeks and state changes mid-recording -------------

    def test_upstream_error_keeps_frames_received(self):
        with TempDir() as tmp:
            location = f"{tmp}/upstream.zarr"
            sent = {}
            # identity fails the 11th buffer: zarrsink and the copy saw the 10 before it.
            # No queues (they would drop what they hold at the error): both
            # sinks take each frame in the streaming thread, so neither may
            # block it to preroll (async=false).
            _, messages = run(
                f"videotestsrc pattern=ball num-buffers=100 ! {CAPS} ! identity error-after=11 "
                f"! tee name=t t. ! zarrsink location={location} tile-planes=4 async=false "
                "t. ! appsink name=copy sync=false async=false wait-on-eos=false",
                on_finished=lambda p: sent.update(frames=pulled_frames(p.get_by_name("copy"), WIDTH, HEIGHT,
                                                                       np.uint8)))
            found = errors(messages)
            self.assertTrue(found and "identity" in messages[-1].src.get_name(), [e.message for e in found])
            array = open_array(location)
            self.assertEqual(array.shape[0], 10, "the 10 frames before the error, partial row included")
            np.testing.assert_array_equal(array[:, 0], sent["frames"])

    def test_flushing_seek_mid_recording(self):
        """Frames before and after the seek are appended; none is torn or mixed."""
        reference = videotestsrc_frames("ball", 40)
        with TempDir() as tmp:
            location = f"{tmp}/seek.zarr"
            pipeline = Gst.parse_launch(f"videotestsrc pattern=ball num-buffers=40 ! {CAPS} "
                                        f"! zarrsink name=rec location={location} tile-planes=4")
            seen = []
            sink_pad = pipeline.get_by_name("rec").get_static_pad("sink")
            sink_pad.add_probe(Gst.PadProbeType.BUFFER, lambda pad, info: seen.append(1) or Gst.PadProbeReturn.OK)
            # Throttle so the seek lands mid-recording.
            sink_pad.add_probe(Gst.PadProbeType.BUFFER, lambda pad, info: time.sleep(0.01) or Gst.PadProbeReturn.OK)
            bus = pipeline.get_bus()
            pipeline.set_state(Gst.State.PLAYING)
            try:
                deadline = time.monotonic() + 60
                while len(seen) < 15 and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.assertTrue(pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, 0))
                message = bus.timed_pop_filtered(120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
                self.assertIsNotNone(message)
                self.assertEqual(message.type, Gst.MessageType.EOS, message.parse_error() if message.type ==
                                 Gst.MessageType.ERROR else "")
            finally:
                pipeline.set_state(Gst.State.NULL)
            stored = open_array(location)[:, 0]
            # Each stored frame is a source frame; indices rise, restart once at 0.
            indices = []
            for frame in stored:
                start = indices[-1] + 1 if indices else 0
                match = next((j for j in list(range(start, 40)) + list(range(0, start))
                              if np.array_equal(frame, reference[j])), None)
                self.assertIsNotNone(match, f"stored frame {len(indices)} is no source frame (torn or mixed)")
                indices.append(match)
            restarts = [i for i in range(1, len(indices)) if indices[i] <= indices[i - 1]]
            self.assertEqual(indices[0], 0)
            self.assertEqual(len(restarts), 1, f"frame indices {indices}")
            self.assertEqual(indices[restarts[0]], 0, f"frame indices {indices}")
            self.assertGreaterEqual(restarts[0], 10, "the frames before the seek were kept")

    def test_pause_and_resume_mid_recording(self):
        with TempDir() as tmp:
            location = f"{tmp}/paused.zarr"
            sent = {}

            def pause_and_resume(pipeline):
                def cycle():
                    time.sleep(0.2)
                    pipeline.set_state(Gst.State.PAUSED)
                    time.sleep(0.3)
                    pipeline.set_state(Gst.State.PLAYING)
                threading.Thread(target=cycle, daemon=True).start()

            _, messages = run(
                f"videotestsrc is-live=true pattern=ball num-buffers=50 ! {CAPS},framerate=100/1 "
                f"! tee name=t t. ! queue ! zarrsink location={location} tile-planes=4 "
                "t. ! queue ! appsink name=copy sync=false wait-on-eos=false max-buffers=0",
                on_pipeline=pause_and_resume,
                on_finished=lambda p: sent.update(frames=pulled_frames(p.get_by_name("copy"), WIDTH, HEIGHT,
                                                                       np.uint8)))
            assert_finished(messages)
            array = open_array(location)
            # A live source discards the frame it was making when paused.
            self.assertGreaterEqual(array.shape[0], 45)
            np.testing.assert_array_equal(array[:, 0], sent["frames"])

    def ready_and_restart(self, location, overwrite):
        """Plays pattern=ball, goes to READY mid-recording, plays pattern=snow
        to the end. Returns the messages of the second run."""
        pipeline = Gst.parse_launch(f"videotestsrc name=src pattern=ball num-buffers=30 ! {CAPS} "
                                    f"! zarrsink name=rec location={location} tile-planes=4 overwrite={overwrite}")
        seen = []
        pipeline.get_by_name("rec").get_static_pad("sink").add_probe(
            Gst.PadProbeType.BUFFER, lambda pad, info: seen.append(1) or time.sleep(0.01) or Gst.PadProbeReturn.OK)
        bus = pipeline.get_bus()
        try:
            pipeline.set_state(Gst.State.PLAYING)
            deadline = time.monotonic() + 60
            while len(seen) < 10 and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertEqual(pipeline.set_state(Gst.State.READY), Gst.StateChangeReturn.SUCCESS)
            bus.set_flushing(True)
            bus.set_flushing(False)
            pipeline.get_by_name("src").set_property("pattern", "snow")
            pipeline.set_state(Gst.State.PLAYING)
            message = bus.timed_pop_filtered(120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
            self.assertIsNotNone(message, "the second run did not finish")
            return [message]
        finally:
            pipeline.set_state(Gst.State.NULL)

    def test_ready_and_restart_with_overwrite_writes_a_new_dataset(self):
        snow = videotestsrc_frames("snow", 30)
        with TempDir() as tmp:
            location = f"{tmp}/restarted.zarr"
            messages = self.ready_and_restart(location, overwrite="true")
            assert_finished(messages)
            array = open_array(location)
            self.assertEqual(array.shape[0], 30)
            np.testing.assert_array_equal(array[:, 0], snow, "the second run's dataset holds its frames only")

    def test_ready_and_restart_without_overwrite_is_refused(self):
        ball = videotestsrc_frames("ball", 30)
        with TempDir() as tmp:
            location = f"{tmp}/kept.zarr"
            messages = self.ready_and_restart(location, overwrite="false")
            found = errors(messages)
            self.assertEqual(len(found), 1)
            self.assertIn("already holds data", found[0].message)
            array = open_array(location)
            # 10 frames reached the pad; the one in flight when READY came may be dropped.
            self.assertGreaterEqual(array.shape[0], 9, "the first run's frames are kept")
            np.testing.assert_array_equal(array[:, 0], ball[:array.shape[0]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
