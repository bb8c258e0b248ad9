"""The zarr/ library writing to a real S3 endpoint: a Ceph RADOS Gateway on
loopback (tests/s3/ceph_gateway.py). Every object is downloaded with boto3
and read by zarr-python (v2) or zarrita (v3) value by value; multipart
uploads, overwrite rules, S3 errors and a gateway killed mid-recording."""
import json
import os
import shutil
import subprocess
import time
import unittest

import numpy as np

import zarr_testing as zt
from ceph_gateway import CephGateway

MIB = 1 << 20


class S3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gateway = CephGateway().__enter__()
        cls.bucket = "zarr-tests"
        cls.gateway.create_bucket(cls.bucket)
        cls.s3 = cls.gateway.s3_client()

    @classmethod
    def tearDownClass(cls):
        cls.gateway.__exit__(None, None, None)

    def setUp(self):
        self.dir = zt.work_dir()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self, **changes):
        env = {**os.environ, **self.gateway.env()}
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def write(self, prefix, env=None, bucket=None, **options):
        args = [zt.WRITER, f"--location=s3://{bucket or self.bucket}/{prefix}",
                f"--s3-endpoint={self.gateway.endpoint}"]
        args += [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
        return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env or self.env())

    def assertWrote(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)

    def assertFails(self, result, code, *fragments):
        self.assertEqual(result.returncode, 2, f"expected a failure, got: {result.stdout} {result.stderr}")
        self.assertIn(f"error {code}:", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertNotIn(self.gateway.secret_key, result.stderr)

    def download(self, prefix):
        local = os.path.join(self.dir, prefix.replace("/", "_"))
        shutil.rmtree(local, ignore_errors=True)
        self.gateway.download_prefix(self.bucket, prefix, local)
        return local

    def keys(self, prefix):
        return sorted(k[len(prefix) + 1:] for k in self.gateway.list_keys(self.bucket, prefix + "/"))

    # --- datasets read back -------------------------------------------------

    def test_v2_multiscale_read_by_zarr_python(self):
        prefix = "v2/run 1+%~é.zarr"  # a key that needs percent-encoding
        frames, channels, height, width = 5, 2, 40, 70
        self.assertWrote(self.write(prefix, frames=frames, channels=channels, height=height, width=width,
                                    dtype="uint16", tile_width=32, tile_height=16, tile_planes=2,
                                    compressor="blosc-lz4", clevel=5, multiscale=1))
        local = self.download(prefix)
        group = zt.zarr.open_group(local, mode="r")
        want = np.array(np.broadcast_to(zt.expected(frames, channels, height, width, "uint16"),
                                        (frames, channels, height, width)))
        levels = zt.pyramid(want, 3, "mean")
        for k, level in enumerate(levels):
            with self.subTest(level=k):
                np.testing.assert_array_equal(group[str(k)][:], level)
        self.assertEqual(len(group.attrs["multiscales"][0]["datasets"]), 3)

    def test_v3_sharded_multiscale_read_by_zarrita(self):
        prefix = "v3/sharded.zarr"
        frames, height, width = 6, 48, 64
        self.assertWrote(self.write(prefix, zarr_version=3, frames=frames, height=height, width=width,
                                    dtype="int16", tile_width=16, tile_height=16, tile_planes=2,
                                    chunks_per_shard_t=2, chunks_per_shard_y=2, chunks_per_shard_x=2,
                                    compressor="blosc-zstd", multiscale=1))
        local = self.download(prefix)
        want = np.array(np.broadcast_to(zt.expected(frames, 1, height, width, "int16"), (frames, 1, height, width)))
        for k, level in enumerate(zt.pyramid(want, 3, "mean")):
            with self.subTest(level=k):
                got, dtype = zt.read_v3(local, str(k))
                self.assertEqual(dtype, "int16")
                np.testing.assert_array_equal(got, level)
                zt.check_shards(self, local, str(k), 8)
        self.assertIn("0/c/1/0/1/1", self.keys(prefix))  # shards of 2x2x2 chunks: t 0..1, y 0..1, x 0..1

    def test_multipart_shard(self):
        # Shards of 4 frames of 1024 x 1024 uint16 (8 MiB) above a 5 MiB threshold: two parts each.
        prefix = "multipart.zarr"
        frames, height, width = 6, 1024, 1024
        self.assertWrote(self.write(prefix, zarr_version=3, frames=frames, height=height, width=width,
                                    dtype="uint16", tile_planes=2, chunks_per_shard_t=2,
                                    s3_multipart_threshold=5 * MIB))
        head = self.s3.head_object(Bucket=self.bucket, Key=prefix + "/0/c/0/0/0/0")
        self.assertGreater(head["ContentLength"], 5 * MIB)
        self.assertTrue(head["ETag"].strip('"').endswith("-2"), f"not a 2-part upload: ETag {head['ETag']}")
        small = self.s3.head_object(Bucket=self.bucket, Key=prefix + "/0/c/1/0/0/0")  # the last shard: 2 frames
        self.assertNotIn("-", small["ETag"].strip('"'))
        local = self.download(prefix)
        got, _ = zt.read_v3(local, "0")
        np.testing.assert_array_equal(got, zt.expected(frames, 1, height, width, "uint16"))
        zt.check_shards(self, local, "0", 2)
        # No multipart upload left open.
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", []), [])

    # --- overwrite ------------------------------------------------------------

    def test_overwrite_rules(self):
        prefix = "overwrite/run.zarr"
        self.assertWrote(self.write(prefix, frames=4, tile_planes=1))
        # A sibling whose name starts the same must never be touched.
        self.s3.put_object(Bucket=self.bucket, Key="overwrite/run.zarr2/keep.txt", Body=b"keep")
        before = self.keys(prefix)
        self.assertIn("0/3/0/0/0", before)

        self.assertFails(self.write(prefix, frames=2), "already_exists", f"s3://{self.bucket}/{prefix}", "overwrite")
        self.assertEqual(self.keys(prefix), before)

        self.assertWrote(self.write(prefix, frames=2, tile_planes=1, overwrite=1))
        after = self.keys(prefix)
        self.assertNotIn("0/3/0/0/0", after)  # the old recording's chunks are gone
        self.assertIn("0/1/0/0/0", after)
        np.testing.assert_array_equal(zt.open_array(self.download(prefix))[:], zt.expected(2, 1, 48, 64, "uint8"))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="overwrite/run.zarr2/keep.txt")["Body"].read(),
                         b"keep")

        # Objects that are not a Zarr dataset are never removed, overwrite or not.
        self.s3.put_object(Bucket=self.bucket, Key="notzarr/data.zarr/notes.txt", Body=b"x")
        self.assertFails(self.write("notzarr/data.zarr", overwrite=1), "already_exists", "not a Zarr dataset")
        self.assertEqual(self.keys("notzarr/data.zarr"), ["notes.txt"])

    # --- errors ---------------------------------------------------------------

    def test_wrong_secret_key(self):
        result = self.write("denied.zarr", env=self.env(AWS_SECRET_ACCESS_KEY="not-the-secret"))
        self.assertFails(result, "open_failed", f"s3://{self.bucket}/denied.zarr", "403", "SignatureDoesNotMatch")
        self.assertNotIn("not-the-secret", result.stderr)
        self.assertEqual(self.keys("denied.zarr"), [])

    def test_missing_bucket(self):
        self.assertFails(self.write("run.zarr", bucket="no-such-bucket"), "open_failed",
                         "s3://no-such-bucket/run.zarr", "404", "NoSuchBucket")

    def test_missing_credentials(self):
        env = self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_PROFILE="nobody",
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "none"),
                       AWS_CONFIG_FILE=os.path.join(self.dir, "none"))
        self.assertFails(self.write("nocreds.zarr", env=env), "open_failed", "AWS_ACCESS_KEY_ID",
                         "AWS_SECRET_ACCESS_KEY", "nobody")

    def test_credentials_file_and_profile(self):
        credentials = os.path.join(self.dir, "credentials")
        with open(credentials, "w") as f:
            f.write(f"[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n\n"
                    f"[lab]\naws_access_key_id = {self.gateway.access_key}\n"
                    f"aws_secret_access_key = {self.gateway.secret_key}\n")
        env = self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_PROFILE="lab",
                       AWS_SHARED_CREDENTIALS_FILE=credentials)
        self.assertWrote(self.write("profile.zarr", env=env, frames=2))
        np.testing.assert_array_equal(zt.open_array(self.download("profile.zarr"))[:],
                                      zt.expected(2, 1, 48, 64, "uint8"))

    def test_zz_gateway_killed_mid_recording(self):
        # Last (by name): the gateway is down for a while.
        prefix = "killed.zarr"
        resume = os.path.join(self.dir, "resume")
        args = [zt.WRITER, f"--location=s3://{self.bucket}/{prefix}", f"--s3-endpoint={self.gateway.endpoint}",
                "--frames=10", "--tile-planes=2", "--pause-after-frames=4", f"--resume-file={resume}"]
        writer = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env())
        try:
            self.assertEqual(writer.stdout.readline().strip(), "paused")
            # Wait until both completed rows and the metadata saying so are stored.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    meta = json.loads(self.s3.get_object(Bucket=self.bucket, Key=prefix + "/0/.zarray")["Body"].read())
                    if meta["shape"][0] == 4:
                        break
                except self.s3.exceptions.NoSuchKey:
                    pass
                time.sleep(0.1)
            self.assertEqual(meta["shape"][0], 4)
            self.gateway.kill_gateway()
            open(resume, "w").close()
            out, err = writer.communicate(timeout=120)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            if not os.path.exists(resume):
                open(resume, "w").close()
            self.gateway.restart_gateway()
        self.assertEqual(writer.returncode, 2, out + err)
        self.assertIn("error write_failed:", err)
        self.assertIn(f"s3://{self.bucket}/{prefix}/", err)
        self.assertIn("tries in all", err)
        # What was stored before the gateway died is a readable 4-frame dataset.
        np.testing.assert_array_equal(zt.open_array(self.download(prefix))[:], zt.expected(4, 1, 48, 64, "uint8"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
