#!/usr/bin/env bash
# Live soak: the radial-sin camera at 1920x1080 GRAY8, 200 fps, recorded by
# zarrsink with blosc-lz4 for 60 s (or the seconds given). Passes when
# acqsrc dropped no frame and the dataset holds every frame sent, spot
# frames checked against the camera's formula; prints the figures.
#   bash scripts/soak.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || bash scripts/setup.sh
ninja -C build >/dev/null
export GST_PLUGIN_PATH_1_0=$PWD/build/gst

work=$(mktemp -d "${TMPDIR:-/tmp}/soak-XXXXXX")
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/soak.zarr" "${1:-60}" <<'PY'
import math
import os
import resource
import sys
import time

import gi
import numpy as np
import zarr

gi.require_version("Gst", "1.0")
from gi.repository import Gst

location, seconds = sys.argv[1], float(sys.argv[2])
WIDTH, HEIGHT, FPS = 1920, 1080, 200
Gst.init(None)
pipeline = Gst.parse_launch(
    f"acqsrc name=cam is-live=true exposure-time-us={1e6 / FPS:g} "
    f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT},framerate={FPS}/1 "
    f"! zarrsink name=rec location={location} compressor=blosc-lz4")
camera, recorder = pipeline.get_by_name("cam"), pipeline.get_by_name("rec")
frame_numbers = []  # OFFSET of each buffer acqsrc sent: the camera's frame number
camera.get_static_pad("src").add_probe(
    Gst.PadProbeType.BUFFER, lambda pad, info: frame_numbers.append(info.get_buffer().offset) or Gst.PadProbeReturn.OK)

load_before = os.getloadavg()
bus = pipeline.get_bus()
pipeline.set_state(Gst.State.PLAYING)
started = time.monotonic()
error = bus.timed_pop_filtered(int(seconds * Gst.SECOND), Gst.MessageType.ERROR)
if error is None:
    pipeline.send_event(Gst.Event.new_eos())
    message = bus.timed_pop_filtered(300 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    error = message if message is None or message.type == Gst.MessageType.ERROR else None
elapsed = time.monotonic() - started
dropped = camera.get_property("frames-dropped")
stats = recorder.get_property("stats")
pipeline.set_state(Gst.State.NULL)
if error is not None:
    sys.exit(f"soak: the recording failed: {error.parse_error()[0].message if error else 'no EOS'}")

array = zarr.open_group(location, mode="r")["0"]
sent = len(frame_numbers)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"soak: {seconds:g} s live, {WIDTH}x{HEIGHT} GRAY8 at {FPS} fps, blosc-lz4")
print(f"  frames sent by acqsrc   {sent} ({sent / elapsed:.1f} fps over {elapsed:.1f} s)")
print(f"  first frame             slot {frame_numbers[0] if sent else '-'} (the set-up before it: "
      f"{frame_numbers[0] / FPS if sent else 0:.2f} s)")
print(f"  frames in the dataset   {array.shape[0]}")
print(f"  frames-dropped (acqsrc) {dropped}")
print(f"  compression ratio       {stats.get_value('compression-ratio'):.2f}, "
      f"{stats.get_value('bytes-written') / 2**20:.0f} MiB written")
print(f"  CPU                     {usage.ru_utime:.1f} s user, {usage.ru_stime:.1f} s system "
      f"({(usage.ru_utime + usage.ru_stime) / elapsed:.2f} cores)")
print(f"  load average            {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after "
      f"({os.cpu_count()} cores)")

# Spot frames: first, middle, last, against the camera's formula at their frame number.
y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
r2 = (x - WIDTH / 2.0) ** 2 + (y - HEIGHT / 2.0) ** 2
for i in sorted({0, sent // 2, sent - 1}):
    t = frame_numbers[i] / FPS
    expected = np.floor(127 * (1 + np.sin(2 * math.pi * (10 * t + 0.01 * r2))))
    worst = np.abs(array[i, 0].astype(np.float64) - expected).max()
    if worst > 1:
        sys.exit(f"soak: stored frame {i} (camera frame {frame_numbers[i]}) is {worst} off the formula")

if dropped != 0 or array.shape[0] != sent:
    sys.exit("soak: FAILED (frames dropped, or the dataset does not hold every frame sent)")
print("soak: passed")
PY
