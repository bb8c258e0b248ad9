#!/usr/bin/env bash
# The project's main job: installs what is missing, builds, then records ten
# frames of the simulated radial-sine camera into a Zarr dataset, the
# pipeline equivalent of the Acquire chunking tutorial.
#   bash scripts/record.sh [LOCATION]     (default: ./out.zarr)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

location=$(realpath -m "${1:-out.zarr}")
export GST_PLUGIN_PATH_1_0="$PWD/build/gst"

gst-launch-1.0 -e \
  acqsrc camera="simulated: radial sin" exposure-time-us=50000 num-buffers=10 \
  ! video/x-raw,format=GRAY8,width=1920,height=1080 \
  ! zarrsink location="$location" overwrite=true \
      tile-width=960 tile-height=540 max-bytes-per-chunk=33554432

/usr/bin/python3 - "$location" <<'PY'
import sys, zarr
group = zarr.open_group(sys.argv[1], mode="r")
array = group["0"]
print(f"Recorded {array.shape[0]} frames into {sys.argv[1]}")
print(f"  array '0': shape {array.shape}, dtype {array.dtype}, chunks {array.chunks}")
PY
