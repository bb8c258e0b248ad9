"""zarrsink's `dimensions` (issue 16) through the element: frames folded
into time points, channels and z stacks, stored in OME-NGFF order, read back
value by value by zarr-python (v2) and zarrita (v3); a stop in the middle
of a stack (EOS, Ctrl-C, SIGKILL); the OME-NGFF metadata with z, also
downsampled; a bounded append dimension ending the pipeline; colour caps;
dimension strings refused at start without a hang.

acqsrc's radial sin with 1 ms frames advances 1/100 of a period a frame,
so frames 0..99 all differ: a frame stored at the wrong place fails."""
import json
import os
import random
import shutil
import signal
import subprocess
import unittest
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import zarr

import zarr_testing as zt  # tests/zarr: zarrita reader, shard checks, numpy pyramid, OME schemas
from zarrsink_testing import Gst, TempDir, assert_finished, push_buffers, radial_sin, run

WIDTH, HEIGHT = 64, 48
EXPOSURE_US = 1000
PERIOD_S = EXPOSURE_US / 1e6
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}"
# gst-launch-1.0's exit status when the pipeline refuses to go to PAUSED.
STATE_CHANGE_FAILURE = 255
RUN_TIMEOUT_S = 20

T_C_Z = [("t", "time", None), ("c", "channel", 2), ("z", "space", 5)]


def frames_per_step(dims):
    return int(np.prod([size for _, _, size in dims[1:]], dtype=np.int64))


def radial_sin_frames(numbers, period_s=PERIOD_S):
    """acqsrc's frames `numbers` as (frames, 1, height, width) uint8."""
    return radial_sin(numbers, WIDTH, HEIGHT, period_s)[:, None].astype(np.uint8)


def gst_launch(*words, timeout=RUN_TIMEOUT_S):
    return subprocess.run(["gst-launch-1.0", *words], capture_output=True, text=True, timeout=timeout)


def record(location, frames, dimensions, *sink_settings, caps=CAPS):
    """acqsrc's radial sin, `frames` of them (None: no num-buffers), into zarrsink; must succeed."""
    count = [] if frames is None else [f"num-buffers={frames}"]
    result = gst_launch("acqsrc", "is-live=false", *count, f"exposure-time-us={EXPOSURE_US}", "!", caps, "!",
                        "zarrsink", f"location={location}", f"dimensions={dimensions}", *sink_settings)
    assert result.returncode == 0, f"gst-launch-1.0 failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    assert "ERROR" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def read_json(path):
    with open(path) as f:
        return json.load(f)


def version_of(location):
    return 3 if os.path.exists(os.path.join(location, "zarr.json")) else 2


def read(location, path="0"):
    """Array `path`, read by the independent reader of its Zarr version."""
    if version_of(location) == 3:
        return zt.read_v3(location, path)[0]
    return zarr.open_group(location, mode="r")[path][:]


def array_metadata(location, path="0"):
    if version_of(location) == 3:
        return read_json(os.path.join(location, path, "zarr.json"))
    return read_json(os.path.join(location, path, ".zarray"))


def acquisition_record(location):
    if version_of(location) == 3:
        return array_metadata(location)["attributes"]["acquisition"]
    return read_json(os.path.join(location, "0", ".zattrs"))["acquisition"]


def group_ome(location, validate=True):
    """The multiscales entry of the group, after validating the group's
    attributes against the OME-NGFF schema of the dataset's version."""
    if version_of(location) == 3:
        ome = read_json(os.path.join(location, "zarr.json"))["attributes"]["ome"]
        if validate:
            zt.ome_validator("0.5").validate({"ome": ome})
        return ome["multiscales"][0]
    attributes = read_json(os.path.join(location, ".zattrs"))
    if validate:
        zt.ome_validator("0.4").validate(attributes)
    return attributes["multiscales"][0]


def read_with_steps(location, dims, steps, scratch):
    """Array 0 read as if its shape held `steps` along the append axis: a
    copy of the dataset with only that number changed (what a user does to
    see a partial last step stored past the shape)."""
    copy = os.path.join(scratch, "resized.zarr")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(location, copy)
    name = "zarr.json" if version_of(location) == 3 else ".zarray"
    metadata = read_json(os.path.join(copy, "0", name))
    metadata["shape"][[n for n, _, _ in zt.storage_axes(dims)].index(dims[0][0])] = steps
    with open(os.path.join(copy, "0", name), "w") as f:
        json.dump(metadata, f)
    return read(copy)


def assert_eos(test, message):
    test.assertIsNotNone(message, "the pipeline did not end")
    if message.type == Gst.MessageType.ERROR:
        test.fail(f"pipeline error: {message.parse_error()[0].message}")
    test.assertEqual(message.type, Gst.MessageType.EOS)


def frame_table_column(location, name):
    if version_of(location) == 3:
        return zt.read_v3(location, f"frames/{name}")[0]
    return zarr.open_group(location, mode="r")[f"frames/{name}"][:]


def frame_table_numbers(location):
    return frame_table_column(location, "number")


FILLED = 4  # frame_flags: a blank stand-in for a lost frame (gap-policy fill, auto for stacks)


def frame_table_blanks(location):
    """Which stored frames are blank stand-ins for frames a live camera lost."""
    return (frame_table_column(location, "flags") & FILLED) != 0


class DimensionsCase(unittest.TestCase):
    def assert_frames_at_places(self, data, dims, numbers, period_s=PERIOD_S, steps=None, blanks=None):
        """Stored frame i is camera frame numbers[i] at the place `dims`
        gives it (zarr_testing.place_frames), or all 0 where blanks[i] (a
        lost frame's stand-in); every other place is empty."""
        frames = radial_sin_frames(numbers, period_s)
        if blanks is not None:
            frames[np.asarray(blanks, dtype=bool)] = 0
        want, names = zt.place_frames(frames, dims, steps)
        self.assertEqual(data.shape, want.shape, names)
        worst = np.abs(data.astype(np.int16) - want)
        if worst.max() > 1:
            at = np.unravel_index(int(np.argmax(worst)), worst.shape)
            self.fail(f"{names + ['y', 'x']} = {at}: {data[at]}, expected {want[at]} (tolerance 1)")

    def assert_record(self, location, dims, past):
        record = acquisition_record(location)
        self.assertEqual(record["frames_per_step"], frames_per_step(dims))
        self.assertEqual(record["frames_past_shape"], past)
        self.assertEqual(record["dimensions"], [{"name": n, "kind": k, "size": s} for n, k, s in dims])
        return record


class Placement(DimensionsCase):
    """Every frame of 3 time points x 2 channels x 5 z at its (t, c, z)."""

    @classmethod
    def setUpClass(cls):
        # The check is only as strong as the frames are distinct.
        frames = radial_sin(range(100), WIDTH, HEIGHT, PERIOD_S)
        for n in range(1, 100):
            assert np.abs(frames[n] - frames[0]).max() > 2, f"radial-sin frames 0 and {n} look alike"

    def check(self, tmp, dimensions, dims, settings, chunks, frames=30):
        location = f"{tmp}/d.zarr"
        record(location, frames, dimensions, *settings)
        data = read(location)
        self.assertEqual(data.dtype, np.uint8)
        self.assert_frames_at_places(data, dims, list(range(frames)))
        self.assert_record(location, dims, 0)
        names = [n for n, _, _ in zt.storage_axes(dims)] + ["y", "x"]
        self.assertEqual([a["name"] for a in group_ome(location)["axes"]], names)
        metadata = array_metadata(location)
        if version_of(location) == 2:
            self.assertEqual(tuple(metadata["chunks"]), chunks)
            return location, None
        self.assertEqual(metadata["dimension_names"], names)
        outer = metadata["chunk_grid"]["configuration"]["chunk_shape"]
        codec = metadata["codecs"][0]
        inner = codec["configuration"]["chunk_shape"] if codec["name"] == "sharding_indexed" else outer
        self.assertEqual(tuple(inner), chunks)
        return location, outer

    def test_v2_t_c_z_with_z_chunks_of_2(self):
        with TempDir() as tmp:
            location, _ = self.check(tmp, "t,c:channel:2,z:space:5:2", T_C_Z, ["tile-planes=2"],
                                     (2, 1, 2, HEIGHT, WIDTH))
            # z cut 2 + 2 + 1: three chunk keys along z for each (t, c).
            keys = {tuple(int(v) for v in key.split("/")) for key in zt.chunk_files(location)}
            self.assertEqual(keys, {(t, c, z, 0, 0) for t in range(2) for c in range(2) for z in range(3)})

    def test_v2_acquisition_order_differs_from_storage(self):
        # Channels alternate fastest, z slower: storage is still (t, c, z), z chunks of 3 (3 + 2).
        dims = [("t", "time", None), ("z", "space", 5), ("c", "channel", 2)]
        with TempDir() as tmp:
            self.check(tmp, "t,z:space:5:3,c:channel:2", dims, [], (3, 1, 3, HEIGHT, WIDTH))

    def test_v3_sharded_along_t_z_y(self):
        with TempDir() as tmp:
            location, outer = self.check(tmp, "t:time::1:2,c:channel:2,z:space:5:2:2", T_C_Z,
                                         ["zarr-version=3", "tile-height=16", "chunks-per-shard-y=2"],
                                         (1, 1, 2, 16, WIDTH))
            self.assertEqual(outer, [2, 1, 4, 32, WIDTH])
            absent = zt.check_shards(self, location, "0", 2 * 2 * 2)
            # Shards: t 2 (3 time points of 4), c 2, z 2 (5 planes of 8), y 2 (3 rows of 4).
            self.assertEqual(len(absent), 2 * 2 * 2 * 2)
            self.assertEqual(sum(absent.values()), 16 * 8 - 3 * 2 * 3 * 3)

    def test_v3_acquisition_order_differs_from_storage(self):
        dims = [("t", "time", None), ("z", "space", 5), ("c", "channel", 2)]
        with TempDir() as tmp:
            self.check(tmp, "t,z:space:5:3,c:channel:2", dims,
                       ["zarr-version=3", "chunks-per-shard-t=2", "tile-planes=1"], (1, 1, 3, HEIGHT, WIDTH))

    def test_z_as_append_dimension(self):
        # Unbounded z: storage (c, z, y, x), z growing; no time axis.
        dims = [("z", "space", None), ("c", "channel", 2)]
        for version in (2, 3):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location, _ = self.check(tmp, "z:space,c:channel:2", dims,
                                         [f"zarr-version={version}", "tile-planes=4"], (1, 4, HEIGHT, WIDTH))
                self.assertEqual(read(location).shape, (2, 15, HEIGHT, WIDTH))
                axes = group_ome(location)["axes"]
                self.assertEqual([a["type"] for a in axes], ["channel", "space", "space", "space"])

    OTHER_AND_Z = [("t", "time", None), ("p", "other", 3), ("z", "space", 2)]

    def test_other_kind_with_z(self):
        with TempDir() as tmp:
            location = f"{tmp}/o.zarr"
            record(location, 18, "t,p:other:3,z:space:2", "zarr-version=3")
            self.assert_frames_at_places(read(location), self.OTHER_AND_Z, list(range(18)))
            self.assert_record(location, self.OTHER_AND_Z, 0)
            self.assertEqual(array_metadata(location)["dimension_names"], ["t", "p", "z", "y", "x"])
            axes = group_ome(location, validate=False)["axes"]
            self.assertEqual([a["name"] for a in axes], ["t", "p", "z", "y", "x"])
            self.assertNotIn(axes[1].get("type"), ("time", "channel", "space"))

    # A custom axis has the type "other": without a type, the OME-NGFF 0.4
    # and 0.5 schemas' "at most 3 space axes" would count it beside z, y, x.
    def test_other_kind_with_z_validates(self):
        for version in (2, 3):
            with TempDir() as tmp:
                location = f"{tmp}/o.zarr"
                record(location, 6, "t,p:other:3,z:space:2", f"zarr-version={version}")
                group_ome(location)

    def test_default_is_t_1_y_x(self):
        with TempDir() as tmp:
            location = f"{tmp}/d.zarr"
            result = gst_launch("acqsrc", "is-live=false", "num-buffers=4", f"exposure-time-us={EXPOSURE_US}", "!",
                                CAPS, "!", "zarrsink", f"location={location}")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assert_frames_at_places(read(location), [("t", "time", None), ("c", "channel", 1)], list(range(4)))
            self.assertEqual(read(location).shape, (4, 1, HEIGHT, WIDTH))


class StopInsideAStack(DimensionsCase):
    """The shape counts whole steps; the partial step is past it, at its places."""

    DIMENSIONS = "t,c:channel:2,z:space:7:3"  # 14 frames a time point
    DIMS = [("t", "time", None), ("c", "channel", 2), ("z", "space", 7)]
    LIVE_PERIOD_S = 2 * PERIOD_S

    def test_eos_mid_stack(self):
        for version, frames, settings in ((2, 33, ["tile-planes=2"]),
                                          (3, 37, ["zarr-version=3", "tile-planes=1", "chunks-per-shard-t=2",
                                                   "tile-height=16", "chunks-per-shard-y=3"])):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location = f"{tmp}/e.zarr"
                found = {}
                _, messages = run(
                    f"acqsrc is-live=false num-buffers={frames} exposure-time-us={EXPOSURE_US} ! {CAPS} ! zarrsink "
                    f"name=sink location={location} dimensions={self.DIMENSIONS} frame-table=true {' '.join(settings)}",
                    on_finished=lambda p: found.update(stats=p.get_by_name("sink").get_property("stats")))
                assert_finished(messages)
                steps, past = divmod(frames, 14)
                # stats count every frame received; progress, the frames the shape covers.
                self.assertEqual(found["stats"].get_value("frames"), frames)
                progress = [m.get_structure().get_value("frames") for m in messages if m.type == Gst.MessageType.ELEMENT
                            and m.get_structure().get_name() == "zarrsink-progress"]
                self.assertEqual(progress[-1], steps * 14)
                self.assertEqual(read(location).shape, (steps, 2, 7, HEIGHT, WIDTH))
                self.assert_frames_at_places(read(location), self.DIMS, list(range(frames)))
                self.assert_record(location, self.DIMS, past)
                np.testing.assert_array_equal(frame_table_numbers(location), np.arange(frames))
                if version == 3:
                    zt.check_shards(self, location, "0", 2 * 3)  # 2 along t, 3 along y
                # One more step: the partial one's frames at their places, the rest of it empty.
                whole = read_with_steps(location, self.DIMS, steps + 1, tmp)
                self.assert_frames_at_places(whole, self.DIMS, list(range(frames)), steps=steps + 1)

    def live_recording(self, location, settings, eos_on_interrupt=True):
        return subprocess.Popen(
            ["gst-launch-1.0", *(["-e"] if eos_on_interrupt else []), "acqsrc",
             f"exposure-time-us={self.LIVE_PERIOD_S * 1e6:.0f}", "!", CAPS, "!", "zarrsink", f"location={location}",
             f"dimensions={self.DIMENSIONS}", "frame-table=true", *settings],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    @staticmethod
    def steps_on_disk(location, at_least):
        def reached():
            try:
                return array_metadata(location)["shape"][0] >= at_least
            except (OSError, ValueError, KeyError):
                return False
        return reached

    def test_sigint_mid_stack(self):
        # With -e Ctrl-C is EOS; without, the pipeline goes to NULL and stop() finishes.
        for eos_on_interrupt in (True, False):
            with self.subTest(eos_on_interrupt=eos_on_interrupt):
                self.interrupt_mid_stack(eos_on_interrupt)

    def interrupt_mid_stack(self, eos_on_interrupt):
        # Ctrl-C lands inside a stack 13 times in 14; try again while it lands on a boundary.
        for _ in range(4):
            with TempDir() as tmp:
                location = f"{tmp}/i.zarr"
                process = self.live_recording(location, ["tile-planes=2"], eos_on_interrupt)
                _, output = zt.signal_when(process, self.steps_on_disk(location, 2), signal.SIGINT, timeout_s=60,
                                           then_s=random.uniform(0.05, 0.2))
                self.assertEqual(process.returncode, 0, output)
                self.assertNotIn("ERROR", output)
                past = acquisition_record(location)["frames_past_shape"]
                steps = read(location).shape[0]
                self.assertGreaterEqual(steps, 2)
                self.assert_record(location, self.DIMS, past)
                # The table lists every frame stored, the partial step's too,
                # and each is the camera frame the table names, at its place.
                numbers = frame_table_numbers(location)
                self.assertEqual(len(numbers), steps * 14 + past)
                self.assertTrue(np.all(np.diff(numbers) > 0), "frame numbers not increasing")
                whole = read_with_steps(location, self.DIMS, steps + 1, tmp)
                # A live camera may lose frames on a busy machine: their places hold blanks.
                self.assert_frames_at_places(whole, self.DIMS, numbers.tolist(), self.LIVE_PERIOD_S, steps + 1,
                                             frame_table_blanks(location))
                if past:
                    return
        self.fail("every Ctrl-C landed on a step boundary: the partial step was never tested")

    def test_sigkill_keeps_published_stacks(self):
        for version, settings in ((2, ["tile-planes=1"]),
                                  (3, ["zarr-version=3", "tile-planes=1", "chunks-per-shard-t=2"])):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location = f"{tmp}/k.zarr"
                process = self.live_recording(location, settings)
                zt.sigkill_when(process, self.steps_on_disk(location, 3), then_s=random.uniform(0, 0.1))
                data = read(location)
                steps = data.shape[0]
                self.assertGreaterEqual(steps, 3)
                self.assert_record(location, self.DIMS, 0)  # only whole rows of steps are ever published
                numbers = frame_table_numbers(location)
                # The table's shape is written just before the image's: one row ahead at most.
                self.assertIn(len(numbers) - steps * 14, (0, (2 if version == 3 else 1) * 14))
                self.assert_frames_at_places(data, self.DIMS, numbers[:steps * 14].tolist(), self.LIVE_PERIOD_S,
                                             blanks=frame_table_blanks(location)[:steps * 14])
                if version == 3:
                    zt.check_shards(self, location, "0", 2, allow_partial=True)


class OmeMetadata(DimensionsCase):
    def check_axes(self, multiscale, t_scale, z_scale):
        self.assertEqual(multiscale["axes"], [
            {"name": "t", "type": "time", "unit": "second"}, {"name": "c", "type": "channel"},
            {"name": "z", "type": "space", "unit": "micrometer"}, {"name": "y", "type": "space", "unit": "micrometer"},
            {"name": "x", "type": "space", "unit": "micrometer"}])
        scale = multiscale["datasets"][0]["coordinateTransformations"][0]["scale"]
        self.assertAlmostEqual(scale[0], t_scale)
        self.assertEqual(scale[1], 1)
        self.assertAlmostEqual(scale[2], z_scale)

    def test_z_unit_and_scales_v2_and_v3(self):
        for version in (2, 3):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location = f"{tmp}/o.zarr"
                record(location, 20, "t,c:channel:2,z:space:5", f"zarr-version={version}", "pixel-size-z=2.5")
                multiscale = group_ome(location)
                self.assertEqual(len(multiscale["datasets"]), 1)
                self.check_axes(multiscale, 10 * PERIOD_S, 2.5)  # a time point is 10 frames of 1 ms

    def test_multiscale_with_downsample_z(self):
        # Level k+1: the 2x2 xy mean of level k, then z pairs: 5 -> 3 -> 2 planes.
        dims = [("t", "time", None), ("z", "space", 5), ("c", "channel", 2)]
        for version, settings in ((2, []), (3, ["chunks-per-shard-y=2", "chunks-per-shard-x=2"])):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location = f"{tmp}/m.zarr"
                record(location, 30, "t,z:space:5:2,c:channel:2", f"zarr-version={version}", "pixel-size-z=2.5",
                       "pixel-size-x=0.5", "pixel-size-y=0.5", "multiscale=true", "downsample-z=true",
                       "tile-width=16", "tile-height=16", *settings)
                multiscale = group_ome(location)
                self.check_axes(multiscale, 10 * PERIOD_S, 2.5)
                paths = [d["path"] for d in multiscale["datasets"]]
                self.assertEqual(paths, ["0", "1", "2"])  # 64x48 -> 32x24 -> 16x12 fits a 16x16 tile
                above = read(location, "0")
                self.assert_frames_at_places(above, dims, list(range(30)))
                for k, (z, y, x) in enumerate([(3, 24, 32), (2, 12, 16)], start=1):
                    got = read(location, paths[k])
                    self.assertEqual(got.shape, (3, 2, z, y, x))
                    np.testing.assert_array_equal(got, zt.halve_z(zt.downsample(above, "mean"), 2),
                                                  err_msg=f"level {k}")
                    scale = multiscale["datasets"][k]["coordinateTransformations"][0]["scale"]
                    # The actual size ratio along z, y and x (docs/zarr-library.md), t and c unchanged.
                    np.testing.assert_allclose(scale, [10 * PERIOD_S, 1, 2.5 * 5 / z, 0.5 * 48 / y, 0.5 * 64 / x])
                    if version == 3:
                        self.assertEqual(array_metadata(location, paths[k])["dimension_names"],
                                         ["t", "c", "z", "y", "x"])
                    above = got

    def test_multiscale_keeps_z_without_downsample_z(self):
        with TempDir() as tmp:
            location = f"{tmp}/k.zarr"
            record(location, 20, "t,c:channel:2,z:space:5", "multiscale=true", "tile-width=32", "tile-height=24")
            multiscale = group_ome(location)
            self.assertEqual(len(multiscale["datasets"]), 2)
            np.testing.assert_array_equal(read(location, "1"), zt.downsample(read(location, "0"), "mean"))
            self.assertEqual(multiscale["datasets"][1]["coordinateTransformations"][0]["scale"][2], 1)


class BoundedAppend(DimensionsCase):
    DIMS = [("t", "time", 3), ("c", "channel", 2), ("z", "space", 5)]

    def test_size_on_t_ends_gst_launch(self):
        # num-buffers larger than the 3 time points, and no num-buffers at all.
        for frames in (100, None):
            with self.subTest(num_buffers=frames), TempDir() as tmp:
                location = f"{tmp}/b.zarr"
                result = record(location, frames, "t:time:3,c:channel:2,z:space:5")
                self.assertIn("Got EOS", result.stdout)
                self.assert_frames_at_places(read(location), self.DIMS, list(range(30)))
                self.assertEqual(read(location).shape[0], 3)
                self.assert_record(location, self.DIMS, 0)
                self.assertEqual({key.split("/")[0] for key in zt.chunk_files(location)}, {"0"})

    def test_a_tee_branch_goes_on(self):
        # The bounded sink ends its own branch only.
        with TempDir() as tmp:
            result = gst_launch("acqsrc", "is-live=false", "num-buffers=50", f"exposure-time-us={EXPOSURE_US}", "!",
                                CAPS, "!", "tee", "name=split", "!", "queue", "!", "zarrsink",
                                f"location={tmp}/b.zarr", "dimensions=t:time:3,c:channel:2,z:space:5",
                                "split.", "!", "queue", "!", "zarrsink", f"location={tmp}/all.zarr")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assert_frames_at_places(read(f"{tmp}/b.zarr"), self.DIMS, list(range(30)))
            self.assert_frames_at_places(read(f"{tmp}/all.zarr"), [("t", "time", None), ("c", "channel", 1)],
                                         list(range(50)))

    def test_size_on_t_ends_appsrc_pipeline(self):
        # No end-of-stream from the application: the sink ends the stream.
        with TempDir() as tmp:
            location = f"{tmp}/a.zarr"
            message = push_buffers(
                "appsrc name=src format=time caps=video/x-raw,format=GRAY8,width=8,height=4,framerate=100/1 "
                f"! zarrsink location={location} dimensions=t:time:3,z:space:4 zarr-version=3",
                [Gst.Buffer.new_wrapped(bytes([n]) * 32) for n in range(40)], end_of_stream=False)
            assert_eos(self, message)
            frames = np.broadcast_to(np.arange(40, dtype=np.uint8)[:, None, None, None], (40, 1, 4, 8))
            want, _ = zt.place_frames(frames[:12], [("t", "time", 3), ("z", "space", 4)])
            np.testing.assert_array_equal(read(location), want)


class ColourCaps(DimensionsCase):
    COLOUR_W, COLOUR_H = 8, 4

    def record_bgr(self, location, dimensions, frames, *settings):
        """appsrc BGR frames whose every sample names (frame n, colour k in
        R, G, B order): 3n + k + 1. Returns them as (frames, 3, h, w)."""
        # B, G, R in memory
        buffers = [Gst.Buffer.new_wrapped(bytes([3 * n + 3, 3 * n + 2, 3 * n + 1]) * (self.COLOUR_W * self.COLOUR_H))
                   for n in range(frames)]
        assert_eos(self, push_buffers(
            f"appsrc name=src format=time caps=video/x-raw,format=BGR,width={self.COLOUR_W},height={self.COLOUR_H},"
            f"framerate=100/1 ! zarrsink location={location} dimensions={dimensions} {' '.join(settings)}", buffers))
        values = 3 * np.arange(frames)[:, None] + np.arange(3)[None, :] + 1
        return np.broadcast_to(values.astype(np.uint8)[:, :, None, None],
                               (frames, 3, self.COLOUR_H, self.COLOUR_W))

    def test_colour_merges_into_channel_dimension(self):
        # Channel index = user channel * 3 + colour, colour fastest.
        dims = [("t", "time", None), ("c", "channel", 2), ("z", "space", 3)]
        for version in (2, 3):
            with self.subTest(zarr_version=version), TempDir() as tmp:
                location = f"{tmp}/rgb.zarr"
                values = self.record_bgr(location, "t,c:channel:2,z:space:3", 12, f"zarr-version={version}")
                data = read(location)
                self.assertEqual(data.shape, (2, 6, 3, self.COLOUR_H, self.COLOUR_W))
                np.testing.assert_array_equal(data, zt.place_frames(values, dims)[0])
                self.assertEqual([a["name"] for a in group_ome(location)["axes"]], ["t", "c", "z", "y", "x"])
                self.assert_record(location, dims, 0)

    def test_colour_adds_c_axis_without_channel_dimension(self):
        dims = [("t", "time", None), ("z", "space", 3)]
        with TempDir() as tmp:
            location = f"{tmp}/rgb.zarr"
            values = self.record_bgr(location, "t,z:space:3", 9)
            data = read(location)
            self.assertEqual(data.shape, (3, 3, 3, self.COLOUR_H, self.COLOUR_W))  # (t, c, z, y, x)
            np.testing.assert_array_equal(data, zt.place_frames(values, dims)[0])
            self.assertEqual([a["name"] for a in group_ome(location)["axes"]], ["t", "c", "z", "y", "x"])

    def test_rgba_from_videotestsrc(self):
        # ARGB 0x40302010 painted in RGBA: stored R, G, B, A per user channel.
        with TempDir() as tmp:
            location = f"{tmp}/rgba.zarr"
            result = gst_launch("videotestsrc", "pattern=solid-color", "foreground-color=0x40302010", "num-buffers=8",
                                "!", "video/x-raw,format=RGBA,width=16,height=8", "!", "zarrsink",
                                f"location={location}", "zarr-version=3", "dimensions=t,c:channel:2")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            data = read(location)
            self.assertEqual(data.shape, (4, 8, 8, 16))
            for c, value in enumerate([0x30, 0x20, 0x10, 0x40] * 2):
                self.assertTrue(np.all(data[:, c] == value), f"channel {c}")


# Dimension strings refused at start: (value, other settings, what the
# message must say besides `invalid setting "dimensions"`, naming the wrong part).
REFUSED = [
    ("t,c:colour:2", [], ['"c:colour:2"', 'unknown kind "colour"']),
    ("t,c:channel:0", [], ['"c:channel:0"', "the size is 0"]),
    ("t,c:channel:2,C:channel:3", [], ['"C" is named twice']),
    ("t,y:space:4", [], ['"y:space:4"', "y and x"]),
    ("x,c", [], ['"x"', "y and x"]),
    ("t,z:space:5,w:space:3", [], ['"z" and "w" are both of kind space']),
    ("t,u:time:2", [], ['"t" and "u" are both of kind time']),
    ("t,c:channel:2,z:space:3,q:other:2", [], ["has 4 dimensions"]),
    ('""', [], ["is empty"]),
    ("t,,c", [], ["empty dimension"]),
    ("t,c:channel:two", [], ['"c:channel:two"', 'the size "two" is not a whole number']),
    ("t,z:space:5:6", [], ['"z:space:5:6"', "the chunk 6 is larger than the size 5"]),
    ("t,z:space:5:1:2", [], ['"z" has 2 chunks per shard', '"zarr-version"']),
    ("t,c:channel:5000,z:space:5000", [], ["more than 16777216 frames"]),
]
# The append dimension's chunk or shard given twice, differently: refused
# naming the other setting, and "dimensions".
CONFLICTS = [
    ("t:time::4", ["tile-planes=2"], 'invalid setting "tile-planes"'),
    ("t:time:::2", ["zarr-version=3", "chunks-per-shard-t=4"], 'invalid setting "chunks-per-shard-t"'),
]
RUNS = 4


class Refused(unittest.TestCase):
    def launch_refused(self, tmp, index, dimensions, settings, caps=CAPS, source=("acqsrc", "is-live=false")):
        """(exit status or None when it hung, output, whether the location exists)."""
        location = os.path.join(tmp, f"r{index}.zarr")
        try:
            result = gst_launch(*source, "num-buffers=9", "!", caps, "!", "zarrsink", f"location={location}",
                                f"dimensions={dimensions}", *settings)
        except subprocess.TimeoutExpired:
            return None, "", os.path.exists(location)
        return result.returncode, result.stdout + result.stderr, os.path.exists(location)

    def run_all(self, cases, **launch):
        """Every case RUNS times, two gst-launch-1.0 at a time (2 cores)."""
        with TempDir() as tmp, ThreadPoolExecutor(2) as pool:
            jobs = [(case, pool.submit(self.launch_refused, tmp, i, case[0], case[1], **launch))
                    for i, case in enumerate(cases * RUNS)]
            return [(case, *job.result()) for case, job in jobs]

    def test_bad_dimension_strings_end_gst_launch(self):
        results = self.run_all(REFUSED + [(d, s, [want]) for d, s, want in CONFLICTS])
        for (dimensions, settings, wanted), returncode, output, left_behind in results:
            label = f"dimensions={dimensions} {' '.join(settings)}"
            self.assertIsNotNone(returncode, f"gst-launch-1.0 hung ({RUN_TIMEOUT_S} s) with {label}")
            self.assertEqual(returncode, STATE_CHANGE_FAILURE, f"{label}:\n{output}")
            self.assertIn("Failed to set pipeline to PAUSED", output, label)
            if not wanted[0].startswith("invalid setting"):
                self.assertIn('invalid setting "dimensions"', output, label)
            self.assertIn('"dimensions"', output, label)
            for part in wanted:
                self.assertIn(part, output, label)
            self.assertFalse(left_behind, f"{label} left its location behind")
        self.assertGreaterEqual(len(results), 60)

    def test_refused_with_colour_caps(self):
        # Known only once the caps come: an error naming dimensions that ends
        # the pipeline. Run in this process: gst-launch-1.0 1.22 can miss an
        # error posted from the streaming thread before its main loop runs and
        # hang (docs/elements/zarrsink.md, Errors), a limit of the tool.
        cases = [("t,q:other:2", ['"q" is of kind other', "colour"]),
                 ("c:channel,t:time:2", ['append dimension "c" cannot be of kind channel', "colour"])]
        for dimensions, wanted in cases * 4:
            with self.subTest(dimensions=dimensions), TempDir() as tmp:
                _, messages = run(f"videotestsrc num-buffers=4 ! video/x-raw,format=RGB,width=16,height=8 ! "
                                  f"zarrsink location={tmp}/r.zarr dimensions={dimensions}", timeout_s=RUN_TIMEOUT_S)
                errors = [m.parse_error() for m in messages if m.type == Gst.MessageType.ERROR]
                self.assertTrue(errors, f"no error with {dimensions}")
                text = errors[0][0].message + " " + (errors[0][1] or "")
                self.assertIn('invalid setting "dimensions"', text)
                for part in wanted:
                    self.assertIn(part, text, dimensions)


if __name__ == "__main__":
    unittest.main(verbosity=2)
