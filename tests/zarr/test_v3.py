"""Zarr v3 datasets written by the zarr/ library (sharded and not, every
compressor, ragged shards, pyramids), read back value by value with the npm
zarrita reader; every shard index CRC32C checked here, since zarrita does not;
the OME-NGFF 0.5 metadata validated against the official schema."""
import json
import os
import shutil
import unittest

import numpy as np

import zarr_testing as zt


class V3(unittest.TestCase):
    def setUp(self):
        self.dir = zt.work_dir()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, frames, width, height, channels=1, dtype="uint8", **options):
        location = os.path.join(self.dir, "data.zarr")
        shutil.rmtree(location, ignore_errors=True)
        result = zt.write(location, zarr_version=3, frames=frames, width=width, height=height, channels=channels,
                          dtype=dtype, **options)
        self.assertEqual(result.returncode, 0, result.stderr)
        return location

    def metadata(self, location, path="0"):
        with open(os.path.join(location, path, "zarr.json")) as f:
            return json.load(f)

    def roundtrip(self, frames, width, height, channels=1, dtype="uint8", zero_from_y=None, **options):
        if zero_from_y is not None:
            options["zero_from_y"] = zero_from_y
        location = self.write(frames, width, height, channels, dtype, **options)
        got, got_dtype = zt.read_v3(location, "0")
        want = zt.expected_with_zero_rows(frames, channels, height, width, dtype, zero_from_y)
        self.assertEqual(got_dtype, dtype)
        self.assertEqual(got.shape, want.shape)
        np.testing.assert_array_equal(got, want)
        meta = self.metadata(location)
        self.assertEqual(meta["dimension_names"], ["t", "c", "y", "x"])
        self.assertEqual(meta["shape"], [frames, channels, height, width])
        return location, meta

    def test_unsharded_every_compressor(self):
        for compressor in ["none", "blosc-lz4", "blosc-lz4hc", "blosc-blosclz", "blosc-zstd", "blosc-zlib"]:
            for shuffle in ["none", "byte", "bit"]:
                with self.subTest(compressor=compressor, shuffle=shuffle):
                    location, meta = self.roundtrip(3, 50, 20, dtype="uint16", tile_width=32, tile_height=16,
                                                    tile_planes=2, compressor=compressor, shuffle=shuffle, clevel=5)
                    self.assertEqual(meta["codecs"][0], {"name": "bytes", "configuration": {"endian": "little"}})
                    self.assertEqual(len(meta["codecs"]), 1 if compressor == "none" else 2)
                    # 2 t-chunks x 2 x 2 tiles, keys 0/c/t/c/y/x.
                    self.assertTrue(os.path.isfile(os.path.join(location, "0", "c", "1", "0", "1", "1")))

    def test_sharded_every_compressor(self):
        for compressor in ["none", "blosc-lz4", "blosc-lz4hc", "blosc-blosclz", "blosc-zstd", "blosc-zlib"]:
            with self.subTest(compressor=compressor):
                location, meta = self.roundtrip(5, 50, 36, dtype="uint16", tile_width=16, tile_height=16,
                                                tile_planes=2, chunks_per_shard_t=2, chunks_per_shard_y=2,
                                                chunks_per_shard_x=2, compressor=compressor, shuffle="bit")
                self.assertEqual(meta["codecs"][0]["name"], "sharding_indexed")
                self.assertEqual(meta["chunk_grid"]["configuration"]["chunk_shape"], [4, 1, 32, 32])
                zt.check_shards(self, location, "0", 8)

    def test_data_types_sharded(self):
        for dtype in ["uint8", "int8", "uint16", "int16", "float32"]:
            with self.subTest(dtype=dtype):
                location, _ = self.roundtrip(5, 33, 17, channels=2, dtype=dtype, tile_width=16, tile_height=8,
                                             tile_planes=2, chunks_per_shard_y=2, chunks_per_shard_x=2,
                                             compressor="blosc-zstd")
                zt.check_shards(self, location, "0", 4)

    def test_full_hd_with_256_chunks_and_4x4_shards(self):
        location, _ = self.roundtrip(3, 1920, 1080, tile_width=256, tile_height=256, tile_planes=2,
                                     chunks_per_shard_y=4, chunks_per_shard_x=4, compressor="blosc-lz4")
        absent = zt.check_shards(self, location, "0", 16)
        # 8 x 5 chunks per plane in 2 x 2 shards per t-chunk, 2 t-chunks.
        self.assertEqual(len(absent), 2 * 2 * 2)
        self.assertEqual(absent["0/0/0/0"], 0)
        self.assertEqual(absent["0/0/1/1"], 12)  # chunk row 4 of 4..7 exists, columns 4..7: 4 of 16
        self.assertEqual(absent["1/0/1/0"], 12)

    def test_seven_frames_four_plane_chunks_two_chunk_shards_along_t(self):
        location, meta = self.roundtrip(7, 40, 30, tile_width=16, tile_height=16, tile_planes=4,
                                        chunks_per_shard_t=2)
        self.assertEqual(meta["chunk_grid"]["configuration"]["chunk_shape"], [8, 1, 16, 16])
        absent = zt.check_shards(self, location, "0", 2)
        self.assertEqual(sorted(absent), ["0/0/%d/%d" % (y, x) for y in range(2) for x in range(3)])
        self.assertTrue(all(n == 0 for n in absent.values()))

    def test_last_partial_shard_along_t_has_a_correct_index(self):
        # 7 frames, 2-plane chunks, 3 per shard (6 frames): the last shard
        # holds one inner t-chunk with 1 frame (padded); its other two inner
        # t-chunks are outside the array.
        location, _ = self.roundtrip(7, 20, 10, tile_planes=2, chunks_per_shard_t=3, compressor="blosc-lz4")
        absent = zt.check_shards(self, location, "0", 3)
        self.assertEqual(absent, {"0/0/0/0": 0, "1/0/0/0": 2})

    def test_all_fill_chunks_are_left_out(self):
        location, _ = self.roundtrip(2, 32, 32, tile_width=8, tile_height=8, tile_planes=2, chunks_per_shard_y=4,
                                     chunks_per_shard_x=4, zero_from_y=16)
        absent = zt.check_shards(self, location, "0", 16)
        self.assertEqual(absent, {"0/0/0/0": 8})
        # A shard of nothing but fill is not written at all.
        location, _ = self.roundtrip(2, 32, 32, tile_width=8, tile_height=8, tile_planes=2, chunks_per_shard_y=2,
                                     chunks_per_shard_x=2, zero_from_y=16)
        self.assertEqual(sorted(zt.check_shards(self, location, "0", 4)), ["0/0/0/0", "0/0/0/1"])

    def test_short_recording_shrinks_the_t_chunk(self):
        _, meta = self.roundtrip(10, 64, 32, tile_planes=64, chunks_per_shard_x=2, tile_width=16)
        self.assertEqual(meta["codecs"][0]["configuration"]["chunk_shape"], [10, 1, 32, 16])
        self.assertEqual(meta["chunk_grid"]["configuration"]["chunk_shape"], [10, 1, 32, 32])

    def test_killed_writer_leaves_whole_shard_rows(self):
        # SIGKILL as soon as the first shard row (4 frames) is announced: the
        # dataset then holds whole shard rows only, every shard index intact.
        # (The announcement is made with no library lock held, so a worker
        # may publish the next row of level 0 before the kill lands.)
        location = os.path.join(self.dir, "killed.zarr")
        result = zt.write(location, zarr_version=3, frames=40, width=40, height=30, tile_width=16, tile_height=16,
                          tile_planes=2, chunks_per_shard_t=2, chunks_per_shard_y=2, compressor="blosc-lz4",
                          multiscale=1, kill_after_rows=1)
        self.assertEqual(result.returncode, -9, result.stderr)
        got, _ = zt.read_v3(location, "0")
        self.assertIn(got.shape[0], (4, 8))
        np.testing.assert_array_equal(got, zt.expected_with_zero_rows(got.shape[0], 1, 30, 40, "uint8"))
        for level in ["0", "1"]:
            self.assertGreaterEqual(zt.read_v3(location, level)[0].shape[0], 4)
            zt.check_shards(self, location, level, 4, allow_partial=True)

    def test_user_metadata_in_attributes(self):
        user = {"operator": "J\u00f6rg", "exposure_ms": 12.5}
        location, meta = self.roundtrip(2, 8, 6, metadata=json.dumps(user, ensure_ascii=False))
        attributes = dict(meta["attributes"])
        record = attributes.pop("acquisition")
        self.assertEqual(attributes, user)
        self.assertEqual((record["first_frame"], record["frames_lost"], record["lost_runs"]), (0, 0, []))
        for name in ["zarr.json", "0/zarr.json"]:
            with open(os.path.join(location, name), "rb") as f:
                self.assertTrue(all(b < 128 for b in f.read()), f"{name} has non-ASCII bytes")

    def test_multiscale_every_method(self):
        frames, width, height = 3, 101, 67
        for method in ["mean", "decimate", "min", "max"]:
            for dtype in ["uint16", "float32"]:
                with self.subTest(method=method, dtype=dtype):
                    location, _ = self.roundtrip(frames, width, height, dtype=dtype, tile_width=16, tile_height=16,
                                                 tile_planes=2, chunks_per_shard_y=2, chunks_per_shard_x=2,
                                                 compressor="blosc-lz4", multiscale=1, downsample_method=method,
                                                 frame_interval=0.05, pixel_size_x=0.5, pixel_size_y=0.25)
                    group = self.metadata(location, "")
                    self.assertEqual(group["node_type"], "group")
                    ome = group["attributes"]["ome"]
                    datasets = ome["multiscales"][0]["datasets"]
                    # 101x67 -> 51x34 -> 26x17 -> 13x9 (fits in a 16x16 tile).
                    self.assertEqual([d["path"] for d in datasets], ["0", "1", "2", "3"])
                    want = zt.pyramid(zt.expected_with_zero_rows(frames, 1, height, width, dtype), 4, method)
                    for k, level in enumerate(want):
                        got, _ = zt.read_v3(location, str(k))
                        np.testing.assert_array_equal(got, level, err_msg=f"level {k}")
                        meta = self.metadata(location, str(k))
                        self.assertEqual(meta["dimension_names"], ["t", "c", "y", "x"])
                        self.assertEqual(meta["shape"], list(level.shape))
                        zt.check_shards(self, location, str(k), 4)
                        scale = datasets[k]["coordinateTransformations"][0]["scale"]
                        self.assertAlmostEqual(scale[2], 0.25 * height / level.shape[2])
                        self.assertAlmostEqual(scale[3], 0.5 * width / level.shape[3])
                        self.assertEqual(scale[:2], [0.05, 1])
                    self.assertEqual(ome["multiscales"][0]["type"], method)
                    self.assertIn(method, ome["multiscales"][0]["metadata"]["method"])

    def test_ome_ngff_05_validates(self):
        location, _ = self.roundtrip(2, 40, 30, tile_width=16, tile_height=16, tile_planes=2, multiscale=1,
                                     frame_interval=0.1)
        group = self.metadata(location, "")
        zt.ome_validator("0.5").validate(group["attributes"])
        ome = group["attributes"]["ome"]
        self.assertEqual(ome["version"], "0.5")
        multiscale = ome["multiscales"][0]
        self.assertEqual([a["name"] for a in multiscale["axes"]], ["t", "c", "y", "x"])
        self.assertEqual([a["type"] for a in multiscale["axes"]], ["time", "channel", "space", "space"])
        self.assertEqual(multiscale["axes"][0]["unit"], "second")
        for dataset in multiscale["datasets"]:
            self.assertEqual(self.metadata(location, dataset["path"])["dimension_names"],
                             [a["name"] for a in multiscale["axes"]])
        # A broken document is refused, so the validation above means something.
        broken = json.loads(json.dumps(group["attributes"]))
        del broken["ome"]["multiscales"][0]["datasets"]
        self.assertFalse(zt.ome_validator("0.5").is_valid(broken))


if __name__ == "__main__":
    unittest.main(verbosity=2)
