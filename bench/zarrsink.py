#!/usr/bin/python3
"""zarrsink throughput and peak RSS, side by side with its peers.

Runs, interleaved over several rounds so machine noise hits all alike:
  acqsrc (radial sin, 1920x1080 GRAY8, not live) ! zarrsink, uncompressed,
  blosc-lz4 and blosc-zstd (clevel 1, byte shuffle, 960x540 tiles, 64 planes);
  the same source into filesink (raw bytes), once as it is and once followed
  by an fsync of its file, and into fakesink (the source alone); and the
  library's own benchmark (zarr_writer_bench) on the same frames; and
  zarr-python 2.13 writing the same frames with the same chunks and codec.
  Each case is a child process timed from start to exit (the library and
  zarr-python time their writing themselves, leaving out computing their
  frames); peak RSS comes from wait4.

  zarrsink's EOS means the data is on disk (it syncs at close); filesink's
  does not, so its raw speed is the page cache's. The physical limit that
  the uncompressed target compares with is "filesink + fsync": the same
  bytes, also on disk when the time stops.

  /usr/bin/python3 bench/zarrsink.py [--build build] [--frames 2000] [--rounds 2] [--dir /tmp]
"""
import argparse
import os
import shlex
import shutil
import sys
import tempfile

from bench_runner import clear, fmt, markdown_table, median, paired_ratio, result_fields, run_child
from zarr_writer_vs_peers import ZARR_PYTHON

WIDTH, HEIGHT = 1920, 1080
SINK_OPTIONS = "tile-width=960 tile-height=540 tile-planes=64 clevel=1 shuffle=byte"


def source(frames):
    return (f'acqsrc is-live=false camera="simulated: radial sin" num-buffers={frames} '
            f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}")


def gst_case(description):
    return ["gst-launch-1.0", "-q", "-e"] + description.split()


def cases(build, work, frames):
    location = os.path.join(work, "out.zarr")
    raw = os.path.join(work, "out.raw")
    zarrsink = f"zarrsink location={location} overwrite=true {SINK_OPTIONS}"
    library = os.path.join(build, "bench", "zarr_writer_bench")
    # Each target's two sides run back to back (see paired_ratio).
    return {
        "zarrsink none": gst_case(f"{source(frames)} ! {zarrsink} compressor=none"),
        "filesink + fsync": ["sh", "-c", shlex.join(gst_case(f"{source(frames)} ! filesink location={raw}"))
                             + " && sync " + shlex.quote(raw)],
        "filesink": gst_case(f"{source(frames)} ! filesink location={raw}"),
        "fakesink": gst_case(f"{source(frames)} ! fakesink"),
        "zarrsink blosc-lz4": gst_case(f"{source(frames)} ! {zarrsink} compressor=blosc-lz4"),
        "library lz4": [library, f"--frames={frames}", f"--dir={work}", "--case=lz4"],
        "zarr-python lz4": ["/usr/bin/python3", "-c", ZARR_PYTHON, "lz4", str(frames), location],
        "zarrsink blosc-zstd": gst_case(f"{source(frames)} ! {zarrsink} compressor=blosc-zstd"),
        "library zstd": [library, f"--frames={frames}", f"--dir={work}", "--case=zstd"],
        "zarr-python zstd": ["/usr/bin/python3", "-c", ZARR_PYTHON, "zstd", str(frames), location],
        "library none": [library, f"--frames={frames}", f"--dir={work}", "--case=none"],
        "zarr-python none": ["/usr/bin/python3", "-c", ZARR_PYTHON, "none", str(frames), location],
    }



def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--frames", type=int, default=2000)
    parser.add_argument("--small-frames", type=int, default=500, help="for the RSS-vs-length comparison")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(build, "gst"))
    work = tempfile.mkdtemp(prefix="zarrsink-bench-", dir=args.dir)
    frame_bytes = WIDTH * HEIGHT
    speeds, rss = {}, {}
    try:
        for round_number in range(args.rounds):
            for name, command in cases(build, work, args.frames).items():
                seconds, peak, output = run_child(command, env)
                clear(work)  # 2000 raw frames are 4 GB
                gbps = args.frames * frame_bytes / seconds / 1e9
                reported = result_fields(output).get("gbps")
                if reported:  # timed by the case itself, without computing its frames
                    gbps = float(reported)
                speeds.setdefault(name, []).append(gbps)
                rss.setdefault(name, []).append(peak)
                print(f"round {round_number + 1} {name:20s} {gbps:6.2f} GB/s  peak RSS {peak:7.1f} MiB", file=sys.stderr, flush=True)
        small = {}
        for name in ("zarrsink none", "zarrsink blosc-lz4"):
            _, peak, _ = run_child(cases(build, work, args.small_frames)[name], env)
            clear(work)
            small[name] = peak
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: median(values) for name, values in speeds.items()}
    print(f"\n{args.frames} frames of {WIDTH}x{HEIGHT} GRAY8, median of {args.rounds} interleaved rounds\n")
    print(markdown_table(["case", "GB/s", "frames/s", "peak RSS (MiB)"],
                         [[name, fmt(medians[name]), fmt(medians[name] * 1e9 / frame_bytes, 0), fmt(max(rss[name]), 0)]
                          for name in speeds]))

    def ratio(ours, peer):
        return paired_ratio(speeds[ours], speeds[peer])

    def target(label, value, goal):
        return [label, f"{value:.2f}x", "yes" if value >= goal else "no"]

    rows = [target("zarrsink none >= 0.9x filesink + fsync", ratio("zarrsink none", "filesink + fsync"), 0.9),
            ["(for reference) zarrsink none / filesink without fsync",
             f"{ratio('zarrsink none', 'filesink'):.2f}x", "-"],
            target("zarrsink blosc-lz4 >= 0.8x library lz4", ratio("zarrsink blosc-lz4", "library lz4"), 0.8),
            ["(for reference) zarrsink blosc-lz4 / zarr-python lz4",
             f"{ratio('zarrsink blosc-lz4', 'zarr-python lz4'):.2f}x", "-"]]
    for name, peak in small.items():
        big = max(rss[name])
        rows.append([f"{name} peak RSS flat in num-buffers (within 10%)",
                     f"{args.small_frames}: {peak:.0f} MiB, {args.frames}: {big:.0f} MiB",
                     "yes" if big <= peak * 1.1 else "no"])
    print()
    print("Ratios are medians of the per-round ratios.\n")
    print(markdown_table(["target", "measured", "met"], rows))


if __name__ == "__main__":
    main()
