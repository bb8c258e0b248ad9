#!/usr/bin/python3
"""Runs every benchmark of the project in one go and writes
docs/performance.md: acqsrc against videotestsrc, the zarr library against
zarr-python / a raw write / a bare blosc loop, zarrsink against filesink,
fakesink, the library and zarr-python, v2 against v3 sharded and the cost of
the multiscale pyramid, a whole recording against the compute ceiling, the
fastest live camera it keeps up with, the cost over long recordings, (when
the Ceph gateway is installed) zarrsink to S3 against boto3, and the limits
of this machine. Each benchmark interleaves its cases round after round, so
its figures are ratios measured side by side in one run; absolute figures
move with this shared machine's mood. bench/performance_notes.md (written by
hand: profiles, what changed, targets missed) is appended as it is.

  /usr/bin/python3 bench/report.py [--build build] [--dir /work/benchtmp]
      [--output docs/performance.md] [--quick]

--dir must be on the disk the figures are for (not a tmpfs). --quick runs
every benchmark small, to check that the report builds (its figures mean
little). A full run takes about an hour; run it alone.
"""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def command_output(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(directory):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory_kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    mount = command_output(["findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "--target", directory])
    os_name = next((line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release")
                    if line.startswith("PRETTY_NAME=")), "?")
    versions = command_output(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
                               "libgstreamer1.0-0", "libblosc1", "python3-zarr", "python3-numcodecs"])
    return [f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory_kib / 2**20:.0f} GiB",
            f"- System: {os_name}, Linux {platform.release()}",
            f"- Benchmark directory `{directory}`: `{mount}`",
            "- Packages: " + ", ".join(f"{line.split()[0]} {line.split()[1]}" for line in versions.splitlines())]


def benchmarks(build, directory, quick):
    python = "/usr/bin/python3"
    frames = "200" if quick else "2000"
    small = "100" if quick else "500"
    rounds = "1" if quick else "3"
    items = [
        ("acqsrc against videotestsrc",
         "Simulated cameras into fakesink, next to GStreamer's own test source at the same size and format.",
         [python, f"{HERE}/acqsrc.py", "--build", build, "--frames", "200" if quick else "1000", "--rounds", rounds]),
        ("The zarr library against its peers",
         "Our writer (data on disk when the time stops), zarr-python 2.13 with the same chunks and codec "
         "(its time stops with the data in the page cache), the same bytes written raw to one file and fsynced, "
         "and a bare blosc loop compressing the same chunks on the same threads (the compute ceiling).",
         [python, f"{HERE}/zarr_writer_vs_peers.py", "--build", build, "--frames", "200" if quick else "1000",
          "--rounds", rounds, "--dir", os.path.join(directory, "library"),
          "--rss-frames", "100,400" if quick else "1000,4000"]),
        ("zarrsink against filesink, fakesink, the library and zarr-python",
         "Whole `gst-launch-1.0` pipelines from acqsrc (radial sin, not live); zarrsink's EOS means the data "
         "is on disk, so \"filesink + fsync\" is the fair physical limit.",
         [python, f"{HERE}/zarrsink.py", "--build", build, "--frames", frames, "--small-frames", small,
          "--rounds", rounds, "--dir", directory]),
        ("Zarr v2 against v3 sharded, the cost of multiscale and of z stacks",
         "The library writing 256x256x32 chunks as v2, as v3 with 4x4 chunks per shard, each with and "
         "without the multiscale pyramid, and the same frames folded into z stacks (`dimensions`) with the same "
         "chunk bytes: `z32` stacks of 32 planes in chunks of 1 time point x 32 z, `c2z32` two channels of such "
         "stacks (rows of 64 frames instead of 32). \"time x\" is the wall time relative to the case in \"vs\".",
         [os.path.join(build, "bench", "zarr_format_bench"), "--frames=" + ("128" if quick else "1280"),
          "--rounds=" + rounds, "--dir=" + os.path.join(directory, "format")]),
    ]
    items += [
        ("A whole recording against the compute ceiling",
         "The ceiling is a bare loop doing only the work a writer cannot avoid: each 960x540x64 chunk gathered "
         "from acqsrc's own frames (one copy) and compressed with blosc-lz4 on 2 threads, nothing written. "
         "Beside it: the library, a whole `gst-launch-1.0 acqsrc ! zarrsink` run, and the source alone; the CPU "
         "columns and the lower bound say where the rest of the time goes (see the notes at the end).",
         [python, f"{HERE}/ceiling.py", "--build", build, "--dir", directory,
          "--frames", "128" if quick else "1280", "--rounds", "1" if quick else "5"]),
        ("The same, ten times longer",
         "12,800 frames: set-up and process start weigh less, the disk's flush at close more.",
         [python, f"{HERE}/ceiling.py", "--build", build, "--dir", directory,
          "--frames", "640" if quick else "12800", "--rounds", rounds]),
        ("The fastest live camera zarrsink keeps up with",
         "Live recordings of 60 s, the rate stepped up until frames are dropped; the highest passing rate and the "
         "lowest failing one each run again. `rows-in-flight=4` is the same uncompressed recording with 4 chunk "
         "rows in flight instead of 1, to ride out stalls of the disk.",
         [python, f"{HERE}/live_rates.py", "--build", build, "--dir", directory,
          "--seconds", "5" if quick else "60"]),
        ("Cost over long recordings",
         "10 million small frames and 100,000 full-HD frames (v3 sharded) with the frame record and the frame table "
         "on: the first tenth of the frames against the last.",
         [python, f"{HERE}/long_run.py", "--build", build, "--dir", directory] + (["--scale", "0.01"] if quick else [])),
    ]
    if os.path.exists(os.path.join(HERE, "s3.py")) and shutil.which("radosgw"):
        items.append(("zarrsink to S3 (a local Ceph RADOS Gateway)",
                      "zarrsink to the gateway, to the local filesystem, and boto3 uploading the same objects "
                      "with the same parallelism.",
                      [python, f"{HERE}/s3.py", "--build", build, "--dir", directory,
                       "--frames", "64" if quick else "128", "--rounds", rounds]))
    items.append(("Limits of this machine",
                  "What this VM does to the figures above, so they can be carried over to another machine: the cost "
                  "of first touching memory (every benchmark case starts after 5 s of quiet, so its fresh memory is "
                  "backed anew by the host), the disk's rate, stalls and flush, and how late a thread wakes.",
                  [python, f"{HERE}/machine_limits.py", "--dir", directory] + (["--quick"] if quick else [])))
    return items


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--dir", default="/work/benchtmp")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    os.makedirs(args.dir, exist_ok=True)

    started = time.monotonic()
    sections = []
    for title, about, command in benchmarks(build, os.path.abspath(args.dir), args.quick):
        print(f"== {title}: {shlex.join(command)}", file=sys.stderr, flush=True)
        result = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        if result.returncode != 0:
            sys.exit(f"benchmark failed ({result.returncode}): {shlex.join(command)}")
        shown = shlex.join(command).replace(ROOT + "/", "").replace(build, "build")
        sections.append(f"## {title}\n\n{about}\n\n`{shown}`\n\n{result.stdout.strip()}\n")
    minutes = (time.monotonic() - started) / 60

    notes_path = os.path.join(HERE, "performance_notes.md")
    notes = open(notes_path).read().strip() + "\n" if os.path.exists(notes_path) else ""
    today = datetime.date.today().isoformat()
    header = "\n".join([
        "# Performance",
        "",
        f"Measured on {today} by `/usr/bin/python3 bench/report.py{' --quick' if args.quick else ''}` "
        f"({minutes:.0f} minutes), which wrote this page; the notes at the end are bench/performance_notes.md.",
        "",
        "Every benchmark runs its cases interleaved, round after round, on one machine in one run: read the",
        "figures as ratios measured side by side. The machine is a shared 2-core VM whose disk speed swings",
        "by up to 3x from minute to minute, so absolute figures from another run will differ.",
        "",
        "## Machine",
        "",
        *machine(os.path.abspath(args.dir)),
        "",
    ])
    with open(args.output, "w") as out:
        out.write(header + "\n" + "\n".join(sections) + ("\n" + notes if notes else ""))
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
