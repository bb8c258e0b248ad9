"""The tutorials' runnable examples: Python and C each record the seed
tutorial, and examples/zstack.py the dimensions tutorial's z stacks;
zarr-python checks what they wrote."""
import json
import os
import subprocess
import sys
import unittest

import numpy as np
import zarr

from zarrsink_testing import TempDir, assert_radial_sin, chunk_files, open_array, radial_sin


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


class OneMoreStep(zarr.DirectoryStore):
    """The dataset as stored, with array 0 one step longer along t: what a
    reader that enlarges the shape sees (read only: nothing is rewritten)."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if key == "0/.zarray":
            meta = json.loads(value)
            meta["shape"][0] += 1
            value = json.dumps(meta).encode()
        return value


class ZStackExample(unittest.TestCase):
    """examples/zstack.py: "t,c:channel:2,z:space:5" from 64x48 radial-sine
    frames at 7 ms, so no two of the frames recorded are alike and a frame
    stored at the wrong (t, c, z) cannot pass for the right one."""

    WIDTH, HEIGHT, PERIOD_S = 64, 48, 0.007
    CHANNELS, PLANES = 2, 5

    def record(self, location, frames):
        script = os.path.join(os.environ["ZARRSINK_EXAMPLES_DIR"], "zstack.py")
        result = subprocess.run([sys.executable, script, location, str(frames)], capture_output=True, text=True,
                                timeout=240)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def position(self, n):
        """(t, c, z) of camera frame n: z fastest, then c, then t."""
        per_step = self.CHANNELS * self.PLANES
        return n // per_step, n // self.PLANES % self.CHANNELS, n % self.PLANES

    def assert_frame(self, data, n):
        expected = radial_sin([n], self.WIDTH, self.HEIGHT, self.PERIOD_S)[0]
        got = data[self.position(n)].astype(np.float64)
        self.assertLessEqual(np.abs(got - expected).max(), 1, f"frame {n} at (t, c, z) = {self.position(n)}")

    def check_metadata(self, location, data, frames):
        per_step = self.CHANNELS * self.PLANES
        self.assertEqual(data.shape, (frames // per_step, self.CHANNELS, self.PLANES, self.HEIGHT, self.WIDTH))
        self.assertEqual(str(data.dtype), "uint8")
        acquisition = data.attrs["acquisition"]
        self.assertEqual(acquisition["dimensions"], [{"name": "t", "kind": "time", "size": None},
                                                     {"name": "c", "kind": "channel", "size": 2},
                                                     {"name": "z", "kind": "space", "size": 5}])
        self.assertEqual(acquisition["frames_per_step"], per_step)
        self.assertEqual(acquisition["frames_past_shape"], frames % per_step)
        self.assertEqual((acquisition["first_frame"], acquisition["frames_lost"]), (0, 0))
        multiscale = zarr.open_group(location, mode="r").attrs["multiscales"][0]
        self.assertEqual([(axis["name"], axis["type"], axis.get("unit")) for axis in multiscale["axes"]],
                         [("t", "time", "second"), ("c", "channel", None), ("z", "space", "micrometer"),
                          ("y", "space", "micrometer"), ("x", "space", "micrometer")])
        scale = multiscale["datasets"][0]["coordinateTransformations"][0]["scale"]
        # t: 10 frames of 7 ms per time point; z, y, x: the example's voxel size.
        self.assertEqual(len(scale), 5)
        for got, want in zip(scale, [0.07, 1.0, 2.0, 0.65, 0.65]):
            self.assertAlmostEqual(got, want, places=12)

    def test_whole_time_points(self):
        with TempDir() as tmp:
            location = f"{tmp}/zstack.zarr"
            output = self.record(location, 40)
            data = open_array(location)
            self.check_metadata(location, data, 40)
            for n in range(40):
                self.assert_frame(data, n)
            # What the example prints comes from the same dataset.
            self.assertIn("shape (4, 2, 5, 48, 64)", output)
            self.assertIn("its planes z = 0..4 are stored frames [10, 11, 12, 13, 14]", output)
            self.assertIn("scale: t 0.07 second, c 1, z 2 micrometer, y 0.65 micrometer, x 0.65 micrometer", output)

    def test_partial_time_point(self):
        # 37 frames: 3 whole time points, then channel 0's stack and 2 planes
        # of channel 1, stored past the shape.
        with TempDir() as tmp:
            location = f"{tmp}/partial.zarr"
            self.record(location, 37)
            data = open_array(location)
            self.check_metadata(location, data, 37)
            for n in range(30):
                self.assert_frame(data, n)
            enlarged = zarr.open_group(OneMoreStep(location, dimension_separator="/"), mode="r")["0"]
            self.assertEqual(enlarged.shape[0], 4)
            for n in range(37):
                self.assert_frame(enlarged, n)
            # The places of the frames never recorded read as the fill value.
            self.assertFalse(enlarged[3, 1, 2:].any())


if __name__ == "__main__":
    unittest.main()
