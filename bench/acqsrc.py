#!/usr/bin/python3
"""Frames/s, GB/s and peak RSS of acqsrc's simulated cameras into fakesink,
side by side with videotestsrc (pattern=snow: random noise; pattern=ball: a
mostly constant frame) at the same size and format. Sources are interleaved
within each round so that machine noise hits them alike; the time per run is
the pipeline's own "Execution ended after" (start-up excluded), the figure
per source the median over rounds.

  /usr/bin/python3 bench/acqsrc.py [--build build] [--frames 1000] [--rounds 3]
"""
import argparse
import os
import re
import tempfile

from bench_runner import fmt, markdown_table, median, run_child

WIDTH, HEIGHT = 1920, 1080
SOURCES = [
    'acqsrc is-live=false camera="simulated: radial sin"',
    'acqsrc is-live=false camera="simulated: uniform random"',
    'acqsrc is-live=false camera="simulated: empty"',
    "videotestsrc is-live=false pattern=snow",
    "videotestsrc is-live=false pattern=ball",
]
FORMATS = {"GRAY8": 1, "GRAY16_LE": 2}


def pipeline_seconds(output):
    """gst-launch's own "Execution ended after H:MM:SS.fraction"."""
    match = re.search(r"Execution ended after (\d+):(\d+):([\d.]+)", output)
    if not match:
        raise SystemExit(f"no execution time in:\n{output}")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--frames", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    registry = tempfile.NamedTemporaryFile(suffix=".bin")
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(os.path.abspath(args.build), "gst"),
               GST_REGISTRY_1_0=registry.name)
    # Build the registry once, so the first case does not pay for (and its
    # peak RSS does not include) scanning the plugins.
    run_child(["gst-inspect-1.0", "acqsrc"], env=env, settle=False)
    times, rss = {}, {}
    for _ in range(args.rounds):
        for format_name in FORMATS:
            for source in SOURCES:
                # gst-launch joins its arguments with spaces and parses the
                # line, so a quoted camera name may be split here.
                description = (f"{source} num-buffers={args.frames} ! "
                               f"video/x-raw,format={format_name},width={WIDTH},height={HEIGHT} ! fakesink")
                _, peak, output = run_child(["gst-launch-1.0"] + description.split(), env=env, settle=False)
                times.setdefault((source, format_name), []).append(pipeline_seconds(output))
                rss.setdefault((source, format_name), []).append(peak)

    print(f"{args.frames} frames of {WIDTH}x{HEIGHT} into fakesink, median of {args.rounds} interleaved rounds\n")
    rows = []
    for format_name, bytes_per_pixel in FORMATS.items():
        for source in SOURCES:
            seconds = median(times[source, format_name])
            frames_per_s = args.frames / seconds
            rows.append([f"`{source}`", format_name, fmt(frames_per_s, 0),
                         fmt(frames_per_s * WIDTH * HEIGHT * bytes_per_pixel / 1e9),
                         fmt(max(rss[source, format_name]), 0)])
    print(markdown_table(["source", "format", "frames/s", "GB/s", "peak RSS (MiB)"], rows))


if __name__ == "__main__":
    main()
