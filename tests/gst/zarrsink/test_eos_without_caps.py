"""EOS before any caps (issue 15, point 6): zarrsink posts a warning saying
nothing was recorded and why, ends with EOS, and leaves nothing behind; a
dataset already at the location (overwrite=true) is left as it was."""
import os
import subprocess
import unittest

import numpy as np

from zarrsink_testing import Gst, TempDir, assert_radial_sin, errors, open_array, run

NOTHING_RECORDED = "Nothing was recorded: the stream ended before any caps reached the sink"


def warnings(messages):
    return [m.parse_warning()[0] for m in messages if m.type == Gst.MessageType.WARNING]


def eos_at_once(location, extra="", caps=None):
    """appsrc that ends before its first buffer: without caps none reach the
    sink (with caps set, appsrc sends them before EOS)."""
    caps_setting = f"caps={caps}" if caps else ""
    pipeline = Gst.parse_launch(f"appsrc name=src format=time {caps_setting} ! zarrsink name=rec {extra}")
    pipeline.get_by_name("rec").set_property("location", location)
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    pipeline.get_by_name("src").emit("end-of-stream")
    messages = []
    while True:
        message = bus.timed_pop(30 * Gst.SECOND)
        assert message is not None, "neither EOS nor an error within 30 s"
        messages.append(message)
        if message.type in (Gst.MessageType.EOS, Gst.MessageType.ERROR):
            break
    pipeline.set_state(Gst.State.NULL)
    return messages


class EosWithoutCaps(unittest.TestCase):
    def test_caps_but_no_frame_warns_and_keeps_an_empty_dataset(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "x.zarr")
            messages = eos_at_once(location, "", caps="video/x-raw,format=GRAY8,width=8,height=4,framerate=10/1")
            self.assertEqual(errors(messages), [])
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS)
            found = [w.message for w in warnings(messages) if "Nothing was recorded" in w.message]
            self.assertEqual(found, [f"Nothing was recorded: the stream ended before its first frame; the dataset "
                                     f"at {location} holds no frames."])
            self.assertEqual(open_array(location).shape, (0, 1, 4, 8))

    def test_warns_and_leaves_nothing(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "x.zarr")
            messages = eos_at_once(location)
            self.assertEqual(errors(messages), [])
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS)
            found = [w for w in warnings(messages) if NOTHING_RECORDED in w.message]
            self.assertEqual(len(found), 1, [w.message for w in warnings(messages)])
            self.assertIn("no dataset was created at " + location, found[0].message)
            self.assertTrue(found[0].matches(Gst.StreamError.quark(), Gst.StreamError.FAILED))
            self.assertFalse(os.path.exists(location), "something was left at the location")

    def test_gst_launch_prints_the_warning_and_exits_0(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "x.zarr")
            result = subprocess.run(["gst-launch-1.0", "-e", "appsrc", "num-buffers=0", "!", "zarrsink",
                                     f"location={location}"], capture_output=True, text=True, timeout=60)
            output = result.stdout + result.stderr
            self.assertEqual(result.returncode, 0, output)
            self.assertIn(NOTHING_RECORDED, output)
            self.assertFalse(os.path.exists(location), "something was left at the location")

    def test_existing_dataset_is_kept(self):
        with TempDir() as tmp:
            location = os.path.join(tmp, "x.zarr")
            _, messages = run("acqsrc camera=\"simulated: radial sin\" is-live=false num-buffers=3 "
                              f"! video/x-raw,format=GRAY8,width=8,height=4 ! zarrsink location={location}")
            self.assertEqual(messages[-1].type, Gst.MessageType.EOS, errors(messages))
            before = open_array(location)[:]
            messages = eos_at_once(location, "overwrite=true")
            self.assertEqual(errors(messages), [])
            self.assertTrue(any(NOTHING_RECORDED in w.message for w in warnings(messages)))
            array = open_array(location)
            self.assertEqual(array.shape, (3, 1, 4, 8), "the dataset before was replaced")
            np.testing.assert_array_equal(array[:], before)
            assert_radial_sin(array, 8, 4, 0.01)


if __name__ == "__main__":
    unittest.main(verbosity=2)
