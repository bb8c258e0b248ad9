#!/usr/bin/python3
"""Our zarr/ writer side by side with its peers, in one invocation,
interleaved over rounds so that machine noise hits all alike:
  ours         bench/zarr_writer_bench --case=... (ends with the data on disk)
  zarr-python  zarr 2.13 writing the same frames, chunks and codec (never
               syncs: its time stops with the data in the page cache)
  raw          the same bytes written to one file (then fsync)
  blosc        bench/blosc_ceiling: the same chunks compressed in memory on
               the same number of threads (the compute ceiling)
Frames: 1920x1080 uint8 radial sine, 960x540 tiles, 64 planes per chunk;
cases none, blosc-lz4 and blosc-zstd (clevel 1, byte shuffle).
Every case starts with the page cache clean (os.sync() before it).
Then the peak RSS of our writer at --rss-frames (flat in N is the target).

  /usr/bin/python3 bench/zarr_writer_vs_peers.py --build build [--frames 1000]
      [--rounds 3] [--dir /tmp/zarr-bench] [--rss-frames 1000,4000]
"""
import argparse
import os
import shutil
import sys

from bench_runner import fmt, markdown_table, median, paired_ratio, result_fields, run_child

FRAME_BYTES = 1920 * 1080

CASES = ["none", "lz4", "zstd"]

# Run in a child /usr/bin/python3 so each peer's RSS and imports are its own.
ZARR_PYTHON = r"""
import sys, time
import numpy as np, zarr, numcodecs
case, frames, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
h, w, planes = 1080, 1920, 64
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
r2 = (x - w / 2) ** 2 + (y - h / 2) ** 2
pattern = [np.floor(127 * (1 + np.sin(2 * np.pi * (10 * n * 0.013 + 0.01 * r2)))).astype(np.uint8) for n in range(8)]
compressor = None if case == "none" else numcodecs.Blosc(cname=case, clevel=1, shuffle=numcodecs.Blosc.SHUFFLE)
start = time.perf_counter()
store = zarr.DirectoryStore(path, dimension_separator="/")
array = zarr.create(shape=(0, 1, h, w), chunks=(planes, 1, 540, 960), dtype="u1", compressor=compressor,
                    store=store, overwrite=True)
block = np.empty((planes, 1, h, w), np.uint8)
n = 0
while n < frames:
    count = min(planes, frames - n)
    for i in range(count):
        block[i, 0] = pattern[(n + i) % len(pattern)]
    array.append(block[:count])
    n += count
seconds = time.perf_counter() - start
print(f"RESULT case={case} frames={frames} seconds={seconds:.3f} gbps={frames * h * w / seconds / 1e9:.3f}")
"""

RAW = r"""
import os, sys, time
import numpy as np
frames, path = int(sys.argv[1]), sys.argv[2]
h, w = 1080, 1920
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
r2 = (x - w / 2) ** 2 + (y - h / 2) ** 2
pattern = [np.floor(127 * (1 + np.sin(2 * np.pi * (10 * n * 0.013 + 0.01 * r2)))).astype(np.uint8).tobytes()
           for n in range(8)]
start = time.perf_counter()
with open(path, "wb") as f:
    for n in range(frames):
        f.write(pattern[n % len(pattern)])
    f.flush()
    os.fsync(f.fileno())
seconds = time.perf_counter() - start
print(f"RESULT case=raw frames={frames} seconds={seconds:.3f} gbps={frames * h * w / seconds / 1e9:.3f}")
"""


def run(args):
    """Runs a command; returns (fields of its RESULT line, peak RSS in MiB)."""
    _, peak, output = run_child(args)
    return result_fields(output), peak


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--frames", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/zarr-bench")
    parser.add_argument("--rss-frames", default="1000,4000")
    options = parser.parse_args()
    writer = os.path.join(options.build, "bench", "zarr_writer_bench")
    ceiling = os.path.join(options.build, "bench", "blosc_ceiling")
    os.makedirs(options.dir, exist_ok=True)
    threads = os.cpu_count()

    def clean(path):
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else (os.path.exists(path) and os.remove(path))

    results = {(peer, case): [] for peer in ["ours", "zarr-python", "raw", "blosc"] for case in CASES}
    for round_number in range(options.rounds):
        print(f"round {round_number + 1}/{options.rounds}", file=sys.stderr)
        for case in CASES:
            fields, _ = run([writer, f"--case={case}", f"--frames={options.frames}", f"--dir={options.dir}"])
            results["ours", case].append(float(fields["gbps"]))
            path = os.path.join(options.dir, "peer.zarr")
            fields, _ = run(["/usr/bin/python3", "-c", ZARR_PYTHON, case, str(options.frames), path])
            clean(path)
            results["zarr-python", case].append(float(fields["gbps"]))
            if case == "none":
                path = os.path.join(options.dir, "raw.bin")
                fields, _ = run(["/usr/bin/python3", "-c", RAW, str(options.frames), path])
                clean(path)
                results["raw", case].append(float(fields["gbps"]))
            else:
                fields, _ = run([ceiling, f"--frames={options.frames}", f"--threads={threads}", f"--cname={case}"])
                results["blosc", case].append(float(fields["gbps"]))

    def ratio(peer, case):
        return paired_ratio(results["ours", case], results[peer, case])

    print(f"{options.frames} frames 1920x1080 uint8, 960x540x64 chunks, {threads} threads, "
          f"median GB/s of raw pixels over {options.rounds} interleaved rounds\n")
    rows = []
    for case in CASES:
        ours, peer, raw, blosc = (median(results[p, case]) for p in ["ours", "zarr-python", "raw", "blosc"])
        rows.append([case, fmt(ours), fmt(ours * 1e9 / FRAME_BYTES, 0), fmt(peer), fmt(raw), fmt(blosc),
                     fmt(ratio("zarr-python", case)), fmt(ratio("raw", case)), fmt(ratio("blosc", case))])
    print(markdown_table(["case", "ours GB/s", "ours frames/s", "zarr-python", "raw write + fsync", "bare blosc",
                          "ours/zarr-python", "ours/raw", "ours/blosc"], rows))
    print("\nRatios are medians of the per-round ratios (each pair ran back to back).")
    print("Targets: lz4 ours/zarr-python >= 2 and ours/blosc >= 0.6; none ours/raw >= 0.9\n")

    counts = [int(n) for n in options.rss_frames.split(",") if n]
    rows = []
    for case in CASES:
        rss = [run([writer, f"--case={case}", f"--frames={count}", f"--dir={options.dir}"])[1] for count in counts]
        change = f"{(rss[-1] / rss[0] - 1) * 100:+.1f}%" if len(rss) > 1 else ""
        rows.append([case] + [fmt(r, 0) for r in rss] + [change])
    print(markdown_table(["case"] + [f"peak RSS (MiB), {n} frames" for n in counts] + ["change"], rows))
    shutil.rmtree(options.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
