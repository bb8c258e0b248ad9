"""scripts/record.sh, the README's record command: it never replaces a
dataset it was not asked to (refuses, says how, leaves it whole), resolves a
relative location against the caller's directory, its default location
records again and again, and it shows the recording's progress. Runs the
real script and its recorder (examples/record_with_progress.py) in a copy of
the repository whose setup step is a no-op and whose build/gst is this
build's plugins."""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import zarr

REPOSITORY = os.environ["RECORD_TEST_REPOSITORY"]
PLUGINS = os.environ["GST_PLUGIN_PATH_1_0"]


def frames_in(location):
    return zarr.open_group(location, mode="r")["0"]


class RecordScript(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="record-test-")
        self.repo = os.path.join(self.work, "repo")
        os.makedirs(os.path.join(self.repo, "scripts"))
        os.makedirs(os.path.join(self.repo, "build"))
        os.makedirs(os.path.join(self.repo, "examples"))
        shutil.copy(os.path.join(REPOSITORY, "scripts", "record.sh"), os.path.join(self.repo, "scripts"))
        shutil.copy(os.path.join(REPOSITORY, "examples", "record_with_progress.py"),
                    os.path.join(self.repo, "examples"))
        with open(os.path.join(self.repo, "scripts", "setup.sh"), "w") as f:
            f.write("true\n")
        os.symlink(PLUGINS, os.path.join(self.repo, "build", "gst"))
        self.elsewhere = os.path.join(self.work, "elsewhere")
        os.mkdir(self.elsewhere)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def record(self, *args):
        return subprocess.run(["bash", os.path.join(self.repo, "scripts", "record.sh"), *args], cwd=self.elsewhere,
                              capture_output=True, text=True, timeout=120)

    def test_an_existing_dataset_is_refused_and_left_whole_unless_overwrite(self):
        precious = os.path.join(self.elsewhere, "precious.zarr")
        made = subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=3", "!",
                               "video/x-raw,format=GRAY8,width=32,height=16", "!", "zarrsink",
                               f"location={precious}"], capture_output=True, text=True, timeout=60)
        self.assertEqual(made.returncode, 0, made.stderr)
        before = frames_in(precious)[:]
        for attempt in range(2):
            result = self.record("precious.zarr")
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn(f"{precious} already exists", result.stderr)
            self.assertIn("--overwrite", result.stderr)
            np.testing.assert_array_equal(frames_in(precious)[:], before)
        result = self.record("--overwrite", "precious.zarr")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"Recorded 10 frames into {precious}", result.stdout)
        self.assertEqual(frames_in(precious).shape, (10, 1, 1080, 1920))

    def test_a_relative_location_is_the_callers_and_the_default_records_twice(self):
        result = self.record("rel.zarr")
        self.assertEqual(result.returncode, 0, result.stderr)
        here = os.path.join(self.elsewhere, "rel.zarr")
        self.assertIn(f"Recorded 10 frames into {here}", result.stdout)
        self.assertEqual(frames_in(here).shape[0], 10)
        # The progress, on stderr (not a terminal: plain lines), ends with every frame on disk.
        progress = [line for line in result.stderr.splitlines() if "frames on disk" in line]
        self.assertTrue(progress, result.stderr)
        self.assertIn(" 10 frames on disk", progress[-1])
        self.assertIn("0 dropped", progress[-1])
        self.assertFalse(os.path.exists(os.path.join(self.repo, "rel.zarr")))
        for run in range(2):
            result = self.record()
            self.assertEqual(result.returncode, 0, result.stderr)
            demo = os.path.join(self.repo, "out.zarr")
            self.assertIn(f"Recorded 10 frames into {demo}", result.stdout)
            self.assertEqual(frames_in(demo).shape[0], 10)


if __name__ == "__main__":
    unittest.main()
