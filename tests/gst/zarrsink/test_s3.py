"""zarrsink into S3: a real S3 endpoint (a Ceph RADOS Gateway on loopback,
tests/s3/ceph_gateway.py), every object downloaded with boto3 and read back
value by value with zarr-python (v2) or zarrita (v3). Also the failures:
wrong secret, missing bucket, unreachable endpoint, a gateway killed
mid-recording, a recorder SIGKILLed mid-recording, overwrite; and that the
secret never reaches the bus or the debug log."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import unittest
import warnings

import numpy as np

import zarr_testing as zt  # tests/zarr: zarrita reader, shard checks, numpy pyramid
from ceph_gateway import CephGateway  # tests/s3
from zarrsink_testing import (Gst, TempDir, assert_finished, assert_radial_sin, assert_radial_sin_live, open_array,
                              run)

BUCKET = "recordings"
GATEWAY = None  # one gateway for the module (the kill test starts its own)

# 13 ms does not alias (at 50 ms frames n and n+2 are equal), so a frame in
# the wrong place is caught.
PERIOD_US = 13000
SEED_CAMERA = "acqsrc camera=\"simulated: radial sin\" exposure-time-us=50000 num-buffers=10"
SEED_CAPS = "video/x-raw,format=GRAY8,width=1920,height=1080"
SEED_SINK = "tile-width=960 tile-height=540 max-bytes-per-chunk=33554432"


def setUpModule():
    global GATEWAY
    GATEWAY = CephGateway()
    GATEWAY.__enter__()
    # The element reads the credentials from the environment, as a user's shell would give them.
    os.environ.update(GATEWAY.env())
    GATEWAY.create_bucket(BUCKET)


def tearDownModule():
    if GATEWAY:
        GATEWAY.stop()


def source(num_buffers=-1, live=False, width=320, height=240):
    return (f"acqsrc camera=\"simulated: radial sin\" exposure-time-us={PERIOD_US} num-buffers={num_buffers} "
            f"is-live={str(live).lower()} ! video/x-raw,format=GRAY8,width={width},height={height}")


def sink(name, endpoint=None, bucket=BUCKET, options=""):
    return (f"zarrsink location=s3://{bucket}/{name} s3-endpoint={endpoint or GATEWAY.endpoint} "
            f"s3-region={GATEWAY.region} {options}")


def error_messages(messages):
    """(GLib.Error, debug string) of every ERROR message."""
    return [m.parse_error() for m in messages if m.type == Gst.MessageType.ERROR]


def download(name, local_dir, gateway=None):
    """Every object under s3://BUCKET/name copied into local_dir; returns the keys (relative)."""
    return sorted((gateway or GATEWAY).download_prefix(BUCKET, name, local_dir))


def read_json_object(key, gateway=None):
    client = (gateway or GATEWAY).s3_client()
    return json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def multipart_parts(key):
    """Parts of a multipart upload from the object's ETag ("<md5>-<parts>"); 0 for a single PUT."""
    etag = GATEWAY.s3_client().head_object(Bucket=BUCKET, Key=key)["ETag"]
    match = re.search(r"-(\d+)\"?$", etag)
    return int(match.group(1)) if match else 0


class S3Recording(unittest.TestCase):
    def assert_resource_error(self, messages, *words):
        errors = error_messages(messages)
        self.assertEqual(len(errors), 1, [e.message for e, _ in errors])
        error, debug = errors[0]
        self.assertEqual(error.domain, "gst-resource-error-quark", error.message)
        for word in words:
            self.assertIn(word, error.message)
        for text in (error.message, debug or ""):
            self.assertNotIn(GATEWAY.secret_key, text)
        return error

    def test_seed_pipeline_zarr_v2(self):
        # The tutorial's pipeline as users run it: a live camera at 20 fps, which
        # drops a frame when the sink is late (opening an S3 dataset takes
        # requests), so frames are checked in order rather than by number.
        _, messages = run(f"{SEED_CAMERA} ! {SEED_CAPS} ! {sink('seed.zarr', options=SEED_SINK)}")
        assert_finished(messages)
        with TempDir() as tmp:
            keys = download("seed.zarr", tmp)
            # One t-chunk of the 10 frames, 2 x 2 tiles, and nothing else (no temporary objects).
            self.assertEqual(keys, [".zattrs", ".zgroup", "0/.zarray", "0/.zattrs",
                                    "0/0/0/0/0", "0/0/0/0/1", "0/0/0/1/0", "0/0/0/1/1"])
            array = open_array(tmp)
            self.assertEqual(array.shape, (10, 1, 1080, 1920))
            self.assertEqual(str(array.dtype), "uint8")
            self.assertEqual(array.chunks, (10, 1, 540, 960))
            assert_radial_sin_live(array[:], 1920, 1080, 0.05)

    def test_seed_pipeline_zarr_v3_sharded_multiscale(self):
        # 4-frame chunks, 2 x 2 x 2 chunks per shard: the 10 frames make one
        # whole shard row and a last, partial one. Pyramid: 1920x1080, 960x540.
        options = (f"{SEED_SINK} tile-planes=4 zarr-version=3 chunks-per-shard-x=2 chunks-per-shard-y=2 "
                   "chunks-per-shard-t=2 multiscale=true compressor=blosc-lz4")
        # Not live, so that frame n must hold exactly the formula's frame n.
        _, messages = run(f"{SEED_CAMERA} is-live=false ! {SEED_CAPS} ! {sink('seed-v3.zarr', options=options)}")
        assert_finished(messages)
        with TempDir() as tmp:
            keys = download("seed-v3.zarr", tmp)
            self.assertEqual([k for k in keys if k.startswith("0/")], ["0/c/0/0/0/0", "0/c/1/0/0/0", "0/zarr.json"])
            self.assertIn("zarr.json", keys)
            level0, dtype = zt.read_v3(tmp, "0")
            self.assertEqual((level0.shape, dtype), ((10, 1, 1080, 1920), "uint8"))
            assert_radial_sin(level0, 1920, 1080, 0.05)
            with open(f"{tmp}/zarr.json") as f:
                ome = json.load(f)["attributes"]["ome"]
            zt.ome_validator("0.5").validate({"ome": ome})
            paths = [d["path"] for d in ome["multiscales"][0]["datasets"]]
            self.assertEqual(paths, ["0", "1"])
            level1, _ = zt.read_v3(tmp, "1")
            np.testing.assert_array_equal(level1, zt.pyramid(level0, 2, "mean")[1])
            for path in paths:
                zt.check_shards(self, tmp, path, 8)

    def test_objects_above_the_multipart_threshold(self):
        # 640x480 GRAY8 is 307200 bytes a frame. v3: 8-frame chunks, 4 per
        # shard: a 9.8 MB shard (two 5 MiB parts) and a 2.5 MB last shard.
        # v2: 20-frame chunks of 6.1 MB (two parts) and a 6.1 MB padded last one.
        threshold = 5 << 20
        cases = {
            "multipart-v3.zarr": ("zarr-version=3 tile-planes=8 chunks-per-shard-t=4",
                                  {"0/c/0/0/0/0": 2, "0/c/1/0/0/0": 0}),
            "multipart-v2.zarr": ("tile-planes=20", {"0/0/0/0/0": 2, "0/1/0/0/0": 2}),
        }
        for name, (options, parts) in cases.items():
            with self.subTest(name):
                _, messages = run(f"{source(40, width=640, height=480)} ! "
                                  f"{sink(name, options=f's3-multipart-threshold={threshold} ' + options)}")
                assert_finished(messages)
                for key, want in parts.items():
                    self.assertEqual(multipart_parts(f"{name}/{key}"), want, key)
                with TempDir() as tmp:
                    download(name, tmp)
                    if "v3" in name:
                        data, _ = zt.read_v3(tmp, "0")
                        zt.check_shards(self, tmp, "0", 4)
                    else:
                        data = open_array(tmp)[:]
                    self.assertEqual(data.shape, (40, 1, 480, 640))
                    assert_radial_sin(data, 640, 480, PERIOD_US / 1e6)

    def test_wrong_secret_key(self):
        secret = os.environ["AWS_SECRET_ACCESS_KEY"]
        os.environ["AWS_SECRET_ACCESS_KEY"] = "not-" + secret[::-1]
        try:
            _, messages = run(f"{source(3)} ! {sink('wrong-secret.zarr')}")
        finally:
            os.environ["AWS_SECRET_ACCESS_KEY"] = secret
        error = self.assert_resource_error(messages, "SignatureDoesNotMatch", f"s3://{BUCKET}/wrong-secret.zarr")
        self.assertNotIn("not-" + secret[::-1], error.message)
        self.assertEqual(GATEWAY.list_keys(BUCKET, "wrong-secret.zarr/"), [])

    def test_missing_bucket(self):
        later = []

        def collect_later_errors(pipeline):
            # Upstream offers the caps again after a refusal: the element must
            # not open (and fail, and post) a second time.
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                message = pipeline.get_bus().timed_pop_filtered(100 * Gst.MSECOND, Gst.MessageType.ERROR)
                if message and message.src.get_name().startswith("zarrsink"):
                    later.append(message)

        _, messages = run(f"{source(3)} ! {sink('a.zarr', bucket='no-such-bucket')}",
                          on_finished=collect_later_errors)
        self.assert_resource_error(messages, "NoSuchBucket", "s3://no-such-bucket/")
        self.assertEqual([m.parse_error()[0].message for m in later], [])

    def test_invalid_settings(self):
        for location, endpoint, words in (
                ("s3://Upper_Case/a.zarr", GATEWAY.endpoint, ["location", "Upper_Case"]),
                ("s3://recordings/a//b.zarr", GATEWAY.endpoint, ["location", "path segment"]),
                (f"s3://{BUCKET}/a.zarr", "ftp://127.0.0.1:21", ["s3-endpoint", "ftp://127.0.0.1:21"])):
            with self.subTest(location=location, endpoint=endpoint):
                _, messages = run(f"{source(2)} ! zarrsink location={location} s3-endpoint={endpoint}")
                error = self.assert_resource_error(messages, *words)
                self.assertTrue(error.matches(Gst.ResourceError.quark(), Gst.ResourceError.SETTINGS), error.message)

    def test_unreachable_endpoint(self):
        # A port nobody listens on: connection refused.
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        _, messages = run(f"{source(3)} ! {sink('a.zarr', endpoint=f'http://127.0.0.1:{port}')}", timeout_s=240)
        self.assert_resource_error(messages, f"s3://{BUCKET}", f"127.0.0.1:{port}")

    def test_overwrite(self):
        name = "overwrite.zarr"
        _, messages = run(f"{source(5)} ! {sink(name, options='tile-planes=2')}")
        assert_finished(messages)
        first_keys = sorted(GATEWAY.list_keys(BUCKET, name + "/"))
        self.assertIn(f"{name}/0/2/0/0/0", first_keys)

        # Refused without overwrite, and what is there is left alone.
        _, messages = run(f"{source(3)} ! {sink(name, options='tile-planes=2')}")
        self.assert_resource_error(messages, f"s3://{BUCKET}/{name}", "overwrite")
        self.assertEqual(sorted(GATEWAY.list_keys(BUCKET, name + "/")), first_keys)
        with TempDir() as tmp:
            download(name, tmp)
            array = open_array(tmp)
            self.assertEqual(array.shape[0], 5)
            assert_radial_sin(array[:], 320, 240, PERIOD_US / 1e6)

        # Replaced with overwrite: the old third t-chunk is gone.
        _, messages = run(f"{source(3)} ! {sink(name, options='tile-planes=2 overwrite=true')}")
        assert_finished(messages)
        keys = sorted(GATEWAY.list_keys(BUCKET, name + "/"))
        self.assertNotIn(f"{name}/0/2/0/0/0", keys)
        with TempDir() as tmp:
            download(name, tmp)
            array = open_array(tmp)
            self.assertEqual(array.shape[0], 3)
            assert_radial_sin(array[:], 320, 240, PERIOD_US / 1e6)

    def test_overwrite_leaves_other_data_alone(self):
        client = GATEWAY.s3_client()
        client.put_object(Bucket=BUCKET, Key="not-zarr/notes.txt", Body=b"keep me")
        _, messages = run(f"{source(2)} ! {sink('not-zarr', options='overwrite=true')}")
        self.assert_resource_error(messages, f"s3://{BUCKET}/not-zarr")
        self.assertEqual(client.get_object(Bucket=BUCKET, Key="not-zarr/notes.txt")["Body"].read(), b"keep me")
        self.assertEqual(GATEWAY.list_keys(BUCKET, "not-zarr/"), ["not-zarr/notes.txt"])


class GatewayKilled(unittest.TestCase):
    def test_gateway_killed_mid_recording(self):
        with CephGateway() as gateway:
            gateway.create_bucket(BUCKET)
            os.environ.update(gateway.env())  # this gateway's keys, for the element in this process
            self.addCleanup(os.environ.update, GATEWAY.env())
            pipeline = Gst.parse_launch(f"{source(live=True)} ! "
                                        f"{sink('killed.zarr', endpoint=gateway.endpoint, options='tile-planes=4')}")
            bus = pipeline.get_bus()
            pipeline.set_state(Gst.State.PLAYING)
            rows_written = 0
            killed = False
            error = None
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and error is None:
                    message = bus.timed_pop(Gst.SECOND)
                    if message is None:
                        continue
                    if message.type == Gst.MessageType.ERROR:
                        error = message.parse_error()
                    elif message.type == Gst.MessageType.ELEMENT and \
                            message.get_structure().get_name() == "zarrsink-progress":
                        rows_written += 1
                        if rows_written == 2 and not killed:
                            gateway.kill_gateway()
                            killed = True
            finally:
                pipeline.set_state(Gst.State.NULL)
            self.assertTrue(killed)
            self.assertIsNotNone(error, "no error on the bus after the gateway died")
            self.assertEqual(error[0].domain, "gst-resource-error-quark", error[0].message)
            self.assertIn(f"s3://{BUCKET}/killed.zarr", error[0].message)

            gateway.restart_gateway()
            with TempDir() as tmp:
                keys = download("killed.zarr", tmp, gateway)
                self.assertIn("0/.zarray", keys)
                array = open_array(tmp)
                frames = array.shape[0]
                self.assertGreaterEqual(frames, 8)
                self.assertEqual(frames % 4, 0, "metadata names a partial row")
                assert_radial_sin_live(array[:], 320, 240, PERIOD_US / 1e6)


class RecorderKilled(unittest.TestCase):
    """gst-launch-1.0 SIGKILLed mid-recording: what is in the bucket opens and
    holds every frame of the rows the metadata names."""

    def record_then_kill(self, name, options, metadata_key, rows_before_kill=2, frames_per_row=4):
        command = [shutil.which("gst-launch-1.0"), "-q"] + shlex.split(f"{source(live=True)} ! {sink(name, options=options)}")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def rows_published():
            try:
                frames = read_json_object(f"{name}/{metadata_key}")["shape"][0]
            except GATEWAY.s3_client().exceptions.NoSuchKey:
                return 0
            return frames if frames >= rows_before_kill * frames_per_row else 0

        # then into the next row, with uploads in flight
        frames = zt.sigkill_when(process, rows_published, poll_s=0.1, then_s=0.3)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        return frames

    def test_sigkill_zarr_v2(self):
        frames_seen = self.record_then_kill("sigkill-v2.zarr", "tile-planes=4", "0/.zarray")
        with TempDir() as tmp:
            download("sigkill-v2.zarr", tmp)
            array = open_array(tmp)
            self.assertGreaterEqual(array.shape[0], frames_seen)
            self.assertEqual(array.shape[0] % 4, 0)
            assert_radial_sin_live(array[:], 320, 240, PERIOD_US / 1e6)

    def test_sigkill_zarr_v3_sharded(self):
        options = ("zarr-version=3 tile-width=160 tile-height=120 tile-planes=2 chunks-per-shard-x=2 "
                   "chunks-per-shard-y=2 chunks-per-shard-t=2")
        frames_seen = self.record_then_kill("sigkill-v3.zarr", options, "0/zarr.json")
        with TempDir() as tmp:
            download("sigkill-v3.zarr", tmp)
            data, _ = zt.read_v3(tmp, "0")
            self.assertGreaterEqual(data.shape[0], frames_seen)
            self.assertEqual(data.shape[0] % 4, 0)
            assert_radial_sin_live(data, 320, 240, PERIOD_US / 1e6)
            zt.check_shards(self, tmp, "0", 8)  # no temporary objects, every index whole


class Credentials(unittest.TestCase):
    def test_secret_never_in_bus_messages_or_debug_log(self):
        secret = GATEWAY.secret_key
        for name, bucket in (("logged.zarr", BUCKET), ("logged.zarr", "no-such-bucket")):
            with self.subTest(bucket):
                command = [shutil.which("gst-launch-1.0"), "-m", "videotestsrc", "num-buffers=3", "!",
                           "video/x-raw,format=GRAY8,width=64,height=48", "!", "zarrsink",
                           f"location=s3://{bucket}/{name}", f"s3-endpoint={GATEWAY.endpoint}"]
                result = subprocess.run(command, env={**os.environ, "GST_DEBUG": "*:6", "GST_DEBUG_NO_COLOR": "1"},
                                        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
                output = result.stdout + result.stderr
                tail = output[-2000:].replace(secret, "<SECRET>")
                # The log is really there (zarrsink's own lines at level 6), and so are the bus messages.
                self.assertTrue("gstzarrsink.cc" in output and "<zarrsink0>" in output, tail)
                self.assertTrue("Got message #" in output, tail)
                self.assertFalse(secret in output, "the secret key is in the output of GST_DEBUG=*:6 gst-launch-1.0 -m")
                if bucket == BUCKET:
                    self.assertEqual(result.returncode, 0, tail)
                else:
                    self.assertTrue("NoSuchBucket" in output, tail)


    def launch_without_key_variables(self, name, extra_env):
        env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        env.update(extra_env)
        command = [shutil.which("gst-launch-1.0"), "videotestsrc", "num-buffers=2", "!",
                   "video/x-raw,format=GRAY8,width=64,height=48", "!", "zarrsink",
                   f"location=s3://{BUCKET}/{name}", f"s3-endpoint={GATEWAY.endpoint}"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def test_credentials_from_a_profile_in_the_shared_file(self):
        with TempDir() as tmp:
            credentials = os.path.join(tmp, "credentials")
            with open(credentials, "w") as f:
                f.write(f"[default]\naws_access_key_id = AKNOTTHISONE\naws_secret_access_key = wrong\n\n"
                        f"[lab]\naws_access_key_id = {GATEWAY.access_key}\n"
                        f"aws_secret_access_key = {GATEWAY.secret_key}\n")
            result = self.launch_without_key_variables(
                "profile.zarr", {"AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_PROFILE": "lab"})
            self.assertEqual(result.returncode, 0, (result.stdout + result.stderr)[-2000:])
            self.assertFalse(GATEWAY.secret_key in result.stdout + result.stderr)
            download("profile.zarr", tmp + "/dl")
            self.assertEqual(open_array(tmp + "/dl").shape, (2, 1, 48, 64))

    def test_no_credentials(self):
        result = self.launch_without_key_variables("none.zarr", {"AWS_PROFILE": "nobody"})
        output = result.stdout + result.stderr
        self.assertNotEqual(result.returncode, 0, output[-2000:])
        self.assertIn("AWS_ACCESS_KEY_ID", output)
        self.assertEqual(GATEWAY.list_keys(BUCKET, "none.zarr/"), [])


class Properties(unittest.TestCase):
    def test_defaults_and_values(self):
        sink = Gst.ElementFactory.make("zarrsink", None)
        self.assertIsNone(sink.get_property("s3-endpoint"))
        self.assertEqual(sink.get_property("s3-region"), "us-east-1")
        self.assertEqual(sink.get_property("s3-multipart-threshold"), 64 << 20)
        sink.set_property("s3-endpoint", "http://127.0.0.1:9000")
        sink.set_property("s3-region", "eu-west-2")
        sink.set_property("s3-multipart-threshold", 5 << 20)
        sink.set_property("location", "s3://bucket/path/name.zarr")
        self.assertEqual(sink.get_property("s3-endpoint"), "http://127.0.0.1:9000")
        self.assertEqual(sink.get_property("s3-region"), "eu-west-2")
        self.assertEqual(sink.get_property("s3-multipart-threshold"), 5 << 20)
        self.assertEqual(sink.get_property("location"), "s3://bucket/path/name.zarr")
        for name in ("s3-endpoint", "s3-region", "s3-multipart-threshold"):
            spec = sink.find_property(name)
            self.assertTrue(spec.flags & Gst.PARAM_MUTABLE_READY, name)
            self.assertTrue(spec.blurb, name)
        # No property may carry credentials.
        names = [p.name for p in sink.list_properties()]
        self.assertFalse([n for n in names if re.search("key|secret|token|password|credential", n)], names)

    def test_multipart_threshold_below_5_mib_rejected(self):
        sink = Gst.ElementFactory.make("zarrsink", None)
        self.assertEqual(sink.find_property("s3-multipart-threshold").minimum, 5 << 20)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sink.set_property("s3-multipart-threshold", (5 << 20) - 1)
            Gst.util_set_object_arg(sink, "s3-multipart-threshold", "1048576")
        self.assertEqual(sink.get_property("s3-multipart-threshold"), 64 << 20)
        self.assertEqual(len([w for w in caught if "s3-multipart-threshold" in str(w.message)]), 2,
                         [str(w.message) for w in caught])


def _interrupt(*_):
    # meson's timeout sends SIGTERM. unittest records a SystemExit raised inside
    # a test as an error and goes on with the next test; KeyboardInterrupt ends
    # the run, and the harness stops its daemons at exit.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    unittest.main(verbosity=2)
