"""One writer per dataset, across processes (zarr/dataset_lock): while one
write_dataset records (paused mid-recording), a second one on the same
location, with or without overwrite, is refused with the busy error naming
the location and the holder's pid, and changes nothing; the first then
finishes and its dataset reads back whole and right."""
import os
import subprocess
import unittest

import numpy as np

from zarr_testing import WRITER, DatasetCase, expected, open_array, write

SHAPE = dict(width=40, height=30, tile_width=16, tile_height=16, dtype="uint16")


class TwoProcesses(DatasetCase):
    def test_second_process_is_refused_and_the_first_finishes_untouched(self):
        for attempt in range(3):
            with self.subTest(attempt=attempt):
                location = os.path.join(self.dir, f"run{attempt}.zarr")
                resume = os.path.join(self.dir, f"resume{attempt}")
                first = subprocess.Popen(
                    [WRITER, f"--location={location}", "--frames=10", "--tile-planes=4", "--pause-after-frames=6",
                     f"--resume-file={resume}"] + [f"--{k.replace('_', '-')}={v}" for k, v in SHAPE.items()],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                try:
                    self.assertEqual(first.stdout.readline().strip(), "paused")
                    for overwrite in (0, 1):
                        second = write(location, frames=3, tile_planes=3, overwrite=overwrite, **SHAPE)
                        self.assertEqual(second.returncode, 2, second.stderr)
                        self.assertIn("error busy:", second.stderr)
                        self.assertIn(location, second.stderr)
                        self.assertIn(f"pid {first.pid} on host", second.stderr)
                finally:
                    open(resume, "w").close()
                    out, err = first.communicate(timeout=60)
                self.assertEqual(first.returncode, 0, err)
                array = open_array(location)
                self.assertEqual(array.shape, (10, 1, 30, 40))
                self.assertEqual(array.chunks[0], 4)  # the first writer's chunking, not the second's
                np.testing.assert_array_equal(array[:], expected(10, 1, 30, 40, "uint16"))
                # The lock file is gone with its writer; nothing else was left next to the dataset.
                self.assertEqual(sorted(n for n in os.listdir(self.dir) if n.startswith(f".run{attempt}")), [])


if __name__ == "__main__":
    unittest.main()
