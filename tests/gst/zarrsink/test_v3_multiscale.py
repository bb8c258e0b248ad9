"""zarrsink with zarr-version=3, sharding and multiscale: the seed pipeline
read back with zarrita, pyramid levels recomputed in numpy, the time scale
taken from the caps' framerate, and the new properties."""
import json
import os
import unittest

import numpy as np

import zarr_testing as zt  # tests/zarr: zarrita reader, shard checks, numpy pyramid
from zarrsink_testing import Gst, TempDir, assert_finished, assert_radial_sin_live, errors, run


def read_json(path):
    with open(path) as f:
        return json.load(f)


class V3AndMultiscale(unittest.TestCase):
    def test_seed_pipeline_as_zarr_v3(self):
        with TempDir() as tmp:
            location = f"{tmp}/out.zarr"
            _, messages = run(
                "acqsrc camera=\"simulated: radial sin\" exposure-time-us=50000 num-buffers=10 "
                "! video/x-raw,format=GRAY8,width=1920,height=1080 "
                f"! zarrsink location={location} tile-width=960 tile-height=540 max-bytes-per-chunk=33554432 "
                "zarr-version=3")
            assert_finished(messages)
            data, dtype = zt.read_v3(location, "0")
            self.assertEqual(data.shape, (10, 1, 1080, 1920))
            self.assertEqual(dtype, "uint8")
            assert_radial_sin_live(data, 1920, 1080, 0.05)  # live: may drop frames if the sink stalls
            self.assertFalse(os.path.exists(f"{location}/.zgroup"))
            self.assertEqual(read_json(f"{location}/0/zarr.json")["dimension_names"], ["t", "c", "y", "x"])

    def test_sharded_multiscale_from_videotestsrc(self):
        with TempDir() as tmp:
            location = f"{tmp}/ms.zarr"
            _, messages = run(
                "videotestsrc num-buffers=7 pattern=ball ! video/x-raw,format=GRAY16_LE,width=101,height=67,"
                f"framerate=25/1 ! zarrsink location={location} zarr-version=3 tile-width=16 tile-height=16 "
                "tile-planes=2 chunks-per-shard-x=2 chunks-per-shard-y=2 chunks-per-shard-t=2 multiscale=true "
                "downsample-method=max compressor=blosc-zstd")
            assert_finished(messages)
            level0, dtype = zt.read_v3(location, "0")
            self.assertEqual((level0.shape, dtype), ((7, 1, 67, 101), "uint16"))
            self.assertGreater(int(level0.max()), 0)
            ome = read_json(f"{location}/zarr.json")["attributes"]["ome"]
            zt.ome_validator("0.5").validate({"ome": ome})
            multiscale = ome["multiscales"][0]
            self.assertEqual(multiscale["type"], "max")
            self.assertEqual(multiscale["axes"][0], {"name": "t", "type": "time", "unit": "second"})
            paths = [d["path"] for d in multiscale["datasets"]]
            self.assertEqual(paths, ["0", "1", "2", "3"])
            for k, want in enumerate(zt.pyramid(level0, len(paths), "max")):
                got, _ = zt.read_v3(location, paths[k])
                np.testing.assert_array_equal(got, want, err_msg=f"level {k}")
                zt.check_shards(self, location, paths[k], 8)
                scale = multiscale["datasets"][k]["coordinateTransformations"][0]["scale"]
                self.assertAlmostEqual(scale[0], 0.04)  # 25 frames per second

    def test_v2_multiscale_mean(self):
        with TempDir() as tmp:
            location = f"{tmp}/v2.zarr"
            _, messages = run(
                "videotestsrc num-buffers=3 pattern=snow ! video/x-raw,format=GRAY8,width=64,height=40 "
                f"! zarrsink location={location} tile-width=16 tile-height=16 tile-planes=2 multiscale=true")
            assert_finished(messages)
            import zarr
            group = zarr.open_group(location, mode="r")
            level0 = group["0"][:]
            multiscale = dict(group.attrs)["multiscales"][0]
            zt.ome_validator("0.4").validate(dict(group.attrs))
            paths = [d["path"] for d in multiscale["datasets"]]
            self.assertEqual(paths, ["0", "1", "2"])  # 64x40 -> 32x20 -> 16x10
            for k, want in enumerate(zt.pyramid(level0, 3, "mean")):
                np.testing.assert_array_equal(group[paths[k]][:], want)

    def test_properties(self):
        sink = Gst.ElementFactory.make("zarrsink", None)
        self.assertEqual(sink.get_property("zarr-version"), 2)
        for axis in "xyt":
            self.assertEqual(sink.get_property(f"chunks-per-shard-{axis}"), 1)
        self.assertFalse(sink.get_property("multiscale"))
        method = sink.find_property("downsample-method")
        nicks = [v.value_nick for v in method.enum_class.__enum_values__.values()]
        self.assertEqual(sorted(nicks), ["decimate", "max", "mean", "min"])
        self.assertEqual(method.default_value.value_nick, "mean")
        Gst.util_set_object_arg(sink, "downsample-method", "min")
        self.assertEqual(sink.get_property("downsample-method").value_nick, "min")

    def test_sharding_needs_zarr_v3(self):
        with TempDir() as tmp:
            _, messages = run("videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=32,height=16 "
                              f"! zarrsink location={tmp}/s.zarr chunks-per-shard-x=4")
            problems = [e.message for e in errors(messages)]
            self.assertEqual(len(problems), 1, problems)
            self.assertIn("chunks-per-shard-x", problems[0])
            self.assertIn("zarr-version", problems[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
