"""Zarr v2 pyramids written by the zarr/ library, every level read with
zarr-python 2.13 and compared exactly with the level recomputed in numpy
from level 0; the OME-NGFF 0.4 metadata validated against the schema."""
import json
import os
import unittest

import numpy as np
import zarr

import zarr_testing as zt


class MultiscaleV2(zt.DatasetCase):
    write_options = {"multiscale": 1}

    def test_every_level_equals_numpy_for_each_method_and_type(self):
        frames, width, height = 3, 75, 41
        for method in ["mean", "decimate", "min", "max"]:
            for dtype in ["uint8", "int8", "uint16", "int16", "float32"]:
                with self.subTest(method=method, dtype=dtype):
                    location = self.write(frames=frames, width=width, height=height, dtype=dtype, tile_width=10,
                                          tile_height=8, tile_planes=2, compressor="blosc-lz4",
                                          downsample_method=method)
                    group = zarr.open_group(location, mode="r")
                    level0 = group["0"][:]
                    np.testing.assert_array_equal(level0, zt.expected(frames, 1, height, width, dtype))
                    multiscale = dict(group.attrs)["multiscales"][0]
                    paths = [d["path"] for d in multiscale["datasets"]]
                    # 75x41 -> 38x21 -> 19x11 -> 10x6 (fits in a 10x8 tile).
                    self.assertEqual(paths, ["0", "1", "2", "3"])
                    for k, want in enumerate(zt.pyramid(level0, len(paths), method)):
                        got = group[paths[k]]
                        self.assertEqual(got.dtype, want.dtype)
                        np.testing.assert_array_equal(got[:], want, err_msg=f"level {k}")
                        self.assertEqual(got.chunks, (2, 1, min(8, want.shape[2]), min(10, want.shape[3])))
                    self.assertEqual(multiscale["type"], method)

    def test_big_endian_interleaved_and_strided_sources(self):
        # The pyramid is computed from what the caller hands over: byte-swapped,
        # channel-interleaved or padded rows must give the same levels.
        for options in [dict(big_endian=1, dtype="uint16"), dict(interleaved=1, channels=3, dtype="uint8"),
                        dict(row_padding=6, dtype="float32")]:
            with self.subTest(**options):
                channels = options.get("channels", 1)
                location = self.write(frames=5, width=37, height=23, tile_width=8, tile_height=8, tile_planes=2,
                                      **options)
                group = zarr.open_group(location, mode="r")
                level0 = group["0"][:]
                np.testing.assert_array_equal(level0, zt.expected(5, channels, 23, 37, options["dtype"]))
                levels = len(dict(group.attrs)["multiscales"][0]["datasets"])
                self.assertEqual(levels, 4)  # 37x23 -> 19x12 -> 10x6 -> 5x3
                for k, want in enumerate(zt.pyramid(level0, levels, "mean")):
                    np.testing.assert_array_equal(group[str(k)][:], want, err_msg=f"level {k}")

    def test_uint16_mean_near_the_top_does_not_overflow(self):
        # Blocks of the formula's values near 65535 sum past the uint16 range.
        location = self.write(frames=3, width=1100, height=1100, dtype="uint16", tile_width=512, tile_height=512,
                              tile_planes=2)
        group = zarr.open_group(location, mode="r")
        level0 = group["0"][:]
        block_sums = sum(level0[..., i::2, j::2].astype(np.int64) for i in (0, 1) for j in (0, 1))
        self.assertGreater(int(block_sums.max()), 4 * 65000)
        self.assertEqual(group["1"][:].tolist(), zt.downsample(level0, "mean").tolist())

    def test_ome_ngff_04_validates_with_every_dataset(self):
        location = self.write(frames=2, width=40, height=30, tile_width=16, tile_height=16, tile_planes=2,
                              pixel_size_x=0.5, pixel_size_y=0.5, frame_interval=0.02)
        with open(os.path.join(location, ".zattrs")) as f:
            attributes = json.load(f)
        zt.ome_validator("0.4").validate(attributes)
        multiscale = attributes["multiscales"][0]
        self.assertEqual(multiscale["version"], "0.4")
        self.assertEqual([a["name"] for a in multiscale["axes"]], ["t", "c", "y", "x"])
        self.assertEqual([a["type"] for a in multiscale["axes"]], ["time", "channel", "space", "space"])
        scales = [d["coordinateTransformations"][0]["scale"] for d in multiscale["datasets"]]
        # 40x30 -> 20x15 -> 10x8: the last y factor is 30/8, not 4.
        self.assertEqual(scales, [[0.02, 1, 0.5, 0.5], [0.02, 1, 1.0, 1.0], [0.02, 1, 0.5 * 30 / 8, 2.0]])
        for d in multiscale["datasets"]:
            self.assertTrue(os.path.isfile(os.path.join(location, d["path"], ".zarray")))
        broken = json.loads(json.dumps(attributes))
        broken["multiscales"][0]["axes"] = [{"name": "x", "type": "space"}]
        self.assertFalse(zt.ome_validator("0.4").is_valid(broken))


if __name__ == "__main__":
    unittest.main(verbosity=2)
