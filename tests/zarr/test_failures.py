"""How the zarr/ library fails: refusals that remove nothing, full disks,
read-only filesystems, bad settings, and a crash mid-recording after which
zarr-python still reads every completed row."""
import os
import shutil
import signal
import unittest

import numpy as np

import zarr_testing as zt


class Failures(unittest.TestCase):
    def setUp(self):
        self.dir = zt.work_dir()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def assertFails(self, result, code, *fragments):
        self.assertEqual(result.returncode, 2, f"expected a failure, got: {result.stdout} {result.stderr}")
        self.assertIn(f"error {code}:", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)

    def assertHolds(self, location, frames, **shape):
        array = zt.open_array(location)
        want = zt.expected(frames, 1, shape.get("height", 48), shape.get("width", 64), "uint8")
        np.testing.assert_array_equal(array[:], want)

    def test_existing_dataset_is_kept_without_overwrite(self):
        location = os.path.join(self.dir, "run.zarr")
        self.assertEqual(zt.write(location, frames=3).returncode, 0)
        self.assertFails(zt.write(location, frames=5), "already_exists", location, "overwrite")
        self.assertHolds(location, 3)

    def test_overwrite_replaces_a_zarr_dataset(self):
        location = os.path.join(self.dir, "run.zarr")
        self.assertEqual(zt.write(location, frames=7, tile_planes=2).returncode, 0)
        self.assertEqual(zt.write(location, frames=2, tile_planes=2, overwrite=1).returncode, 0)
        self.assertHolds(location, 2)
        self.assertEqual(sorted(zt.chunk_files(location)), ["0/0/0/0"])

    def test_overwrite_refuses_a_directory_that_is_not_zarr(self):
        location = os.path.join(self.dir, "photos")
        os.makedirs(location)
        precious = os.path.join(location, "holiday.jpg")
        with open(precious, "w") as f:
            f.write("keep me")
        self.assertFails(zt.write(location, overwrite=1), "already_exists", location, "nothing was removed")
        with open(precious) as f:
            self.assertEqual(f.read(), "keep me")

    def test_location_that_is_a_file_is_refused(self):
        location = os.path.join(self.dir, "file.zarr")
        with open(location, "w") as f:
            f.write("not a dataset")
        for overwrite in (0, 1):
            self.assertFails(zt.write(location, overwrite=overwrite), "already_exists", location)
        with open(location) as f:
            self.assertEqual(f.read(), "not a dataset")

    def test_missing_parents_are_created_and_empty_directory_is_used(self):
        location = os.path.join(self.dir, "a", "b", "c.zarr")
        self.assertEqual(zt.write(location, frames=2).returncode, 0)
        self.assertHolds(location, 2)
        empty = os.path.join(self.dir, "empty")
        os.makedirs(empty)
        self.assertEqual(zt.write(empty, frames=1).returncode, 0)
        self.assertHolds(empty, 1)

    def test_bad_settings_name_the_setting(self):
        location = os.path.join(self.dir, "bad.zarr")
        cases = [
            (dict(width=0), "width"),
            (dict(height=70000), "height"),
            (dict(channels=0), "channels"),
            (dict(compressor="blosc-lz4", clevel=12), "clevel"),
            (dict(tile_planes=0, max_bytes_per_chunk=0), "\"max-bytes-per-chunk\""),
            (dict(metadata="[1, 2]"), "must be a JSON object"),
            (dict(metadata="{\"a\": }"), "parse error"),
        ]
        for options, fragment in cases:
            with self.subTest(**{k: str(v) for k, v in options.items()}):
                self.assertFails(zt.write(location, **options), "invalid_setting", fragment)
        self.assertFalse(os.path.exists(location), "a refused setting must not create the location")

    def test_read_only_filesystem(self):
        mount = os.path.join(self.dir, "ro")
        with zt.mounted(self, mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", read_only=True):
            location = os.path.join(mount, "sub", "run.zarr")
            self.assertFails(zt.write(location), "open_failed", os.path.join(mount, "sub"), "Read-only file system")

    def test_full_disk_reports_no_space_and_keeps_completed_rows(self):
        mount = os.path.join(self.dir, "small")
        with zt.mounted(self, mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
            location = os.path.join(mount, "run.zarr")
            # 256 KiB per chunk uncompressed: the fourth or so does not fit.
            result = zt.write(location, frames=20, width=512, height=256, tile_planes=2, sync=0)
            self.assertFails(result, "no_space", location, "No space left on device")
            array = zt.open_array(location)
            self.assertEqual(array.shape[0] % 2, 0)
            np.testing.assert_array_equal(array[:], zt.expected(array.shape[0], 1, 256, 512, "uint8"))

    def test_crash_keeps_every_completed_row(self):
        location = os.path.join(self.dir, "crash.zarr")
        result = zt.write(location, frames=40, width=96, height=64, tile_width=32, tile_height=32, tile_planes=3,
                          compressor="blosc-lz4", kill_after_rows=4)
        self.assertEqual(result.returncode, -signal.SIGKILL, result.stderr)
        array = zt.open_array(location)
        self.assertGreaterEqual(array.shape[0], 12)
        self.assertLess(array.shape[0], 40)
        np.testing.assert_array_equal(array[:], zt.expected(array.shape[0], 1, 64, 96, "uint8"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
