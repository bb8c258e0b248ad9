"""zarrsink's unlock against a stalled S3 gateway: a fake S3 on 127.0.0.1
(tests/zarr/test_s3_retries.py's, in memory) answers what opening the
dataset needs (the listing, the metadata PUTs), then from the first chunk
PUT on reads every request and never answers, as a gateway that hangs. A
pipeline stuck in that PUT must still go to NULL within 2 s (the element's
unlock cancels the upload) and say on the bus that the recording was
interrupted.

Without a working unlock set_state(NULL) waits for libcurl's stall timeout
and the retries (minutes): a watchdog ends the process after 20 s with a
message saying so, well inside meson's 60 s."""
import os
import re
import sys
import threading
import time
import unittest

from test_s3_retries import ACCESS_KEY, BUCKET, SECRET_KEY, FakeS3, Handler  # tests/zarr
from zarrsink_testing import Gst

WATCHDOG_S = 20
NULL_WITHIN_S = 2.0
METADATA_NAMES = (".zgroup", ".zattrs", ".zarray", "zarr.json")


def is_chunk_put(method, path):
    name = path.partition("?")[0].rstrip("/").rpartition("/")[2]
    return method == "PUT" and name not in METADATA_NAMES


class StallingHandler(Handler):
    """Handler's answers until the first chunk PUT; from then on every
    request is read and left unanswered until the test ends."""

    def handle_one(self):
        server = self.server
        if not server.stalling.is_set() and not is_chunk_put(self.command, self.path):
            return super().handle_one()
        server.stalling.set()
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        with server.lock:
            server.requests.append((self.command, self.path))
            server.stalled.append((self.command, self.path, length))
        server.test_over.wait(WATCHDOG_S + 10)
        self.close_connection = True

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_one


class StallingS3(FakeS3):
    def __init__(self):
        super().__init__()
        self.RequestHandlerClass = StallingHandler
        self.stalling = threading.Event()  # set by the first chunk PUT
        self.stalled = []  # (method, path, body length) of every request left unanswered
        self.test_over = threading.Event()


def start_watchdog(what):
    """Ends the whole process after WATCHDOG_S unless cancelled: a
    set_state() that hangs cannot be interrupted from Python."""
    def expire():
        sys.stderr.write(f"\nFAIL: {what} did not return within {WATCHDOG_S} s: zarrsink's unlock does not "
                         "interrupt an S3 request the gateway never answers. Ending the test process.\n")
        sys.stderr.flush()
        os._exit(1)
    timer = threading.Timer(WATCHDOG_S, expire)
    timer.daemon = True
    timer.start()
    return timer


class UnlockOnStalledGateway(unittest.TestCase):
    def setUp(self):
        self.server = StallingS3()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.saved_environment = dict(os.environ)
        os.environ.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                           "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull})
        os.environ.pop("AWS_SESSION_TOKEN", None)

    def tearDown(self):
        self.server.test_over.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        os.environ.clear()
        os.environ.update(self.saved_environment)

    def test_null_within_two_seconds_while_a_chunk_put_is_stalled(self):
        pipeline = Gst.parse_launch(
            "acqsrc is-live=false ! video/x-raw,format=GRAY8,width=64,height=48 ! "
            f"zarrsink name=sink location=s3://{BUCKET}/x.zarr s3-endpoint={self.server.endpoint} tile-planes=4")
        # Keep the messages posted while going to NULL (the bus is flushed then by default).
        pipeline.set_auto_flush_bus(False)
        bus = pipeline.get_bus()
        messages = []
        self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING), Gst.StateChangeReturn.FAILURE)

        # Until a chunk PUT hangs; an error before that is the test's setup failing.
        deadline = time.monotonic() + 30
        while not self.server.stalling.is_set() and time.monotonic() < deadline:
            message = bus.timed_pop_filtered(50 * Gst.MSECOND, Gst.MessageType.ERROR)
            if message:
                error, debug = message.parse_error()
                watchdog = start_watchdog("set_state(NULL) after an early error")
                pipeline.set_state(Gst.State.NULL)
                watchdog.cancel()
                self.fail(f"error before any chunk PUT: {error.message} ({debug}); requests {self.server.requests}")
        self.assertTrue(self.server.stalling.is_set(), f"no chunk PUT within 30 s; requests {self.server.requests}")
        time.sleep(0.2)  # the PUT is now inside libcurl, waiting for an answer
        self.assertEqual(self.server.problems, [])
        with self.server.lock:
            opening = [(m, p) for m, p in self.server.requests if (m, p) not in
                       [(sm, sp) for sm, sp, _ in self.server.stalled]]
            first_stalled = self.server.stalled[0]
        sys.stderr.write(f"answered before the stall: {opening}\nstalled: {first_stalled}\n")
        self.assertTrue(any(m == "GET" and "list-type=2" in p for m, p in opening), opening)
        self.assertIn(("PUT", f"/{BUCKET}/x.zarr/.zgroup"), opening)
        self.assertRegex(first_stalled[1], rf"^/{BUCKET}/x\.zarr/0/\d+/0/0/0$")
        self.assertGreater(first_stalled[2], 0)

        watchdog = start_watchdog("set_state(NULL)")
        started = time.monotonic()
        result = pipeline.set_state(Gst.State.NULL)
        took = time.monotonic() - started
        watchdog.cancel()
        sys.stderr.write(f"set_state(NULL) returned {result.value_nick} after {took:.3f} s\n")
        self.assertLess(took, NULL_WITHIN_S)
        self.assertEqual(result, Gst.StateChangeReturn.SUCCESS)

        while (message := bus.pop()) is not None:
            messages.append(message)
        reports = []
        for message in messages:
            if message.src.get_name() != "sink":
                continue
            if message.type == Gst.MessageType.ERROR:
                reports.append(message.parse_error())
            elif message.type == Gst.MessageType.WARNING:
                reports.append(message.parse_warning())
        texts = [f"{error.message} ({debug})" for error, debug in reports]
        self.assertTrue(any(re.search(r"interrupt|cancel", text, re.IGNORECASE) for text in texts),
                        f"no error or warning from zarrsink saying the recording was interrupted; got {texts}")
        for text in texts:
            self.assertNotIn(SECRET_KEY, text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
