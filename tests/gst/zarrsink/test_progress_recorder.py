"""examples/record_with_progress.py, the recorder with a progress line that
scripts/record.sh uses: its progress lines follow the recording (frames on
disk growing by chunk rows up to what zarr-python reads back, the
compression ratio of the chunk files), a failing pipeline exits non-zero
with the error, and Ctrl-C (SIGINT) ends the recording with EOS, leaving a
finished dataset."""
import os
import pty
import re
import signal
import subprocess
import sys
import time
import unittest

from zarrsink_testing import TempDir, assert_radial_sin_live, chunk_files, open_array

RECORDER = os.path.join(os.environ["ZARRSINK_EXAMPLES_DIR"], "record_with_progress.py")
FIGURES = r"(\d+) frames on disk, ([\d.]+) MB at ([\d.]+) MB/s, compression ([\d.]+|inf)x, (\d+) dropped"
PROGRESS = re.compile(r"^[\d.]+ s: " + FIGURES + "$")
SUMMARY = re.compile(r"^zarrsink0 recorded [\d.]+ s: " + FIGURES + "; location (.*)$")


def camera(location, width, height, period_us, *more):
    """The simulated radial-sine camera into zarrsink, as recorder arguments."""
    return ["acqsrc", "camera=simulated: radial sin", f"exposure-time-us={period_us}", *more,
            "!", f"video/x-raw,format=GRAY8,width={width},height={height}",
            "!", "zarrsink", f"location={location}", "tile-planes=4", "compressor=blosc-lz4"]


def progress_frames(stderr):
    """The frames of each progress line, in order."""
    return [int(match.group(1)) for match in map(PROGRESS.match, stderr.splitlines()) if match]


def summary(stdout):
    """(frames, compression ratio, dropped, location) of the summary line."""
    matches = [match for match in map(SUMMARY.match, stdout.splitlines()) if match]
    assert len(matches) == 1, stdout
    match = matches[0]
    return int(match.group(1)), float(match.group(4)), int(match.group(5)), match.group(6)


class ProgressRecorder(unittest.TestCase):
    def record(self, *pipeline, interval="0.1"):
        return subprocess.run([sys.executable, RECORDER, "--interval", interval, *pipeline], capture_output=True,
                              text=True, timeout=240)

    def test_progress_lines_follow_the_recording_up_to_what_is_read_back(self):
        with TempDir() as tmp:
            location = f"{tmp}/progress.zarr"
            # 60 frames at 20 ms: about 1.2 s, a progress line every 0.1 s.
            result = self.record(*camera(location, 64, 48, 20000, "num-buffers=60"))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            array = open_array(location)
            frames, ratio, dropped, where = summary(result.stdout)
            self.assertEqual(where, location)
            self.assertEqual(frames, array.shape[0])
            self.assertGreater(frames, 40, result.stdout)  # a few frames may be lost on a busy machine
            self.assertEqual(dropped, array.attrs["acquisition"]["frames_lost"])
            assert_radial_sin_live(array[:], 64, 48, 0.02)

            counts = progress_frames(result.stderr)
            self.assertGreaterEqual(len(set(counts)), 2, result.stderr)  # seen while it grew
            self.assertEqual(counts, sorted(counts), result.stderr)
            self.assertEqual(counts[-1], frames, result.stderr)
            # Frames are on disk a chunk row (4 frames) at a time, the last row partial.
            self.assertTrue(all(count % 4 == 0 for count in counts[:-1]), result.stderr)

            # The ratio is the frames' bytes over the chunk files' bytes.
            stored = sum(os.path.getsize(os.path.join(location, "0", name)) for name in chunk_files(location))
            self.assertAlmostEqual(ratio, frames * 64 * 48 / stored, delta=0.01)
            self.assertGreater(ratio, 1.5)  # blosc-lz4 on radial-sine frames

    def test_on_a_terminal_the_line_is_redrawn_in_place(self):
        with TempDir() as tmp:
            location = f"{tmp}/tty.zarr"
            controller, terminal = pty.openpty()
            process = subprocess.Popen([sys.executable, RECORDER, *camera(location, 64, 48, 20000, "num-buffers=30")],
                                       stdout=subprocess.PIPE, stderr=terminal, text=True)
            os.close(terminal)
            shown = b""
            while True:
                try:
                    data = os.read(controller, 4096)
                except OSError:  # EIO: the recorder has ended, its terminal closed
                    break
                if not data:
                    break
                shown += data
            os.close(controller)
            stdout, _ = process.communicate(timeout=60)
            self.assertEqual(process.returncode, 0, stdout + shown.decode())
            frames = summary(stdout)[0]
            # One line, redrawn; its last state, every frame on disk, ended by
            # a newline (the terminal writes \n as \r\n) once the recording is done.
            last = shown.decode().rsplit("\r\x1b[K", 1)[-1]
            self.assertTrue(last.endswith("\r\n"), shown)
            match = PROGRESS.match(last[:-2])
            self.assertTrue(match, shown)
            self.assertEqual(int(match.group(1)), frames, shown)

    def test_a_failing_pipeline_exits_non_zero_with_the_error(self):
        result = self.record("videotestsrc", "num-buffers=3", "!", "video/x-raw,format=GRAY8,width=32,height=16", "!",
                             "zarrsink", "location=/dev/null/x.zarr")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("ERROR from /GstPipeline:pipeline0/GstZarrSink:zarrsink0", result.stderr)
        self.assertIn("Not a directory", result.stderr)
        self.assertIn("zarrsink0 failed after", result.stdout)

        result = self.record("videotestsrc", "!", "no-such-element")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('no element "no-such-element"', result.stderr)

    def test_sigint_ends_with_eos_and_a_finished_dataset(self):
        with TempDir() as tmp:
            location = f"{tmp}/ctrl-c.zarr"
            process = subprocess.Popen([sys.executable, RECORDER, "--interval", "0.05",
                                        *camera(location, 320, 240, 13000)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                # Two chunk rows on disk (the handler is in place once lines come), then some more frames.
                seen = []
                deadline = time.monotonic() + 120
                while not seen or seen[-1] < 8:
                    line = process.stderr.readline()
                    self.assertTrue(line and time.monotonic() < deadline, f"no progress: {seen}")
                    seen += progress_frames(line)
                time.sleep(0.2)
                process.send_signal(signal.SIGINT)
                stdout, stderr = process.communicate(timeout=60)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
            self.assertEqual(process.returncode, 0, stdout + stderr)
            self.assertIn("Interrupt: sending end-of-stream", stderr)
            self.assertNotIn("ERROR", stderr)
            frames = summary(stdout)[0]
            array = open_array(location)
            # Every frame received, the partial row too: more than the rows before the signal.
            self.assertEqual(frames, array.shape[0])
            self.assertGreater(frames, seen[-1])
            assert_radial_sin_live(array[:], 320, 240, 0.013)


if __name__ == "__main__":
    unittest.main()
