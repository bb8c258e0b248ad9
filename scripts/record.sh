#!/usr/bin/env bash
# The project's main job: installs what is missing, builds, then records ten
# frames of the simulated radial-sine camera into a Zarr dataset, the
# pipeline equivalent of the Acquire chunking tutorial. Set-up says what it
# does step by step, and the recording shows its progress live (frames on
# disk, MB/s, compression, frames dropped) on stderr; Ctrl-C ends it cleanly.
#   bash scripts/record.sh                          the demo, into the repository's out.zarr (replaced each run)
#   bash scripts/record.sh LOCATION                 into LOCATION (relative to where you are); never replaces it
#   bash scripts/record.sh --overwrite LOCATION     replaces the Zarr dataset at LOCATION
set -euo pipefail
repository=$(cd "$(dirname "$0")/.." && pwd)

overwrite=false
if [ "${1:-}" = --overwrite ]; then overwrite=true; shift; fi
if [ $# -gt 1 ]; then
  echo "usage: bash $0 [--overwrite] [LOCATION]" >&2
  exit 2
fi
if [ $# -eq 1 ]; then
  # Resolved here, before the cd below: relative to the caller's directory.
  location=$(realpath -m -- "$1")
else
  # The demo's own scratch dataset (git ignores it): replaced by design.
  location="$repository/out.zarr"
  overwrite=true
fi
if ! $overwrite && [ -e "$location" ] && { [ ! -d "$location" ] || [ -n "$(ls -A "$location")" ]; }; then
  echo "record.sh: $location already exists; nothing was recorded and it is left as it is." >&2
  echo "  To replace it: bash $0 --overwrite $location   (or give another location)" >&2
  exit 1
fi

cd "$repository"
bash scripts/setup.sh
export GST_PLUGIN_PATH_1_0="$PWD/build/gst"

# gst-launch-1.0 -e with a progress line: examples/record_with_progress.py.
/usr/bin/python3 examples/record_with_progress.py --interval 1 \
  acqsrc camera="simulated: radial sin" exposure-time-us=50000 num-buffers=10 \
  ! video/x-raw,format=GRAY8,width=1920,height=1080 \
  ! zarrsink location="$location" overwrite="$overwrite" \
      tile-width=960 tile-height=540 max-bytes-per-chunk=33554432

/usr/bin/python3 - "$location" <<'PY'
import sys, zarr
group = zarr.open_group(sys.argv[1], mode="r")
array = group["0"]
print(f"Recorded {array.shape[0]} frames into {sys.argv[1]}")
print(f"  array '0': shape {array.shape}, dtype {array.dtype}, chunks {array.chunks}")
PY
