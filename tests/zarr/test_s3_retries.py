"""How the S3 store meets a failing server: a small in-memory S3 of the
test's own (http.server on an ephemeral port) that answers 503/500/429 or
resets the connection for chosen requests. Transient failures are retried
and the dataset zarr-python reads is complete; a server that keeps failing
ends in a clear error after the bounded number of tries; a 403 with an S3
error body is not retried and its code is in the message."""
import http.server
import re
import os
import shutil
import socket
import struct
import subprocess
import threading
import unittest
import urllib.parse
from xml.sax.saxutils import escape

import numpy as np

import zarr_testing as zt

BUCKET = "fake-bucket"
ACCESS_KEY = "AKFAKEFAKEFAKE"
SECRET_KEY = "fake/secret+key"


class FakeS3(http.server.ThreadingHTTPServer):
    """Objects in a dict; `failures` maps a request number (1-based) to what
    goes wrong with it: an HTTP status (with an S3 error body) or "reset"."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.objects = {}
        self.failures = {}
        self.fail_always = None
        self.expect_token = None
        self.fail_when = None  # or f(request number, method, path) -> failure or None
        self.requests = []  # (method, path) of every request, in order
        self.connections = set()  # client (address, port) of every request: one per TCP connection
        self.uploads = {}
        self.aborted = []  # keys of aborted multipart uploads  # multipart upload id -> {part number: bytes}
        self.problems = []  # what the handler found wrong with a request (signing headers)
        self.lock = threading.Lock()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path))
            server.connections.add(self.client_address)
            number = len(server.requests)
            failure = server.fail_always or server.failures.get(number)
            if server.fail_when:
                failure = server.fail_when(number, self.command, self.path)
        auth = self.headers.get("Authorization", "")
        if not auth.startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/") or \
                self.headers.get("x-amz-content-sha256") != "UNSIGNED-PAYLOAD":
            server.problems.append(f"{self.command} {self.path}: not signed as expected: {auth!r}")
        if server.expect_token is not None:
            signed = auth.partition("SignedHeaders=")[2].partition(",")[0].split(";")
            if self.headers.get("x-amz-security-token") != server.expect_token or "x-amz-security-token" not in signed:
                server.problems.append(f"{self.command} {self.path}: session token missing or not signed")
        length = int(self.headers.get("Content-Length", 0))
        if failure == "reset":
            # RST instead of an answer: linger 0, then close.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        body = self.rfile.read(length) if length else b""
        if failure is not None:
            code = {403: "AccessDenied", 429: "SlowDown", 500: "InternalError", 503: "SlowDown"}[failure]
            return self.answer(failure, f"<Error><Code>{code}</Code><Message>Injected {code}</Message></Error>"
                               .encode())
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if not path.startswith(f"/{BUCKET}"):
            return self.answer(404, b"<Error><Code>NoSuchBucket</Code></Error>")
        key = path[len(BUCKET) + 2:]
        if self.command == "GET" and not key and query.get("list-type") == "2":
            with server.lock:
                keys = sorted(k for k in server.objects if k.startswith(query.get("prefix", "")))
            # Pages of at most 3 keys, so listings must follow continuation tokens.
            start = int(query.get("continuation-token", "0"))
            page = keys[start:start + min(3, int(query.get("max-keys", 1000)))]
            truncated = start + len(page) < len(keys)
            token = f"<NextContinuationToken>{start + len(page)}</NextContinuationToken>" if truncated else ""
            contents = "".join(f"<Contents><Key>{escape(k)}</Key></Contents>" for k in page)
            return self.answer(200, f"<ListBucketResult><IsTruncated>{str(truncated).lower()}</IsTruncated>"
                                    f"{token}{contents}"
                                    "</ListBucketResult>".encode())
        with server.lock:
            if self.command == "POST" and "uploads" in query:
                upload_id = f"upload-{len(server.uploads) + 1}"
                server.uploads[upload_id] = {}
                return self.answer(200, f"<InitiateMultipartUploadResult><UploadId>{upload_id}</UploadId>"
                                        "</InitiateMultipartUploadResult>".encode())
            if self.command == "PUT" and "partNumber" in query:
                server.uploads[query["uploadId"]][int(query["partNumber"])] = body
                return self.answer(200, b"", etag=f'"part{query["partNumber"]}"')
            if self.command == "POST" and "uploadId" in query:
                parts = server.uploads.pop(query["uploadId"])
                numbers = [int(n) for n in re.findall(rb"<PartNumber>(\d+)</PartNumber>", body)]
                etags = re.findall(rb"<ETag>&quot;part(\d+)&quot;</ETag>", body)
                if numbers != sorted(parts) or [int(e) for e in etags] != numbers:
                    return self.answer(400, b"<Error><Code>InvalidPart</Code></Error>")
                server.objects[key] = b"".join(parts[n] for n in numbers)
                return self.answer(200, b"<CompleteMultipartUploadResult></CompleteMultipartUploadResult>")
            if self.command == "DELETE" and "uploadId" in query:
                server.uploads.pop(query["uploadId"], None)
                server.aborted.append(key)
                return self.answer(204, b"")
            if self.command == "PUT" and not query:
                server.objects[key] = body
                return self.answer(200, b"", etag='"x"')
            if self.command in ("GET", "HEAD"):
                if key not in server.objects:
                    return self.answer(404, b"<Error><Code>NoSuchKey</Code></Error>")
                return self.answer(200, server.objects[key])
            if self.command == "DELETE":
                server.objects.pop(key, None)
                return self.answer(204, b"")
        return self.answer(501, b"<Error><Code>NotImplemented</Code></Error>")

    def answer(self, status, body, etag=None):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_one


class Retries(unittest.TestCase):
    def setUp(self):
        self.dir = zt.work_dir()
        self.server = FakeS3()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, session_token=None, **options):
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
               "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}
        env.pop("AWS_SESSION_TOKEN", None)
        if session_token:
            env["AWS_SESSION_TOKEN"] = session_token
        args = [zt.WRITER, f"--location=s3://{BUCKET}/run.zarr", f"--s3-endpoint={self.server.endpoint}",
                "--threads=2"]
        args += [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
        return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)

    def stored_dataset(self):
        """The fake server's objects as a directory, for zarr-python."""
        root = os.path.join(self.dir, "run.zarr")
        for key, body in self.server.objects.items():
            self.assertTrue(key.startswith("run.zarr/"), key)
            path = os.path.join(root, *key[len("run.zarr/"):].split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(body)
        return root

    def assertComplete(self, result, frames):
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.server.problems, [])
        array = zt.open_array(self.stored_dataset())
        np.testing.assert_array_equal(array[:], zt.expected(frames, 1, 48, 64, "uint8"))

    def test_connections_are_reused(self):
        self.assertComplete(self.write(frames=8, tile_planes=1, threads=2), 8)
        # 4 metadata objects, then per row a chunk and a .zarray, over at most
        # one connection per thread sending (the caller and 2 workers).
        self.assertGreater(len(self.server.requests), 20)
        self.assertLessEqual(len(self.server.connections), 3)

    def test_multipart_upload(self):
        # 1024 x 1024 uint16 frames in v3 shards of 2 chunks of 3 frames: 12 MiB, three 5 MiB parts.
        result = self.write(zarr_version=3, width=1024, height=1024, dtype="uint16", frames=6, tile_planes=3,
                            chunks_per_shard_t=2, s3_multipart_threshold=5 << 20)
        self.assertEqual(result.returncode, 0, result.stderr)
        parts = [p for m, p in self.server.requests if m == "PUT" and "partNumber=" in p]
        self.assertEqual(len(parts), 3)
        self.assertEqual(len(self.server.objects["run.zarr/0/c/0/0/0/0"]), 12 * (1 << 20) + 2 * 16 + 4)
        got, _ = zt.read_v3(self.stored_dataset(), "0")
        np.testing.assert_array_equal(got, zt.expected(6, 1, 1024, 1024, "uint16"))

    def test_multipart_upload_aborted_on_failure(self):
        def fail_second_part(number, method, path):
            return 403 if method == "PUT" and "partNumber=2&" in path else None
        self.server.fail_when = fail_second_part
        result = self.write(zarr_version=3, width=1024, height=1024, dtype="uint16", frames=6, tile_planes=3,
                            chunks_per_shard_t=2, s3_multipart_threshold=5 << 20)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("error write_failed:", result.stderr)
        self.assertIn(f"s3://{BUCKET}/run.zarr/0/c/0/0/0/0: HTTP 403 AccessDenied", result.stderr)
        self.assertEqual(self.server.aborted, ["run.zarr/0/c/0/0/0/0"])
        self.assertEqual(self.server.uploads, {})
        self.assertNotIn("run.zarr/0/c/0/0/0/0", self.server.objects)

    def test_unresolvable_endpoint_is_not_retried(self):
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
        result = subprocess.run([zt.WRITER, f"--location=s3://{BUCKET}/run.zarr",
                                 "--s3-endpoint=http://no-such-host.invalid"],
                                capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"error open_failed: cannot list s3://{BUCKET}/run.zarr: ", result.stderr)
        self.assertIn("(endpoint http://no-such-host.invalid)", result.stderr)
        self.assertNotIn("tries in all", result.stderr)

    def test_overwrite_follows_listing_pages(self):
        self.assertComplete(self.write(frames=8, tile_planes=1), 8)
        self.server.objects["run.zarr2/keep"] = b"keep"  # a sibling prefix, never touched
        self.assertEqual(len([k for k in self.server.objects if k.startswith("run.zarr/")]), 12)
        result = self.write(frames=3, tile_planes=1, overwrite=1)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(self.server.objects),
                         ["run.zarr/.zattrs", "run.zarr/.zgroup", "run.zarr/0/.zarray", "run.zarr/0/.zattrs",
                          "run.zarr/0/0/0/0/0", "run.zarr/0/1/0/0/0", "run.zarr/0/2/0/0/0", "run.zarr2/keep"])
        del self.server.objects["run.zarr2/keep"]
        np.testing.assert_array_equal(zt.open_array(self.stored_dataset())[:], zt.expected(3, 1, 48, 64, "uint8"))

    def test_transient_failures_are_retried(self):
        # The listing at start fails 3 times (503, 500, 429), then requests
        # in the middle of the recording fail once or twice each.
        self.server.failures = {1: 503, 2: 500, 3: 429, 9: 503, 12: 503, 13: 500, 20: 503}
        result = self.write(frames=8, tile_planes=1)
        self.assertComplete(result, 8)
        self.assertGreaterEqual(len(self.server.requests), 21)

    def test_connection_resets_are_retried(self):
        self.server.failures = {1: "reset", 2: "reset", 7: "reset", 11: "reset", 12: "reset"}
        self.assertComplete(self.write(frames=6, tile_planes=1), 6)

    def test_gives_up_after_five_tries(self):
        self.server.fail_always = 503
        result = self.write(frames=2)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("error open_failed:", result.stderr)
        self.assertIn(f"s3://{BUCKET}/run.zarr", result.stderr)
        self.assertIn("HTTP 503 SlowDown", result.stderr)
        self.assertIn("5 tries in all", result.stderr)
        self.assertEqual(len(self.server.requests), 5)

    def test_gives_up_mid_recording_keeping_what_was_stored(self):
        # Row 3's chunk fails for good (the metadata is written on its own
        # thread, so requests are not counted): rows 0-2 stay published.
        self.server.fail_when = lambda number, method, path: 503 if method == "PUT" and "/0/3/" in path else None
        result = self.write(frames=8, tile_planes=1, threads=1)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("error write_failed:", result.stderr)
        self.assertIn("5 tries in all", result.stderr)
        array = zt.open_array(self.stored_dataset())
        rows = array.shape[0]
        self.assertEqual(rows, 3)
        np.testing.assert_array_equal(array[:], zt.expected(rows, 1, 48, 64, "uint8"))

    def test_access_denied_is_not_retried(self):
        self.server.fail_always = 403
        result = self.write(frames=2)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("error open_failed:", result.stderr)
        self.assertIn(f"s3://{BUCKET}/run.zarr: HTTP 403 AccessDenied: Injected AccessDenied", result.stderr)
        self.assertEqual(len(self.server.requests), 1)
        self.assertNotIn(SECRET_KEY, result.stderr + result.stdout)

    def test_session_token_is_sent_and_signed(self):
        self.server.expect_token = "the-token"
        result = self.write(session_token="the-token", frames=2)
        self.assertComplete(result, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
