"""gst-inspect-1.0 finds acqsrc in the build tree (not installed) and shows
its documentation: description, cameras and every property."""
import os
import subprocess
import sys

plugin_file = sys.argv[1]
result = subprocess.run(["gst-inspect-1.0", "acqsrc"], capture_output=True, text=True, env=os.environ)
out = result.stdout
if result.returncode != 0:
    sys.exit(f"gst-inspect-1.0 acqsrc failed ({result.returncode}): {result.stderr}")

expected = [
    "Scientific camera source",
    "Source/Video/Hardware",
    plugin_file,
    "MIT/X11",
    "GRAY16_LE",
    '"simulated:radial-sin" (Acquire\'s "simulated: radial sin"), '
    '"simulated:uniform-random" (Acquire\'s "simulated: uniform random"), '
    '"simulated:empty" (Acquire\'s "simulated: empty")',
    "exposure-time-us",
    "Exposure time of each frame in microseconds",
    "is-live",
    "seed",
    "frames-dropped",
    "Counts that tell a slow pipeline from a lossy network",
    "num-buffers",
]
missing = [text for text in expected if text not in out]
if missing:
    sys.exit(f"missing from gst-inspect-1.0 output: {missing}\n{out}")
print("gst-inspect-1.0 acqsrc shows the element and its documentation")
