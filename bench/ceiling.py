#!/usr/bin/python3
"""A whole blosc-lz4 recording against the compute ceiling.

The ceiling is bench/blosc_ceiling --gather: only the work a writer cannot
avoid, on the very frames acqsrc makes by default (radial sin at 10 ms, 10
distinct frames, --like-acqsrc: they compress 2.7x better than the other
benchmarks' frames, and LZ4 is faster on them): each 960x540x64 chunk gathered from the frames (one copy)
and compressed with blosc-lz4 clevel 1 byte shuffle, the tiles of a chunk
row shared by the threads, nothing written. Side by side, interleaved over
rounds:
  ceiling      that loop, timed around the loop (frames made before)
  library      bench/zarr_writer_bench on the same frames: in-process time
               (first frame to close(), data on disk) and the process's
               wall time (start to exit: making the frames, set-up)
  zarrsink     gst-launch-1.0 acqsrc is-live=false num-buffers=N
               ! video/x-raw,format=GRAY8,width=1920,height=1080
               ! zarrsink ... compressor=blosc-lz4, process start to exit
  source       the same acqsrc into fakesink (what making the frames costs)
Ratios are ceiling seconds / case seconds, medians of the per-round ratios.

  /usr/bin/python3 bench/ceiling.py [--build build] [--frames 1280] [--rounds 5] [--dir /tmp]
"""
import argparse
import os
import shutil
import sys
import tempfile

from bench_runner import clear, fmt, markdown_table, median, paired_ratio, result_fields, run_child

WIDTH, HEIGHT, THREADS = 1920, 1080, 2
SINK_OPTIONS = "tile-width=960 tile-height=540 tile-planes=64 clevel=1 shuffle=byte max-threads=2"
FRAMES_LIKE_ACQSRC = ["--period=0.01", "--distinct=10", "--like-acqsrc"]


def cases(build, work, frames):
    """name -> (command, whether the case times itself in its RESULT line)."""
    location = os.path.join(work, "out.zarr")
    source = (f"acqsrc is-live=false num-buffers={frames} "
              f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}")
    gst = ["gst-launch-1.0", "-q", "-e"]
    return {
        "ceiling": ([os.path.join(build, "bench", "blosc_ceiling"), "--gather", f"--frames={frames}",
                     f"--threads={THREADS}", *FRAMES_LIKE_ACQSRC], True),
        "library": ([os.path.join(build, "bench", "zarr_writer_bench"), "--case=lz4", f"--frames={frames}",
                     f"--threads={THREADS}", f"--dir={work}", *FRAMES_LIKE_ACQSRC], True),
        "zarrsink": (gst + f"{source} ! zarrsink location={location} {SINK_OPTIONS} compressor=blosc-lz4".split(),
                     False),
        "source": (gst + f"{source} ! fakesink".split(), False),
    }



def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--frames", type=int, default=1280)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(build, "gst"))
    work = tempfile.mkdtemp(prefix="ceiling-bench-", dir=args.dir)
    seconds = {}  # name -> [seconds per round]; "library" in-process, "library (process)" wall
    try:
        for round_number in range(args.rounds):
            for name, (command, self_timed) in cases(build, work, args.frames).items():
                wall, peak, output = run_child(command, env)
                clear(work)
                measured = float(result_fields(output)["seconds"]) if self_timed else wall
                seconds.setdefault(name, []).append(measured)
                if name == "library":
                    seconds.setdefault("library (process)", []).append(wall)
                print(f"round {round_number + 1} {name:10s} {measured:7.3f} s (process {wall:.3f} s, "
                      f"peak RSS {peak:.0f} MiB)", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw_gb = args.frames * WIDTH * HEIGHT / 1e9
    labels = {
        "ceiling": "ceiling: gather + blosc-lz4, 2 threads, nothing written",
        "library": "library, first frame to close() (data on disk)",
        "library (process)": "library, process start to exit",
        "zarrsink": "gst-launch-1.0 acqsrc ! zarrsink, process start to exit",
        "source": "gst-launch-1.0 acqsrc ! fakesink (the source alone)",
    }
    rows = []
    for name, label in labels.items():
        value = median(seconds[name])
        ratio = paired_ratio(seconds["ceiling"], seconds[name])
        rows.append([label, fmt(value, 3), fmt(raw_gb / value), f"{ratio:.2f}x"])
    print(f"\n{args.frames} frames of {WIDTH}x{HEIGHT} GRAY8 (radial sin, 10 ms), 960x540x64 chunks, blosc-lz4 "
          f"clevel 1 byte shuffle, {THREADS} threads; median of {args.rounds} interleaved rounds\n")
    print(markdown_table(["case", "seconds", "GB/s", "ceiling / case"], rows))
    print("\nceiling / case: the ceiling's time over the case's, median of the per-round ratios (1 = at the ceiling).")


if __name__ == "__main__":
    main()
