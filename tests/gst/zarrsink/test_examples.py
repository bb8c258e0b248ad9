"""The tutorial's runnable examples (Python and C) each record the seed
tutorial; zarr-python checks what they wrote."""
import os
import subprocess
import sys
import unittest

from zarrsink_testing import TempDir, assert_radial_sin, chunk_files, open_array


class Examples(unittest.TestCase):
    def check_recording(self, command, location):
        result = subprocess.run(command, capture_output=True, text=True, timeout=240)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        array = open_array(location)
        self.assertEqual(array.shape, (10, 1, 1080, 1920))
        self.assertEqual(str(array.dtype), "uint8")
        self.assertEqual(array.chunks, (10, 1, 540, 960))  # shorter than one 64-plane chunk
        self.assertEqual(len(chunk_files(location)), 4)
        # A live camera starts when the pipeline asks for the first frame:
        # stored frame n is camera frame n, the tutorial's check.
        assert_radial_sin(array[:], 1920, 1080, 0.05)

    def test_python_example(self):
        with TempDir() as tmp:
            script = os.path.join(os.environ["ZARRSINK_EXAMPLES_DIR"], "chunked.py")
            self.check_recording([sys.executable, script, f"{tmp}/py.zarr"], f"{tmp}/py.zarr")

    def test_c_example(self):
        with TempDir() as tmp:
            self.check_recording([os.environ["ZARRSINK_C_EXAMPLE"], f"{tmp}/c.zarr"], f"{tmp}/c.zarr")


if __name__ == "__main__":
    unittest.main()
