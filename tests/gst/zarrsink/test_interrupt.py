"""gst-launch-1.0 recordings interrupted with SIGINT (Ctrl-C), with -e
(EOS) and without (straight to NULL): both leave a complete dataset."""
import os
import shutil
import signal
import subprocess
import unittest

import zarr_testing as zt  # tests/zarr: signal_when
from zarrsink_testing import TempDir, assert_radial_sin_live, open_array

PERIOD_US = 13000


def record_then_interrupt(location, eos_on_interrupt):
    command = [shutil.which("gst-launch-1.0")] + (["-e"] if eos_on_interrupt else []) + [
        "acqsrc", "camera=simulated: radial sin", f"exposure-time-us={PERIOD_US}", "is-live=true",
        "!", "video/x-raw,format=GRAY8,width=320,height=240",
        "!", "zarrsink", f"location={location}", "tile-planes=4"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # At least one whole chunk row (4 frames) on disk, then some more frames.
    _, output = zt.signal_when(process, lambda: os.path.exists(f"{location}/0/1"), signal.SIGINT, timeout_s=60,
                               poll_s=0.05, then_s=0.3)
    return process.returncode, output


class Interrupt(unittest.TestCase):
    def check(self, eos_on_interrupt):
        with TempDir() as tmp:
            location = f"{tmp}/ctrl-c.zarr"
            returncode, output = record_then_interrupt(location, eos_on_interrupt)
            self.assertNotIn("ERROR", output, output)
            array = open_array(location)
            # More than the rows completed before the signal: the partial row was written too.
            self.assertGreater(array.shape[0], 4, output)
            assert_radial_sin_live(array[:], 320, 240, PERIOD_US / 1e6)
            return returncode

    def test_sigint_with_eos(self):
        self.assertEqual(self.check(eos_on_interrupt=True), 0)

    def test_sigint_without_eos(self):
        self.check(eos_on_interrupt=False)


if __name__ == "__main__":
    unittest.main()
