"""The zstd and gzip codecs, read back value by value by independent readers:
zarr-python 2.13 (numcodecs) for Zarr v2, zarrita (Node) for Zarr v3, every
data type, several levels; the stored chunks are checked to really be zstd
frames or gzip members, and the codec metadata to be exactly what those
readers expect."""
import gzip
import json
import os
import unittest

import numcodecs
import numpy as np

import zarr_testing as zt

DTYPES = ["uint8", "int8", "uint16", "int16", "float32"]
# First bytes of what each codec stores: a zstd frame, a gzip member.
MAGIC = {"zstd": b"\x28\xb5\x2f\xfd", "gzip": b"\x1f\x8b"}
LEVELS = {"zstd": [1, 22], "gzip": [0, 9]}


class Codecs(zt.DatasetCase):

    def chunk_paths(self, location):
        """Every chunk (or shard) file of array 0."""
        root = os.path.join(location, "0")
        paths = []
        for directory, _, files in os.walk(root):
            paths += [os.path.join(directory, n) for n in files if not n.startswith(".") and n != "zarr.json"]
        self.assertTrue(paths, f"no chunk files below {root}")
        return paths

    def assertChunksAre(self, location, compressor, sharded=False):
        for path in self.chunk_paths(location):
            with open(path, "rb") as f:
                data = f.read()
            # A shard starts with its first inner chunk.
            self.assertTrue(data.startswith(MAGIC[compressor]), f"{path} is not {compressor} data: {data[:8]!r}")
            if compressor == "gzip" and not sharded:
                gzip.decompress(data)  # Python's own gzip reads it too

    def test_v2_every_data_type_read_by_zarr_python(self):
        frames, channels, height, width = 5, 2, 21, 37  # ragged tiles and a partial last t-chunk
        for compressor, levels in LEVELS.items():
            for level in levels:
                for dtype in DTYPES:
                    with self.subTest(compressor=compressor, level=level, dtype=dtype):
                        location = self.write(frames=frames, channels=channels, height=height, width=width,
                                              dtype=dtype, tile_width=16, tile_height=8, tile_planes=2,
                                              compressor=compressor, clevel=level)
                        with open(os.path.join(location, "0", ".zarray")) as f:
                            zarray = json.load(f)
                        self.assertEqual(zarray["compressor"], {"id": compressor, "level": level})
                        self.assertIsNone(zarray["filters"])
                        array = zt.open_array(location)
                        expected_codec = numcodecs.Zstd(level=level) if compressor == "zstd" \
                            else numcodecs.GZip(level=level)
                        self.assertEqual(array.compressor, expected_codec)
                        want = zt.expected(frames, channels, height, width, dtype)
                        self.assertEqual(array.dtype, want.dtype)
                        np.testing.assert_array_equal(array[:], want)
                        self.assertChunksAre(location, compressor)

    def roundtrip_v3(self, frames, channels, height, width, dtype, **options):
        location = self.write(zarr_version=3, frames=frames, channels=channels, height=height, width=width,
                              dtype=dtype, **options)
        got, got_dtype = zt.read_v3(location, "0")
        want = zt.expected_with_zero_rows(frames, channels, height, width, dtype)
        self.assertEqual(got_dtype, dtype)
        np.testing.assert_array_equal(got, want)
        with open(os.path.join(location, "0", "zarr.json")) as f:
            return location, json.load(f)

    def v3_codec(self, compressor, level):
        configuration = {"level": level, "checksum": False} if compressor == "zstd" else {"level": level}
        return [{"name": "bytes", "configuration": {"endian": "little"}},
                {"name": compressor, "configuration": configuration}]

    def test_v3_every_data_type_read_by_zarrita(self):
        for compressor, levels in LEVELS.items():
            for level in levels:
                for dtype in DTYPES:
                    with self.subTest(compressor=compressor, level=level, dtype=dtype):
                        location, meta = self.roundtrip_v3(5, 2, 21, 37, dtype, tile_width=16, tile_height=8,
                                                           tile_planes=2, compressor=compressor, clevel=level)
                        self.assertEqual(meta["codecs"], self.v3_codec(compressor, level))
                        self.assertChunksAre(location, compressor)

    def test_v3_sharded_every_data_type_read_by_zarrita(self):
        for compressor, levels in LEVELS.items():
            for dtype in DTYPES:
                with self.subTest(compressor=compressor, dtype=dtype):
                    location, meta = self.roundtrip_v3(5, 1, 36, 50, dtype, tile_width=16, tile_height=16,
                                                       tile_planes=2, chunks_per_shard_t=2, chunks_per_shard_y=2,
                                                       chunks_per_shard_x=2, compressor=compressor,
                                                       clevel=levels[-1])
                    sharding = meta["codecs"][0]
                    self.assertEqual(sharding["name"], "sharding_indexed")
                    self.assertEqual(sharding["configuration"]["codecs"], self.v3_codec(compressor, levels[-1]))
                    zt.check_shards(self, location, "0", 8)
                    self.assertChunksAre(location, compressor, sharded=True)

    def test_levels_outside_the_codecs_range_are_refused(self):
        location = os.path.join(self.dir, "refused.zarr")
        for compressor, level, why in [("zstd", 0, "0 is not within 1..22 for zstd"),
                                       ("zstd", 23, "23 is not within 1..22 for zstd"),
                                       ("gzip", 10, "10 is not within 0..9 for gzip")]:
            with self.subTest(compressor=compressor, level=level):
                result = zt.write(location, compressor=compressor, clevel=level)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f'error invalid_setting: invalid setting "clevel": {why}', result.stderr)
                self.assertFalse(os.path.exists(location))


if __name__ == "__main__":
    unittest.main(verbosity=2)
