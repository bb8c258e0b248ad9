"""Datasets written by the zarr/ library, read back value by value with
zarr-python 2.13 (an independent reader) and compared with numpy."""
import json
import os
import shutil
import unittest

import numpy as np
import zarr

import zarr_testing as zt


class Interop(unittest.TestCase):
    def setUp(self):
        self.dir = zt.work_dir()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def roundtrip(self, frames, width, height, channels=1, dtype="uint8", **options):
        location = os.path.join(self.dir, "data.zarr")
        result = zt.write(location, frames=frames, width=width, height=height, channels=channels, dtype=dtype,
                          **options)
        self.assertEqual(result.returncode, 0, result.stderr)
        array = zt.open_array(location)
        want = zt.expected(frames, channels, height, width, dtype)
        self.assertEqual(array.shape, want.shape)
        self.assertEqual(array.dtype, want.dtype)
        np.testing.assert_array_equal(array[:], want)
        return location, array

    def test_full_hd_with_256_tiles_has_ragged_edges(self):
        location, array = self.roundtrip(3, 1920, 1080, tile_width=256, tile_height=256, tile_planes=2,
                                         compressor="blosc-lz4")
        self.assertEqual(array.chunks, (2, 1, 256, 256))
        # 8 x 5 tiles per plane, 2 t-chunks; the last t-chunk is padded.
        self.assertEqual(len(zt.chunk_files(location)), 2 * 8 * 5)

    def test_seven_frames_with_four_planes_per_chunk(self):
        location, array = self.roundtrip(7, 40, 30, tile_width=16, tile_height=16, tile_planes=4)
        self.assertEqual(array.chunks, (4, 1, 16, 16))
        self.assertEqual(sorted(zt.chunk_files(location))[:3], ["0/0/0/0", "0/0/0/1", "0/0/0/2"])
        # Edge chunks are stored full size: 4*16*16 bytes uncompressed.
        self.assertEqual(os.path.getsize(os.path.join(location, "0", "1", "0", "1", "2")), 4 * 16 * 16)

    def test_data_types(self):
        for dtype in ["uint16", "int16", "float32", "int8"]:
            with self.subTest(dtype=dtype):
                location, _ = self.roundtrip(5, 33, 17, channels=2, dtype=dtype, tile_width=16, tile_height=8,
                                             tile_planes=2, compressor="blosc-zstd", shuffle="byte", overwrite=1)
                with open(os.path.join(location, "0", ".zarray")) as f:
                    written = json.load(f)["dtype"]
                self.assertEqual(written, {"uint16": "<u2", "int16": "<i2", "float32": "<f4", "int8": "|i1"}[dtype])

    def test_every_compressor_and_shuffle(self):
        for compressor in ["none", "blosc-lz4", "blosc-lz4hc", "blosc-blosclz", "blosc-zstd", "blosc-zlib"]:
            for shuffle in ["none", "byte", "bit"]:
                with self.subTest(compressor=compressor, shuffle=shuffle):
                    self.roundtrip(3, 50, 20, dtype="uint16", tile_width=32, tile_height=16, tile_planes=2,
                                   compressor=compressor, shuffle=shuffle, clevel=5, overwrite=1)

    def test_one_by_one_frames(self):
        _, array = self.roundtrip(10, 1, 1, tile_planes=4, compressor="blosc-lz4")
        self.assertEqual(array.chunks, (4, 1, 1, 1))

    def test_strided_source(self):
        self.roundtrip(5, 31, 9, dtype="uint16", row_padding=6, tile_width=8, tile_height=4, tile_planes=2)

    def test_interleaved_three_channel_source(self):
        self.roundtrip(4, 21, 11, channels=3, interleaved=1, tile_width=8, tile_height=8, tile_planes=3,
                       compressor="blosc-lz4")

    def test_big_endian_source_is_stored_little_endian(self):
        self.roundtrip(3, 12, 7, dtype="float32", big_endian=1, tile_planes=2)

    def test_short_recording_shrinks_the_t_chunk(self):
        location, array = self.roundtrip(10, 64, 32, tile_planes=64, compressor="blosc-lz4")
        self.assertEqual(array.chunks, (10, 1, 32, 64))
        self.assertEqual(zt.chunk_files(location), ["0/0/0/0"])

    def test_derived_plane_count(self):
        # 40 x 20 uint16 tiles are 1600 bytes: 10000 bytes per chunk give 6 planes.
        _, array = self.roundtrip(13, 40, 20, dtype="uint16", max_bytes_per_chunk=10000)
        self.assertEqual(array.chunks, (6, 1, 20, 40))

    def test_metadata_documents_and_unicode_user_metadata(self):
        user = {"operator": "J\u00f6rg \u6e2c\u5b9a", "exposure_ms": 12.5}
        location, array = self.roundtrip(2, 8, 6, compressor="blosc-zstd", clevel=3, shuffle="bit",
                                         metadata=json.dumps(user, ensure_ascii=False))
        for name in [".zgroup", ".zattrs", "0/.zarray", "0/.zattrs"]:
            with open(os.path.join(location, name), "rb") as f:
                self.assertTrue(all(b < 128 for b in f.read()), f"{name} has non-ASCII bytes")
        attributes = dict(array.attrs)
        record = attributes.pop("acquisition")
        self.assertEqual(attributes, user)
        self.assertEqual((record["first_frame"], record["frames_lost"], record["lost_runs"]), (0, 0, []))
        group = zarr.open_group(location, mode="r")
        self.assertEqual(dict(group.attrs)["multiscales"][0]["axes"],
                         [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"},
                          {"name": "y", "type": "space", "unit": "micrometer"},
                          {"name": "x", "type": "space", "unit": "micrometer"}])
        self.assertEqual(dict(group.attrs)["multiscales"][0]["datasets"],
                         [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1, 1]}]}])
        with open(os.path.join(location, "0", ".zarray")) as f:
            self.assertEqual(json.load(f), {
                "zarr_format": 2, "shape": [2, 1, 6, 8], "chunks": [2, 1, 6, 8], "dtype": "|u1",
                "compressor": {"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 0},
                "fill_value": 0, "order": "C", "filters": None, "dimension_separator": "/"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
