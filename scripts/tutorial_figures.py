"""Prints again the figures the tutorials quote, from recordings made here:
  /usr/bin/python3 scripts/tutorial_figures.py compressed    docs/tutorials/compressed.md, "Choosing a compressor"
Uses the plugins in build/gst (run scripts/setup.sh first). Each recording
goes to a temporary directory that is removed afterwards."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record(location, *zarrsink_settings, frames=64):
    """The tutorial's pipeline: radial sin, 1920x1080 GRAY8, 960x540 tiles, 32 MiB chunks."""
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(ROOT, "build", "gst"))
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


FIGURES = {"compressed": compressed}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in FIGURES:
        sys.exit(f"usage: /usr/bin/python3 {sys.argv[0]} {{{'|'.join(FIGURES)}}}")
    FIGURES[sys.argv[1]]()
