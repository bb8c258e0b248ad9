"""zarrsink's locking and overwrite rules (docs/elements/zarrsink.md): a
second zarrsink on a location being recorded, behind the same tee or in
another pipeline, is refused with RESOURCE BUSY naming the location while
the first recording's dataset opens with its frames; an overwrite that this
user cannot finish changes nothing and names what it cannot remove."""
import os
import shutil
import subprocess
import time
import unittest

import numpy as np

from zarrsink_testing import Gst, TempDir, errors, open_array, run

CAPS = "video/x-raw,format=GRAY8,width=64,height=48,framerate=30/1"
SOURCE = "videotestsrc horizontal-speed=3"  # every frame differs


def reference(frames):
    """What the source sends, written raw by filesink (no Zarr involved);
    64-pixel GRAY8 rows need no stride padding."""
    with TempDir() as work:
        raw = os.path.join(work, "frames.raw")
        run(f"{SOURCE} num-buffers={frames} ! {CAPS} ! filesink location={raw}")
        return np.fromfile(raw, dtype=np.uint8).reshape(frames, 48, 64)


def busy_errors(messages):
    found = []
    for m in messages:
        if m.type == Gst.MessageType.ERROR:
            error, _ = m.parse_error()
            if error.matches(Gst.ResourceError.quark(), Gst.ResourceError.BUSY):
                found.append((m.src.get_name(), error.message))
    return found


class Locking(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.expected = reference(30)

    def assert_holds_reference(self, location, frames=None, planes=None):
        array = open_array(location)
        if frames is not None:
            self.assertEqual(array.shape[0], frames)
        if planes is not None:
            self.assertEqual(array.chunks[0], planes)
        np.testing.assert_array_equal(array[:, 0], self.expected[:array.shape[0]])
        return array

    def test_two_sinks_behind_a_tee(self):
        for attempt in range(3):
            with TempDir() as work, self.subTest(attempt=attempt):
                location = os.path.join(work, "same.zarr")
                _, messages = run(
                    f"{SOURCE} num-buffers=30 ! {CAPS} ! tee name=t "
                    f"t. ! queue ! zarrsink name=eight location={location} tile-planes=8 overwrite=true "
                    f"t. ! queue ! zarrsink name=five location={location} tile-planes=5 overwrite=true")
                busy = busy_errors(messages)
                self.assertEqual(len(busy), 1, [e.message for e in errors(messages)])
                loser, message = busy[0]
                self.assertIn(location, message)
                # The holder is named once it has written the lock file (a moment after locking).
                self.assertRegex(message, "another (writer|recording of this process)")
                # The winner's dataset holds the frames it got, right.
                self.assert_holds_reference(location)
                self.assertEqual(os.listdir(work), ["same.zarr"])

    def test_a_second_pipeline_while_the_first_records(self):
        for attempt in range(2):
            with TempDir() as work, self.subTest(attempt=attempt):
                location = os.path.join(work, "same.zarr")
                first = Gst.parse_launch(
                    f"{SOURCE} is-live=true num-buffers=30 ! {CAPS} ! zarrsink location={location} tile-planes=4")
                first.set_state(Gst.State.PLAYING)
                deadline = time.monotonic() + 10
                while not os.path.exists(os.path.join(location, "0", ".zarray")):
                    self.assertLess(time.monotonic(), deadline, "the first recording did not start")
                    time.sleep(0.01)
                _, messages = run(f"{SOURCE} num-buffers=5 ! {CAPS} ! zarrsink name=second location={location} "
                                  "tile-planes=2 overwrite=true")
                busy = busy_errors(messages)
                self.assertEqual([name for name, _ in busy], ["second"], [e.message for e in errors(messages)])
                self.assertIn(location, busy[0][1])
                message = first.get_bus().timed_pop_filtered(20 * Gst.SECOND,
                                                             Gst.MessageType.EOS | Gst.MessageType.ERROR)
                first.set_state(Gst.State.NULL)
                self.assertIsNotNone(message, "the first recording did not finish")
                self.assertEqual(message.type, Gst.MessageType.EOS)
                self.assert_holds_reference(location, frames=30, planes=4)


class Overwrite(unittest.TestCase):
    def test_an_old_dataset_this_user_cannot_remove_is_left_whole(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to make a dataset another user cannot remove")
        expected = reference(6)
        with TempDir() as work:
            os.chmod(work, 0o777)  # the unprivileged recorder's own directory
            location = os.path.join(work, "old.zarr")
            _, messages = run(f"{SOURCE} num-buffers=6 ! {CAPS} ! zarrsink location={location} tile-planes=2")
            self.assertEqual(errors(messages), [])
            for directory, names, files in os.walk(location):
                for name in names + files:
                    path = os.path.join(directory, name)
                    if not path.startswith(os.path.join(location, "0")):
                        shutil.chown(path, "nobody", "nogroup")
            shutil.chown(location, "nobody", "nogroup")  # all but 0/ (root's)
            env = dict(os.environ, GST_REGISTRY_1_0=os.path.join(work, "registry.bin"))
            for attempt in range(3):
                result = subprocess.run(
                    ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "gst-launch-1.0",
                     *SOURCE.split(), "num-buffers=2", "!", CAPS, "!", "zarrsink", f"location={location}",
                     "overwrite=true"], capture_output=True, text=True, timeout=60, env=env)
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn(f"{location}/0 cannot be removed by this user", result.stdout + result.stderr)
                self.assertEqual(sorted(n for n in os.listdir(work) if n != "registry.bin"), ["old.zarr"])
                array = open_array(location)
                self.assertEqual(array.shape[0], 6)
                np.testing.assert_array_equal(array[:, 0], expected)


if __name__ == "__main__":
    unittest.main()
