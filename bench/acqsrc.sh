#!/usr/bin/env bash
# Frames/s and GB/s of acqsrc's simulated cameras into fakesink, side by side
# with videotestsrc (pattern=snow: random noise, pattern=ball: a mostly
# constant frame) at the same size and format. Sources are interleaved
# within each round so that machine noise hits them alike; the figure per
# source is the median over rounds of the pipeline's own "Execution ended
# after" time (start-up excluded).
#
# Usage: bench/acqsrc.sh [build dir (default build)] [frames per run (default 1000)] [rounds (default 3)]
set -euo pipefail

build_dir=${1:-build}
frames=${2:-1000}
rounds=${3:-3}
width=1920
height=1080

export GST_PLUGIN_PATH_1_0="$(cd "$build_dir" && pwd)/gst"
registry_dir=$(mktemp -d)
trap 'rm -rf "$registry_dir"' EXIT
export GST_REGISTRY_1_0="$registry_dir/registry.bin"

sources=(
  'acqsrc is-live=false camera="simulated: radial sin"'
  'acqsrc is-live=false camera="simulated: uniform random"'
  'acqsrc is-live=false camera="simulated: empty"'
  'videotestsrc is-live=false pattern=snow'
  'videotestsrc is-live=false pattern=ball'
)

# Seconds the pipeline ran, from gst-launch's own report.
run_seconds() {
  local source=$1 format=$2
  local out
  out=$(eval gst-launch-1.0 "$source" num-buffers="$frames" \
    ! "video/x-raw,format=$format,width=$width,height=$height" ! fakesink 2>&1)
  local hms
  hms=$(sed -n 's/^Execution ended after \([0-9:.]*\)$/\1/p' <<<"$out")
  [[ -n $hms ]] || { echo "failed: $source ($format): $out" >&2; exit 1; }
  awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }' <<<"$hms"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A times
for ((round = 1; round <= rounds; round++)); do
  for format in GRAY8 GRAY16_LE; do
    for i in "${!sources[@]}"; do
      times[$format,$i]+="$(run_seconds "${sources[$i]}" "$format") "
    done
  done
done

echo "$frames frames of ${width}x${height} into fakesink, median of $rounds interleaved rounds"
printf '%-56s %-10s %10s %8s\n' source format frames/s GB/s
for format in GRAY8 GRAY16_LE; do
  bytes_per_pixel=$([[ $format == GRAY8 ]] && echo 1 || echo 2)
  for i in "${!sources[@]}"; do
    seconds=$(tr ' ' '\n' <<<"${times[$format,$i]}" | grep . | median)
    awk -v s="$seconds" -v n="$frames" -v b=$((width * height * bytes_per_pixel)) \
        -v name="${sources[$i]}" -v f="$format" \
        'BEGIN { printf "%-56s %-10s %10.0f %8.2f\n", name, f, n / s, n * b / s / 1e9 }'
  done
done
