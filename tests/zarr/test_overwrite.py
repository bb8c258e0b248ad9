"""Overwrite never loses the old dataset (zarr/dataset_replacement): as a
user who may not delete the old dataset's 0/ (owned by root), overwrite
fails naming 0/ and changes nothing, the old dataset still opens with its
values; an overwrite that succeeds leaves only the new dataset (no hidden
sibling, no lock file)."""
import os
import shutil
import subprocess
import unittest

import numpy as np

from zarr_testing import WRITER, DatasetCase, expected, open_array, write

SHAPE = dict(width=24, height=20, tile_width=16, tile_height=16, tile_planes=2, dtype="uint8")
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def chown_tree(path, uid, gid):
    os.chown(path, uid, gid)
    for directory, names, files in os.walk(path):
        for name in names + files:
            os.chown(os.path.join(directory, name), uid, gid)


class Overwrite(DatasetCase):
    def test_a_dataset_this_user_cannot_remove_is_left_whole(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to make a dataset another user cannot remove")
        nobody = int(subprocess.check_output(["id", "-u", "nobody"]))
        nogroup = int(subprocess.check_output(["id", "-g", "nobody"]))
        os.chmod(self.dir, 0o755)  # nobody reaches the work directory
        parent = os.path.join(self.dir, "nobody")
        os.mkdir(parent)
        location = os.path.join(parent, "old.zarr")
        self.assertEqual(write(location, frames=5, **SHAPE).returncode, 0)
        chown_tree(parent, nobody, nogroup)
        chown_tree(os.path.join(location, "0"), 0, 0)  # 0/ and its chunks stay root's
        before = sorted(os.listdir(location))
        for attempt in range(3):
            with self.subTest(attempt=attempt):
                result = subprocess.run(
                    AS_NOBODY + [WRITER, f"--location={location}", "--frames=2", "--overwrite=1"]
                    + [f"--{k.replace('_', '-')}={v}" for k, v in SHAPE.items()],
                    capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("error open_failed:", result.stderr)
                self.assertIn(f"{location}/0 cannot be removed by this user", result.stderr)
                self.assertIn("nothing was removed", result.stderr)
                self.assertEqual(sorted(os.listdir(location)), before)
                self.assertEqual(os.listdir(parent), ["old.zarr"])  # no sibling, no lock left
                array = open_array(location)
                self.assertEqual(array.shape, (5, 1, 20, 24))
                np.testing.assert_array_equal(array[:], expected(5, 1, 20, 24, "uint8"))

    def test_a_successful_overwrite_leaves_only_the_new_dataset(self):
        location = os.path.join(self.dir, "run.zarr")
        self.assertEqual(write(location, frames=5, **SHAPE).returncode, 0)
        with open(os.path.join(location, "0", "old-leftover"), "w") as f:
            f.write("x")
        result = write(location, frames=3, overwrite=1, **SHAPE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(os.listdir(self.dir), ["run.zarr"])
        self.assertFalse(os.path.exists(os.path.join(location, "0", "old-leftover")))
        array = open_array(location)
        self.assertEqual(array.shape, (3, 1, 20, 24))
        np.testing.assert_array_equal(array[:], expected(3, 1, 20, 24, "uint8"))


if __name__ == "__main__":
    unittest.main()
