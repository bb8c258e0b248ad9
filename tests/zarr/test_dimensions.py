"""Acquisition dimensions written by the zarr/ library (write_dataset
--dimensions): frames folded into time points, channels and z stacks, stored
in OME-NGFF order, read back value by value with zarr-python (v2) and
zarrita (v3, sharded); partial stacks, a bounded append dimension, colour
frames, pyramids that halve z, and the OME-NGFF metadata against the schemas.

Frame n of write_dataset holds formula(n, colour, y, x) (zarr_testing.expected);
zarr_testing.placed() puts each frame where the dimensions say, independently
of the writer's code."""
import json
import os
import signal
import unittest

import numpy as np
import zarr

import zarr_testing as zt
from zarr_testing import halve_z, placed


class Dimensions(zt.DatasetCase):
    def attributes(self, location, path="0"):
        with open(os.path.join(location, path, ".zattrs")) as f:
            return json.load(f)

    def test_z_stacks_land_at_their_t_c_z_with_z_chunks_cut_unevenly(self):
        dims = [("t", "time", None), ("c", "channel", 2), ("z", "space", 5)]
        location = self.write(frames=33, width=16, height=12, tile_width=8, tile_height=8, tile_planes=2,
                              dimensions="t,c:channel:2,z:space:5:2", pixel_size_z=2.5, frame_interval=0.01)
        array = zt.open_array(location)
        self.assertEqual(array.shape, (3, 2, 5, 12, 16))
        self.assertEqual(array.chunks, (2, 1, 2, 8, 8))
        want, names = placed(33, dims, 12, 16)
        self.assertEqual(names, ["t", "c", "z"])
        np.testing.assert_array_equal(array[:], want)
        record = self.attributes(location)["acquisition"]
        self.assertEqual(record["frames_per_step"], 10)
        self.assertEqual(record["frames_past_shape"], 3)
        self.assertEqual([d["name"] for d in record["dimensions"]], ["t", "c", "z"])
        # The partial time point's 3 frames are in the chunks past the shape:
        # enlarging the shape by one shows them, the rest at the fill value.
        with open(os.path.join(location, "0", ".zarray")) as f:
            zarray = json.load(f)
        zarray["shape"][0] = 4
        with open(os.path.join(location, "0", ".zarray"), "w") as f:
            json.dump(zarray, f)
        store = zarr.DirectoryStore(location, dimension_separator="/")
        grown = zarr.open_group(store, mode="r")["0"][:]
        np.testing.assert_array_equal(grown, placed(33, dims, 12, 16, steps=4)[0])
        # OME-NGFF 0.4: axes t, c, z, y, x; z in micrometres at the z step, t at 10 frames a time point.
        root = zarr.open_group(location, mode="r").attrs.asdict()
        zt.ome_validator("0.4").validate(root)
        multiscale = root["multiscales"][0]
        self.assertEqual([a["name"] for a in multiscale["axes"]], ["t", "c", "z", "y", "x"])
        self.assertEqual(multiscale["axes"][2], {"name": "z", "type": "space", "unit": "micrometer"})
        scale = multiscale["datasets"][0]["coordinateTransformations"][0]["scale"]
        self.assertAlmostEqual(scale[0], 0.1)
        self.assertEqual(scale[1:], [1.0, 2.5, 1.0, 1.0])

    def test_acquisition_order_is_not_storage_order(self):
        # Channels alternate fastest at each z; storage is still (t, c, z).
        dims = [("t", "time", None), ("z", "space", 3), ("c", "channel", 2)]
        location = self.write(frames=12, width=8, height=6, dimensions="t,z:space:3,c:channel:2")
        want, names = placed(12, dims, 6, 8)
        self.assertEqual(names, ["t", "c", "z"])
        np.testing.assert_array_equal(zt.open_array(location)[:], want)

    def test_an_appended_z_grows_behind_the_channel_axis(self):
        dims = [("z", "space", None), ("c", "channel", 2)]
        location = self.write(frames=9, width=8, height=6, dimensions="z:space::2,c:channel:2")
        array = zt.open_array(location)
        self.assertEqual(array.shape, (2, 4, 6, 8))
        self.assertEqual(array.chunks, (1, 2, 6, 8))
        np.testing.assert_array_equal(array[:], placed(9, dims, 6, 8)[0])
        self.assertEqual(self.attributes(location)["acquisition"]["frames_past_shape"], 1)

    def test_a_short_recording_along_an_appended_z_stores_only_its_steps(self):
        # z grows behind c (chunk 1): its steps are a prefix of each chunk.
        location = self.write(frames=7, width=8, height=6, dimensions="z:space,c:channel:2")
        array = zt.open_array(location)
        self.assertEqual(array.shape, (2, 3, 6, 8))
        self.assertEqual(array.chunks, (1, 4, 6, 8))
        np.testing.assert_array_equal(array[:], placed(7, [("z", "space", None), ("c", "channel", 2)], 6, 8)[0])

    def test_a_stop_inside_a_stack_writes_only_the_chunks_its_frames_reached(self):
        location = self.write(frames=5, width=8, height=6, tile_planes=1, dimensions="t,z:space:200:1")
        self.assertEqual(sorted(zt.chunk_files(location)), [f"0/{z}/0/0" for z in range(5)])
        self.assertEqual(zt.open_array(location).shape, (0, 200, 6, 8))
        self.assertEqual(self.attributes(location)["acquisition"]["frames_past_shape"], 5)

    def test_lost_frames_keep_every_later_frame_at_its_place_in_the_stack(self):
        # Camera frames 4 and 7 are lost: the default gap policy for stacks
        # (auto) stores blanks for them, so frame n stays at (n // 3, n % 3).
        numbers = [n for n in range(12) if n not in (4, 7)]
        location = self.write(frame_numbers=",".join(map(str, numbers)), width=8, height=6,
                              dimensions="t,z:space:3")
        want = placed(12, [("t", "time", None), ("z", "space", 3)], 6, 8)[0]
        want[4 // 3, 4 % 3] = 0
        want[7 // 3, 7 % 3] = 0
        np.testing.assert_array_equal(zt.open_array(location)[:], want)
        record = self.attributes(location)["acquisition"]
        self.assertEqual(record["gap_policy"], "fill")
        self.assertEqual(record["lost_runs"], [[4, 1], [7, 1]])

    def test_a_custom_axis_beside_z_is_valid_ome(self):
        location = self.write(frames=12, width=8, height=6, dimensions="t,angle:other:2,z:space:3")
        root = zarr.open_group(location, mode="r").attrs.asdict()
        zt.ome_validator("0.4").validate(root)
        self.assertEqual(root["multiscales"][0]["axes"][1], {"name": "angle", "type": "other"})
        np.testing.assert_array_equal(
            zt.open_array(location)[:],
            placed(12, [("t", "time", None), ("angle", "other", 2), ("z", "space", 3)], 6, 8)[0])

    def test_colour_frames_come_fastest_along_the_channel_axis(self):
        dims = [("t", "time", None), ("c", "channel", 2)]
        location = self.write(frames=5, width=8, height=6, channels=3, dimensions="t,c:channel:2")
        array = zt.open_array(location)
        self.assertEqual(array.shape, (2, 6, 6, 8))
        np.testing.assert_array_equal(array[:], placed(5, dims, 6, 8, colours=3)[0])
        # No channel dimension: the colours get their own axis c.
        location = self.write(frames=4, width=8, height=6, channels=3, dimensions="t,z:space:2")
        array = zt.open_array(location)
        self.assertEqual(array.shape, (2, 3, 2, 6, 8))
        np.testing.assert_array_equal(array[:], placed(4, [("t", "time", None), ("z", "space", 2)], 6, 8,
                                                       colours=3)[0])

    def test_a_bounded_append_dimension_completes_the_recording(self):
        location = os.path.join(self.dir, "bounded.zarr")
        result = zt.write(location, frames=10, width=8, height=6, dimensions="t:time:2,z:space:3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("frames 6 ", result.stdout)
        array = zt.open_array(location)
        self.assertEqual(array.shape, (2, 3, 6, 8))
        np.testing.assert_array_equal(array[:], placed(6, [("t", "time", None), ("z", "space", 3)], 6, 8)[0])

    def test_sharded_v3_read_by_zarrita(self):
        dims = [("t", "time", None), ("c", "channel", 2), ("z", "space", 5)]
        location = self.write(frames=47, width=16, height=12, tile_width=8, tile_height=8, zarr_version=3,
                              dimensions="t:time::2:2,c:channel:2,z:space:5:2:3", chunks_per_shard_y=2,
                              pixel_size_z=0.5, frame_interval=0.02)
        got, dtype = zt.read_v3(location)
        self.assertEqual(dtype, "uint8")
        np.testing.assert_array_equal(got, placed(47, dims, 12, 16)[0])
        with open(os.path.join(location, "0", "zarr.json")) as f:
            metadata = json.load(f)
        self.assertEqual(metadata["dimension_names"], ["t", "c", "z", "y", "x"])
        self.assertEqual(metadata["chunk_grid"]["configuration"]["chunk_shape"], [4, 1, 6, 16, 8])
        # Inner chunks per shard: t 2, c 1, z 3, y 2, x 1.
        zt.check_shards(self, location, "0", 2 * 3 * 2)
        with open(os.path.join(location, "zarr.json")) as f:
            group = json.load(f)
        zt.ome_validator("0.5").validate(group["attributes"])
        scale = group["attributes"]["ome"]["multiscales"][0]["datasets"][0]["coordinateTransformations"][0]["scale"]
        self.assertAlmostEqual(scale[0], 0.2)
        self.assertEqual(scale[2], 0.5)

    def test_pyramid_halves_z_when_asked(self):
        dims = [("t", "time", None), ("z", "space", 5)]
        for version in (2, 3):
            with self.subTest(zarr_version=version):
                location = self.write(frames=10, width=32, height=32, tile_width=8, tile_height=8, multiscale=1,
                                      downsample_z=1, dimensions="t,z:space:5:2", zarr_version=version,
                                      pixel_size_z=2.0)
                level0 = placed(10, dims, 32, 32)[0]
                want = [level0]
                for _ in range(2):
                    want.append(halve_z(zt.downsample(want[-1], "mean"), 1))
                for k, expected in enumerate(want):
                    got = zt.read_v3(location, str(k))[0] if version == 3 else zt.open_array(location)[:] \
                        if k == 0 else zarr.open_group(location, mode="r")[str(k)][:]
                    self.assertEqual(got.shape, expected.shape, f"level {k}")
                    np.testing.assert_array_equal(got, expected, f"level {k}")
                if version == 2:
                    root = zarr.open_group(location, mode="r").attrs.asdict()
                    zt.ome_validator("0.4").validate(root)
                else:
                    with open(os.path.join(location, "zarr.json")) as f:
                        root = json.load(f)["attributes"]["ome"]
                    zt.ome_validator("0.5").validate({"ome": root})
                multiscale = root["multiscales"][0]
                z_scales = [d["coordinateTransformations"][0]["scale"][1] for d in multiscale["datasets"]]
                self.assertEqual(z_scales, [2.0, 2.0 * 5 / 3, 2.0 * 5 / 2])
                self.assertIn("then z", multiscale["metadata"]["description"])

    def test_killed_mid_stack_keeps_the_whole_stacks_it_published(self):
        dims = [("t", "time", None), ("z", "space", 5)]
        location = os.path.join(self.dir, "killed.zarr")
        result = zt.write(location, frames=40, width=8, height=6, tile_planes=1, dimensions="t,z:space:5",
                          kill_after_rows=3, sync=0)
        self.assertEqual(result.returncode, -signal.SIGKILL, result.stderr)
        array = zt.open_array(location)
        self.assertGreaterEqual(array.shape[0], 3)
        self.assertEqual(array.shape[1:], (5, 6, 8))
        np.testing.assert_array_equal(array[:], placed(array.shape[0] * 5, dims, 6, 8)[0])

    def test_refused_before_anything_is_written(self):
        for text, fragment in [("t,z:spce:5", "unknown kind"), ("t,z:space:0", "size is 0"), ("t,t", "named twice"),
                               ("t,y:space:2", "y and x"), ("t,z,w:space:2", "both of kind space")]:
            with self.subTest(dimensions=text):
                location = os.path.join(self.dir, "refused.zarr")
                result = zt.write(location, frames=2, dimensions=text)
                self.assertEqual(result.returncode, 2)
                self.assertIn('"dimensions"', result.stderr)
                self.assertIn(fragment, result.stderr)
                self.assertFalse(os.path.exists(os.path.join(location, ".zgroup")))


if __name__ == "__main__":
    unittest.main()
