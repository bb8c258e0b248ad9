#!/usr/bin/python3
"""A whole blosc-lz4 recording against the compute ceiling.

The ceiling is bench/blosc_ceiling --gather: only the work a writer cannot
avoid, on the very frames acqsrc makes by default (radial sin at 10 ms, 10
distinct frames, --like-acqsrc: they compress 2.7x better than the other
benchmarks' frames, and LZ4 is faster on them): each 960x540x64 chunk
gathered from the frames (one copy) and compressed with blosc-lz4 clevel 1
byte shuffle, the tiles of a chunk row shared by the threads, nothing
written. It is the steady state: its threads gather every frame once before
the clock starts, since on this VM the first reads of freshly written memory
by other threads cost about 0.2 s per 145 MB (a camera's buffers are reused). Side by side, interleaved over
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
CPU seconds (user + system, every thread) over the same span show how busy
the 2 cores were; the library's streaming (first frame to its last append,
close() left out) shows how near the ceiling the writer itself runs, and a
lower bound for the whole run says what no writer could beat on these
cores: the library's CPU and the source's shared by 2 cores, plus the
serial set-up and close.

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
    cpu = {}  # name -> [CPU seconds per round], over the same span
    try:
        for round_number in range(args.rounds):
            for name, (command, self_timed) in cases(build, work, args.frames).items():
                wall, peak, output, process_cpu = run_child(command, env, cpu=True)
                clear(work)
                fields = result_fields(output)
                measured = float(fields["seconds"]) if self_timed else wall
                seconds.setdefault(name, []).append(measured)
                cpu.setdefault(name, []).append(float(fields["cpu"]) if self_timed else process_cpu)
                if name == "library":
                    seconds.setdefault("library (process)", []).append(wall)
                    cpu.setdefault("library (process)", []).append(process_cpu)
                    seconds.setdefault("library streaming", []).append(measured - float(fields["close"]))
                    seconds.setdefault("library set-up", []).append(float(fields["setup"]))
                    seconds.setdefault("library close", []).append(float(fields["close"]))
                print(f"round {round_number + 1} {name:10s} {measured:7.3f} s (process {wall:.3f} s, "
                      f"peak RSS {peak:.0f} MiB)", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw_gb = args.frames * WIDTH * HEIGHT / 1e9
    labels = {
        "ceiling": "ceiling: gather + blosc-lz4, 2 threads, nothing written",
        "library": "library, first frame to close() (data on disk)",
        "library streaming": "library, first frame to its last append (close() left out)",
        "library (process)": "library, process start to exit",
        "zarrsink": "gst-launch-1.0 acqsrc ! zarrsink, process start to exit",
        "source": "gst-launch-1.0 acqsrc ! fakesink (the source alone)",
    }
    rows = []
    for name, label in labels.items():
        value = median(seconds[name])
        ratio = paired_ratio(seconds["ceiling"], seconds[name])
        used = median(cpu.get(name, []))
        busy = "-" if used is None else f"{used / (THREADS * value):.0%}"
        rows.append([label, fmt(value, 3), fmt(raw_gb / value), f"{ratio:.2f}x", fmt(used), busy])
    # What no writer could beat here: the library's and the source's CPU
    # shared by the 2 cores, then the set-up and the close, which run alone.
    bound = [(lib + src) / THREADS + setup + close for lib, src, setup, close in
             zip(cpu["library"], cpu["source"], seconds["library set-up"], seconds["library close"])]
    rows.append(["lower bound of the whole run on these cores (see below)", fmt(median(bound), 3),
                 fmt(raw_gb / median(bound)), f"{paired_ratio(seconds['ceiling'], bound):.2f}x", "-", "-"])
    print(f"\n{args.frames} frames of {WIDTH}x{HEIGHT} GRAY8 (radial sin, 10 ms), 960x540x64 chunks, blosc-lz4 "
          f"clevel 1 byte shuffle, {THREADS} threads; median of {args.rounds} interleaved rounds\n")
    print(markdown_table(["case", "seconds", "GB/s", "ceiling / case", "CPU s", "cores busy"], rows))
    print("\nceiling / case: the ceiling's time over the case's, median of the per-round ratios (1 = at the ceiling). "
          "CPU s: user + system seconds of every thread over the case's seconds; cores busy: CPU s over "
          f"{THREADS} cores x seconds. Lower bound: (library CPU s + source CPU s) / {THREADS} + the library's "
          f"set-up ({fmt(median(seconds['library set-up']), 3)} s: faulting in the row buffers) + its close "
          f"({fmt(median(seconds['library close']), 3)} s: the last row, then syncfs waits for the disk); "
          "it leaves out process start and plugin loading.")


if __name__ == "__main__":
    main()
