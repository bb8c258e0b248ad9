"""Recording onto a 1 MiB tmpfs until it is full: RESOURCE NO_SPACE_LEFT on
the bus, no crash, and the dataset opens with every frame completed before
the failure. Needs root for the mount; skipped (visibly) otherwise."""
import unittest

import numpy as np

import zarr_testing as zt  # tests/zarr: mounted()
from zarrsink_testing import Gst, TempDir, errors, open_array, pulled_frames, run


class DiskFull(unittest.TestCase):
    def test_no_space_left(self):
        with TempDir() as tmp, zt.mounted(self, tmp, "-t", "tmpfs", "-o", "size=1m", "tmpfs") as mount_point:
            self.record_until_full(f"{mount_point}/full.zarr")

    def record_until_full(self, location):
        # 128 KiB chunks of two 256x256 frames; 100 frames are 6.4 MB.
        description = (
            "videotestsrc num-buffers=100 pattern=ball ! video/x-raw,format=GRAY8,width=256,height=256 "
            f"! tee name=t t. ! queue ! zarrsink location={location} tile-planes=2 "
            "t. ! queue ! appsink name=copy sync=false wait-on-eos=false")
        sent = {}
        _, messages = run(description, on_finished=lambda p: sent.update(
            frames=pulled_frames(p.get_by_name("copy"), 256, 256, np.uint8)))
        found = errors(messages)
        self.assertEqual(len(found), 1, [e.message for e in found])
        error = found[0]
        self.assertTrue(error.matches(Gst.ResourceError.quark(), Gst.ResourceError.NO_SPACE_LEFT),
                        f"{error.domain} {error.code}: {error.message}")
        self.assertIn("full.zarr", error.message)

        array = open_array(location)
        recorded = array.shape[0]
        self.assertGreaterEqual(recorded, 2, "a 1 MiB disk holds several 128 KiB chunks")
        self.assertLess(recorded, 100)
        np.testing.assert_array_equal(array[:, 0], sent["frames"][:recorded])


if __name__ == "__main__":
    unittest.main(verbosity=2)
