#!/usr/bin/python3
"""zarrsink throughput and peak RSS, side by side with its peers.

Runs, interleaved over several rounds so machine noise hits all alike:
  acqsrc (radial sin, 1920x1080 GRAY8, not live) ! zarrsink, uncompressed,
  blosc-lz4 and blosc-zstd (clevel 1, byte shuffle, 960x540 tiles, 64 planes);
  the same source into filesink (raw bytes), once as it is and once followed
  by an fsync of its file, and into fakesink (the source alone); and the
  library's own benchmark (zarr_writer_bench) on the same frames. Each case is
  a child process timed from start to exit (the library times its writer
  itself, leaving out computing its frames); peak RSS comes from wait4.

  zarrsink's EOS means the data is on disk (it syncs at close); filesink's
  does not, so its raw speed is the page cache's. The physical limit that
  the uncompressed target compares with is "filesink + fsync": the same
  bytes, also on disk when the time stops.

  /usr/bin/python3 bench/zarrsink.py [--build build] [--frames 2000] [--rounds 2] [--dir /tmp]
"""
import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time

SETTLE_S = 5  # seconds between cases; see run_child()

WIDTH, HEIGHT = 1920, 1080
SINK_OPTIONS = "tile-width=960 tile-height=540 tile-planes=64 clevel=1 shuffle=byte"


def source(frames):
    return (f'acqsrc is-live=false camera="simulated: radial sin" num-buffers={frames} '
            f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}")


def run_child(command, env):
    """Runs command; returns (wall seconds, peak RSS in MiB, stdout)."""
    # Start with nothing dirty in the page cache, and give the disk a moment
    # to finish the write-back it still does below us (this VM's virtual
    # disk goes on absorbing for seconds after a sync): otherwise a case
    # pays for the bytes of the case before it.
    os.sync()
    time.sleep(SETTLE_S)
    start = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{output}")
    return seconds, usage.ru_maxrss / 1024.0, output


def gst_case(description):
    return ["gst-launch-1.0", "-q", "-e"] + description.split()


def cases(build, work, frames):
    location = os.path.join(work, "out.zarr")
    raw = os.path.join(work, "out.raw")
    zarrsink = f"zarrsink location={location} overwrite=true {SINK_OPTIONS}"
    library = os.path.join(build, "bench", "zarr_writer_bench")
    return {
        "zarrsink none": gst_case(f"{source(frames)} ! {zarrsink} compressor=none"),
        "zarrsink blosc-lz4": gst_case(f"{source(frames)} ! {zarrsink} compressor=blosc-lz4"),
        "zarrsink blosc-zstd": gst_case(f"{source(frames)} ! {zarrsink} compressor=blosc-zstd"),
        "filesink": gst_case(f"{source(frames)} ! filesink location={raw}"),
        "filesink + fsync": ["sh", "-c", shlex.join(gst_case(f"{source(frames)} ! filesink location={raw}"))
                             + " && sync " + shlex.quote(raw)],
        "fakesink": gst_case(f"{source(frames)} ! fakesink"),
        "library none": [library, f"--frames={frames}", f"--dir={work}", "--case=none"],
        "library lz4": [library, f"--frames={frames}", f"--dir={work}", "--case=lz4"],
        "library zstd": [library, f"--frames={frames}", f"--dir={work}", "--case=zstd"],
    }


def clear(work):
    for name in os.listdir(work):
        path = os.path.join(work, name)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


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
                reported = re.search(r"gbps=([0-9.]+)", output)
                if reported:  # the library times its own writing, without computing its frames
                    gbps = float(reported.group(1))
                speeds.setdefault(name, []).append(gbps)
                rss.setdefault(name, []).append(peak)
                print(f"round {round_number + 1} {name:20s} {gbps:6.2f} GB/s  peak RSS {peak:7.1f} MiB", flush=True)
        small = {}
        for name in ("zarrsink none", "zarrsink blosc-lz4"):
            _, peak, _ = run_child(cases(build, work, args.small_frames)[name], env)
            clear(work)
            small[name] = peak
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in speeds.items()}
    print(f"\n{args.frames} frames of {WIDTH}x{HEIGHT} GRAY8, median of {args.rounds} rounds\n")
    print(f"| case | GB/s | peak RSS (MiB) |\n|---|---|---|")
    for name in speeds:
        print(f"| {name} | {median[name]:.2f} | {max(rss[name]):.0f} |")
    print("\n| target | measured | met |\n|---|---|---|")
    ratio = median["zarrsink none"] / median["filesink + fsync"]
    print(f"| zarrsink none >= 0.9x filesink + fsync | {ratio:.2f}x | {'yes' if ratio >= 0.9 else 'no'} |")
    ratio = median["zarrsink none"] / median["filesink"]
    print(f"| (for reference) zarrsink none / filesink without fsync | {ratio:.2f}x | - |")
    ratio = median["zarrsink blosc-lz4"] / median["library lz4"]
    print(f"| zarrsink blosc-lz4 >= 0.8x library lz4 | {ratio:.2f}x | {'yes' if ratio >= 0.8 else 'no'} |")
    for name, peak in small.items():
        big = max(rss[name])
        flat = big <= peak * 1.1
        print(f"| {name} RSS flat in num-buffers | {args.small_frames}: {peak:.0f} MiB, "
              f"{args.frames}: {big:.0f} MiB | {'yes' if flat else 'no'} |")


if __name__ == "__main__":
    main()
