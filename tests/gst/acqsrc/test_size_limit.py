"""acqsrc refuses a frame size over its camera's limit with an error naming
the size asked for and the limit (issue 15, point 8c), not only basesrc's
"not-negotiated"; a recording at the limit opens with zarr-python."""
import os
import shutil
import tempfile
import unittest

import gi
import numpy as np
import zarr

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)

LIMIT = 8192  # the simulated cameras'


def run(description):
    """Plays the pipeline to EOS or the first error; returns the error (or None)."""
    pipeline = Gst.parse_launch(description)
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert message is not None, f"neither EOS nor an error within 60 s: {description}"
    return message.parse_error()[0] if message.type == Gst.MessageType.ERROR else None


class SizeLimit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="acqsrc-size-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_over_the_limit_names_size_and_limit(self):
        for width, height in [(LIMIT + 1, 61), (97, LIMIT + 1), (20000, 20000)]:
            with self.subTest(width=width, height=height):
                location = os.path.join(self.tmp, f"{width}x{height}.zarr")
                error = run(f'acqsrc camera="simulated: empty" is-live=false num-buffers=2 '
                            f"! video/x-raw,format=GRAY8,width={width},height={height} "
                            f"! zarrsink location={location}")
                self.assertIsNotNone(error, "a size over the limit was accepted")
                self.assertTrue(error.matches(Gst.CoreError.quark(), Gst.CoreError.NEGOTIATION), error.message)
                self.assertIn(f"{width}x{height}", error.message)
                self.assertIn(f"at most {LIMIT}x{LIMIT}", error.message)
                self.assertIn("simulated: empty", error.message)
                self.assertFalse(os.path.exists(location), "a dataset was created without caps")

    def test_at_the_limit_records(self):
        location = os.path.join(self.tmp, "limit.zarr")
        error = run(f'acqsrc camera="simulated: empty" is-live=false num-buffers=2 '
                    f"! video/x-raw,format=GRAY8,width={LIMIT},height=2 ! zarrsink location={location}")
        self.assertIsNone(error, error and error.message)
        array = zarr.open_group(location, mode="r")["0"]
        self.assertEqual(array.shape, (2, 1, 2, LIMIT))
        np.testing.assert_array_equal(array[:], np.zeros((2, 1, 2, LIMIT), np.uint8))


if __name__ == "__main__":
    unittest.main(verbosity=2)
