"""Prints again the figures the tutorials quote, from recordings made here:
  /usr/bin/python3 scripts/tutorial_figures.py compressed      docs/tutorials/compressed.md, "Choosing a compressor"
  /usr/bin/python3 scripts/tutorial_figures.py partial-stops   docs/tutorials/dimensions.md, "Partial stacks"
Uses the plugins in build/gst (run scripts/setup.sh first). Each recording
goes to a temporary directory that is removed afterwards."""
import json
import os
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plugins_env():
    return dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(ROOT, "build", "gst"))


def record(location, *zarrsink_settings, frames=64):
    """The tutorial's pipeline: radial sin, 1920x1080 GRAY8, 960x540 tiles, 32 MiB chunks."""
    env = plugins_env()
    command = ["gst-launch-1.0", "-q", "-e", "acqsrc", "camera=simulated: radial sin", "exposure-time-us=50000",
               "is-live=false", f"num-buffers={frames}", "!", "video/x-raw,format=GRAY8,width=1920,height=1080", "!",
               "zarrsink", f"location={location}", "tile-width=960", "tile-height=540",
               "max-bytes-per-chunk=33554432", *zarrsink_settings]
    subprocess.run(command, env=env, check=True)


def chunk_bytes(location):
    """Bytes of the chunk files of array 0 (metadata files start with a dot)."""
    total = 0
    for directory, _, files in os.walk(os.path.join(location, "0")):
        total += sum(os.path.getsize(os.path.join(directory, f)) for f in files if not f.startswith("."))
    return total


def compressed():
    frames = 64
    print(f"{frames} radial-sine frames of 1920x1080 GRAY8: {frames * 1920 * 1080 / 1e6:.1f} MB of pixels")
    with tempfile.TemporaryDirectory() as directory:
        for compressor in ("none", "blosc-lz4", "blosc-zstd"):
            location = os.path.join(directory, f"{compressor}.zarr")
            record(location, f"compressor={compressor}", "clevel=1", "shuffle=byte", frames=frames)
            print(f"  {compressor:<10} {chunk_bytes(location) / 1e6:8.2f} MB of chunk files")


def stopped_after_a_second(location, stop_signal):
    """The tutorial's live z-stack recording (2 time points a chunk row),
    stopped one second in by stop_signal: SIGINT is Ctrl-C (with -e, an EOS),
    SIGKILL a crash. Returns the shape and frames_past_shape on disk."""
    command = ["gst-launch-1.0", "-q", "-e", "acqsrc", "camera=simulated: radial sin", "exposure-time-us=7000", "!",
               "video/x-raw,format=GRAY8,width=64,height=48", "!", "zarrsink", f"location={location}",
               "dimensions=t,c:channel:2,z:space:5", "tile-planes=2"]
    process = subprocess.Popen(command, env=plugins_env())
    try:
        process.wait(timeout=1.0)
        raise RuntimeError(f"gst-launch-1.0 ended by itself (status {process.returncode})")
    except subprocess.TimeoutExpired:
        process.send_signal(stop_signal)
    process.wait(timeout=60)
    with open(os.path.join(location, "0", ".zarray")) as f:
        shape = json.load(f)["shape"]
    with open(os.path.join(location, "0", ".zattrs")) as f:
        past = json.load(f).get("acquisition", {}).get("frames_past_shape")
    return tuple(shape), past


def partial_stops():
    with tempfile.TemporaryDirectory() as directory:
        for name, stop_signal in (("Ctrl-C", signal.SIGINT), ("SIGKILL", signal.SIGKILL)):
            shape, past = stopped_after_a_second(os.path.join(directory, f"{name}.zarr"), stop_signal)
            print(f"  {name:<8} after 1 s: shape {shape}, frames_past_shape {past}")


FIGURES = {"compressed": compressed, "partial-stops": partial_stops}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in FIGURES:
        sys.exit(f"usage: /usr/bin/python3 {sys.argv[0]} {{{'|'.join(FIGURES)}}}")
    FIGURES[sys.argv[1]]()
