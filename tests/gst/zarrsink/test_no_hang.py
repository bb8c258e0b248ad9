"""gst-launch-1.0 never hangs when zarrsink refuses its settings (issue 15).

gst-launch-1.0 1.22 loses an ERROR posted before its main loop runs, and the
pipeline then waits in its change to PAUSED for ever. Settings that can never
work are refused at start, so the state change itself fails. The hang showed
in about 1 run in 4, more on a busy machine: each reproducer runs many times
with two busy loops beside it, each run with a timeout."""
import os
import subprocess
import time
import unittest

from zarrsink_testing import TempDir

RUNS = int(os.environ.get("ZARRSINK_NO_HANG_RUNS", "50"))
RUN_TIMEOUT_S = 10
# gst-launch-1.0's exit status when the pipeline refuses to go to PAUSED.
STATE_CHANGE_FAILURE = 255

REPRODUCERS = {
    "tile-planes": "tile-planes=4294967295",
    "max-bytes-per-chunk": "max-bytes-per-chunk=18446744073709551615",
}


class BusyLoops:
    """Two processes spinning, as the issue's "machine kept busy"."""

    def __enter__(self):
        self.loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(2)]
        return self

    def __exit__(self, *exc):
        for loop in self.loops:
            loop.kill()
            loop.wait()


def launch(location, setting):
    command = ["gst-launch-1.0", "-e", "acqsrc", "is-live=false", "num-buffers=9", "!",
               "video/x-raw,format=GRAY8,width=97,height=61", "!", "zarrsink", f"location={location}", setting]
    return subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)


class NoHang(unittest.TestCase):
    def test_refused_settings_end_gst_launch(self):
        started = time.monotonic()
        with TempDir() as tmp, BusyLoops():
            for name, setting in REPRODUCERS.items():
                location = os.path.join(tmp, "h.zarr")
                for run in range(RUNS):
                    label = f"{setting}, run {run + 1} of {RUNS}"
                    try:
                        result = launch(location, setting)
                    except subprocess.TimeoutExpired:
                        self.fail(f"gst-launch-1.0 hung ({RUN_TIMEOUT_S} s) with {label}")
                    output = result.stdout + result.stderr
                    self.assertEqual(result.returncode, STATE_CHANGE_FAILURE, f"{label}:\n{output}")
                    self.assertIn(f'invalid setting "{name}"', output, label)
                    self.assertIn("Failed to set pipeline to PAUSED", output, label)
                    self.assertFalse(os.path.exists(location), f"{label} left {location} behind")
        print(f"{RUNS} runs of each of {len(REPRODUCERS)} reproducers, 0 hangs, "
              f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    unittest.main()
