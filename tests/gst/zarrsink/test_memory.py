"""Memory: the chunk-depth rule keeps the default recording's rows within
1 GiB whatever the tiling (peak RSS of gst-launch measured), and a recording
that needs more than its cgroup allows fails at start with RESOURCE FAILED
naming the settings, instead of being OOM-killed."""
import os
import subprocess
import unittest

import zarr

from zarrsink_testing import TempDir, radial_sin

GIB = 1 << 30


def launch(description, preexec_fn=None, timeout_s=300):
    """gst-launch-1.0 -e `description`: (exit status, output)."""
    process = subprocess.Popen(["gst-launch-1.0", "-e"] + description.split(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, preexec_fn=preexec_fn)
    output, _ = process.communicate(timeout=timeout_s)
    return process.returncode, output


def peak_rss_of(description):
    """Runs gst-launch in a child Python that reports its peak RSS: a fresh
    parent, since RUSAGE_CHILDREN is the largest of all children so far."""
    script = ("import os, resource, subprocess, sys\n"
              "r = subprocess.run(['gst-launch-1.0', '-e'] + sys.argv[1].split(), capture_output=True, text=True)\n"
              "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
              "sys.stderr.write(r.stdout + r.stderr)\n")
    result = subprocess.run(["/usr/bin/python3", "-c", script, description], capture_output=True, text=True,
                            timeout=300)
    status, rss = result.stdout.split()
    return int(status), int(rss), result.stderr


class MemoryCgroup:
    """A memory cgroup (v1 or v2) below this process's own, limited to `limit` bytes."""

    def __init__(self, limit):
        self.path = None
        with open("/proc/self/cgroup") as f:
            for line in f.read().splitlines():
                _, controllers, path = line.split(":", 2)
                if controllers == "" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
                    base, limit_file = "/sys/fs/cgroup" + path, "memory.max"
                elif "memory" in controllers.split(","):
                    base, limit_file = "/sys/fs/cgroup/memory" + path, "memory.limit_in_bytes"
                else:
                    continue
                candidate = os.path.join(base, f"zarrsink-test-{os.getpid()}")
                try:
                    os.mkdir(candidate)
                    with open(os.path.join(candidate, limit_file), "w") as f:
                        f.write(str(limit))
                except OSError as e:
                    self.why = f"cannot make a memory cgroup under {base}: {e}"
                    if os.path.isdir(candidate):
                        os.rmdir(candidate)
                    continue
                self.path = candidate
                return
        if not self.path and not hasattr(self, "why"):
            self.why = "this process has no memory cgroup hierarchy"

    def enter(self):
        """For preexec_fn: moves the child into the cgroup."""
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def remove(self):
        if self.path:
            os.rmdir(self.path)


class Memory(unittest.TestCase):
    def test_default_tilings_peak_rss(self):
        # 300 frames fill a whole row for every tiling (the deepest has 257 planes).
        with TempDir() as tmp:
            figures = []
            for width, height in [(960, 540), (256, 256), (64, 64)]:
                location = f"{tmp}/t{width}.zarr"
                status, rss, output = peak_rss_of(
                    "acqsrc is-live=false num-buffers=300 ! video/x-raw,format=GRAY8,width=1920,height=1080 "
                    f"! zarrsink location={location} tile-width={width} tile-height={height} compressor=blosc-lz4")
                self.assertEqual(status, 0, output)
                array = zarr.open_group(location, mode="r")["0"]
                figures.append(f"{width}x{height}: {array.chunks[0]} planes, peak RSS {rss / 2**20:.0f} MiB")
                self.assertEqual(array.shape, (300, 1, 1080, 1920))
                for n in (0, 299):
                    got = array[n, 0].astype(float)
                    self.assertLessEqual(abs(got - radial_sin([n], 1920, 1080, 0.01)[0]).max(), 1)
                if "libasan" in os.environ.get("LD_PRELOAD", ""):
                    # The sanitize stage: ASan's shadow memory and quarantine
                    # are in the peak; the normal stage checks ours.
                    figures[-1] += " (bound not checked under AddressSanitizer)"
                else:
                    self.assertLess(rss, 1.5 * GIB, figures[-1])
            print("\n".join(figures))

    def test_rows_in_flight_hold_that_many_more_rows(self):
        # Rows of 16 planes of 2 MB frames: 33 MB each, so 3 more rows in
        # flight add about 100 MB; the frames read back alike either way.
        with TempDir() as tmp:
            rss = {}
            for rows in (1, 4):
                location = f"{tmp}/r{rows}.zarr"
                status, rss[rows], output = peak_rss_of(
                    "acqsrc is-live=false num-buffers=200 ! video/x-raw,format=GRAY8,width=1920,height=1080 "
                    f"! zarrsink location={location} tile-width=960 tile-height=540 tile-planes=16 "
                    f"compressor=blosc-lz4 rows-in-flight={rows}")
                self.assertEqual(status, 0, output)
                array = zarr.open_group(location, mode="r")["0"]
                self.assertEqual(array.shape, (200, 1, 1080, 1920))
                for n in (0, 123, 199):
                    got = array[n, 0].astype(float)
                    self.assertLessEqual(abs(got - radial_sin([n], 1920, 1080, 0.01)[0]).max(), 1, (rows, n))
            added = (rss[4] - rss[1]) / 2**20
            print(f"peak RSS with 1 row in flight {rss[1] / 2**20:.0f} MiB, with 4 {rss[4] / 2**20:.0f} MiB")
            if "libasan" not in os.environ.get("LD_PRELOAD", ""):
                self.assertGreater(added, 75, "3 more rows of 33 MB each should be in the peak")

    def test_recording_larger_than_its_cgroup_fails_at_start(self):
        cgroup = MemoryCgroup(3 * GIB)
        if not cgroup.path:
            self.skipTest(cgroup.why)
        try:
            with TempDir() as tmp:
                frames = "acqsrc is-live=false num-buffers=3 ! video/x-raw,format=GRAY16_LE,width=8192,height=8192"
                # The derived chunk depth fits: 4 planes of 128 MiB frames, 1 GiB of rows.
                fits = f"{tmp}/fits.zarr"
                status, output = launch(f"{frames} ! zarrsink location={fits} tile-width=1024 tile-height=1024",
                                        preexec_fn=cgroup.enter)
                self.assertEqual(status, 0, output)
                array = zarr.open_group(fits, mode="r")["0"]
                self.assertEqual(array.shape, (3, 1, 8192, 8192))
                self.assertEqual(array.chunks, (3, 1, 1024, 1024))
                self.assertTrue((array[2, 0, :64, :64] != array[0, 0, :64, :64]).any())
                # 32 planes were asked for: 8 GiB of rows, refused before anything is written.
                refused = f"{tmp}/refused.zarr"
                status, output = launch(
                    f"{frames} ! zarrsink location={refused} tile-width=1024 tile-height=1024 tile-planes=32",
                    preexec_fn=cgroup.enter)
                self.assertNotEqual(status, 137, "OOM-killed: " + output)
                self.assertNotEqual(status, 0, output)
                self.assertIn("needs 8192 MiB for its chunk rows", output)
                self.assertIn('"tile-planes" (32)', output)
                self.assertFalse(os.path.exists(refused) and os.listdir(refused), "the refused recording wrote")
                # 4 planes fit with 1 row in flight (1 GiB); with 8 in flight, 9 rows are 4.5 GiB.
                status, output = launch(
                    f"{frames} ! zarrsink location={refused} tile-width=1024 tile-height=1024 tile-planes=4 "
                    "rows-in-flight=8", preexec_fn=cgroup.enter)
                self.assertNotEqual(status, 137, "OOM-killed: " + output)
                self.assertNotEqual(status, 0, output)
                self.assertIn("needs 4608 MiB for its chunk rows (9 rows of 4 frames", output)
                self.assertIn('"rows-in-flight" (8)', output)
                self.assertIn("or lower rows-in-flight", output)
                self.assertFalse(os.path.exists(refused) and os.listdir(refused), "the refused recording wrote")
        finally:
            cgroup.remove()


if __name__ == "__main__":
    unittest.main(verbosity=2)
