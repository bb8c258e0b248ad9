"""The frame record and the frame table, read back by zarr-python (v2) and
zarrita (v3): which camera frame each stored frame is, its times, and the
lost frames, with gap-policy record and fill."""
import json
import os
import shutil
import unittest

import numpy as np
import zarr

import zarr_testing as zt

# Camera frames 0-2, 6-7 and 19-20 are lost.
NUMBERS = [3, 4, 5, 8, 9, 20, 21]
WIDTH, HEIGHT = 8, 6


def frames_of(numbers):
    """write_dataset's pixels of camera frames `numbers` (t, 1, y, x)."""
    return zt.expected(max(numbers) + 1, 1, HEIGHT, WIDTH, "uint8")[numbers]


class FrameRecord(unittest.TestCase):
    def setUp(self):
        self.dir = zt.work_dir()
        self.location = os.path.join(self.dir, "record.zarr")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, **options):
        result = zt.write(self.location, width=WIDTH, height=HEIGHT, tile_planes=2, frame_interval=0.001,
                          frame_numbers=",".join(map(str, NUMBERS)), **options)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_record_lists_gaps_and_the_table_every_frame(self):
        result = self.write(frame_table=1)
        self.assertIn("lost 12", result.stdout)
        group = zarr.open_group(self.location, mode="r")
        self.assertEqual(sorted(group.keys()), ["0", "frames"])
        image = group["0"]
        np.testing.assert_array_equal(image[:], frames_of(NUMBERS))
        record = image.attrs["acquisition"]
        self.assertEqual(record["first_frame"], 3)
        self.assertEqual(record["lost_runs"], [[3, 2], [5, 10]])
        self.assertEqual(record["frames_lost"], 12)
        self.assertEqual(record["gap_policy"], "record")
        self.assertFalse(record["evenly_spaced"])
        self.assertEqual(record["frame_table"], "frames")
        self.assertEqual(image.shape[0] + record["frames_lost"], NUMBERS[-1] - NUMBERS[0] + 1)
        # The documented formula gives back every frame's number.
        runs = record["lost_runs"]
        numbers = [record["first_frame"] + i + sum(m for index, m in runs if index <= i) for i in range(7)]
        self.assertEqual(numbers, NUMBERS)

        table = group["frames"]
        np.testing.assert_array_equal(table["number"][:], NUMBERS)
        self.assertEqual(table["number"].dtype, np.uint64)
        np.testing.assert_array_equal(table["time"][:], np.array(NUMBERS) * 1000000)
        np.testing.assert_array_equal(table["camera_time"][:], np.array(NUMBERS) * 1000 + 7)
        np.testing.assert_array_equal(table["flags"][:], [0, 0, 0, 1, 0, 1, 0])
        self.assertEqual(table["number"].chunks, (2,))
        self.assertEqual(table["time"].attrs["unit"], "nanosecond")

        # The OME time scale is the frame interval; the multiscale says it is not each frame's time.
        attributes = dict(group.attrs)
        zt.ome_validator("0.4").validate(attributes)
        self.assertIn("not evenly spaced", attributes["multiscales"][0]["metadata"]["time"])

    def test_without_table_the_group_keeps_one_member(self):
        self.write()
        group = zarr.open_group(self.location, mode="r")
        self.assertEqual(sorted(group.keys()), ["0"])
        self.assertEqual(group["0"].attrs["acquisition"]["lost_runs"], [[3, 2], [5, 10]])
        self.assertNotIn("frame_table", group["0"].attrs["acquisition"])

    def test_fill_keeps_index_t_camera_frame_first_plus_t_v3_sharded(self):
        self.write(gap_policy="fill", frame_table=1, zarr_version=3, chunks_per_shard_t=2)
        image, _, attributes = zt.read_v3(self.location, "0", with_attributes=True)
        first, last = NUMBERS[0], NUMBERS[-1]
        self.assertEqual(image.shape, (last - first + 1, 1, HEIGHT, WIDTH))
        stored = [n - first for n in NUMBERS]
        np.testing.assert_array_equal(image[stored], frames_of(NUMBERS))
        filled = [i for i in range(image.shape[0]) if i not in stored]
        self.assertTrue((image[filled] == 0).all())
        record = attributes["acquisition"]
        self.assertEqual(record["lost_runs"], [[3, 2], [7, 10]])
        self.assertEqual(record["frames_lost"], 12)
        self.assertTrue(record["evenly_spaced"])

        numbers, dtype = zt.read_v3(self.location, "frames/number")
        self.assertEqual(dtype, "uint64")
        np.testing.assert_array_equal(numbers, np.arange(first, last + 1))
        flags, _ = zt.read_v3(self.location, "frames/flags")
        np.testing.assert_array_equal(np.nonzero(flags & 4)[0], filled)
        times, _ = zt.read_v3(self.location, "frames/time")
        # Filled frames get the time they would have had (1 ms a frame here).
        np.testing.assert_array_equal(times, np.arange(first, last + 1) * 1000000)
        with open(os.path.join(self.location, "zarr.json")) as f:
            zt.ome_validator("0.5").validate(json.load(f)["attributes"])

    def test_killed_writer_leaves_table_and_image_in_step(self):
        for version in (2, 3):
            with self.subTest(zarr_version=version):
                shutil.rmtree(self.location, ignore_errors=True)
                result = zt.write(self.location, width=WIDTH, height=HEIGHT, tile_planes=2, frame_table=1,
                                  zarr_version=version, frames=40, kill_after_rows=3)
                self.assertEqual(result.returncode, -9, result.stderr)
                if version == 2:
                    group = zarr.open_group(self.location, mode="r")
                    image, numbers = group["0"][:], group["frames/number"][:]
                else:
                    image, _ = zt.read_v3(self.location, "0")
                    numbers, _ = zt.read_v3(self.location, "frames/number")
                self.assertGreaterEqual(image.shape[0], 6)
                np.testing.assert_array_equal(numbers, np.arange(image.shape[0]))

    def test_user_metadata_may_not_take_the_records_key(self):
        result = zt.write(self.location, width=WIDTH, height=HEIGHT, metadata='{"acquisition": 1}')
        self.assertEqual(result.returncode, 2)
        self.assertIn("metadata", result.stderr)
        self.assertIn("acquisition", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
