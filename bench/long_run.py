#!/usr/bin/python3
"""Cost over a long recording: does a frame cost more at the end than at the
start? Runs `acqsrc is-live=false ! zarrsink frame-table=true` in this
process (so /proc/self tells its CPU time, memory and bytes written) and, at
each zarrsink-progress message (chunk rows on disk), samples:
  CPU time      user + system of the whole process, every thread
  RSS           VmRSS, and VmHWM (the peak so far)
  bytes         /proc/self/io wchar: every byte handed to write() and
                friends; minus the chunk bytes the message reports, it is
                the metadata written (array metadata, the frame record, the
                frame table's chunks)
Then compares the first tenth of the frames with the last tenth: CPU time
per frame, RSS, and metadata bytes per chunk row. Two workloads:
  small   10,000,000 frames of 32x32 GRAY8, Zarr v2, blosc-lz4, rows of 8192
  sharded 100,000 frames of 1920x1080 GRAY8, Zarr v3 shards of 4 chunks of
          960x540x64, blosc-lz4 (rows of 256 frames)

  /usr/bin/python3 bench/long_run.py [--build build] [--dir /tmp] [--scale 1.0] [small] [sharded]
(--scale 0.1 runs a tenth of the frames, for a quick look.) The first tenth
includes the set-up (the row buffers faulted in); a message may cover
several rows, so the tenths are cut at the nearest message.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

from bench_runner import markdown_table  # noqa: E402

WORKLOADS = {
    "small": dict(frames=10_000_000, caps="video/x-raw,format=GRAY8,width=32,height=32", row_frames=8192,
                  sink="tile-planes=8192 compressor=blosc-lz4 frame-table=true"),
    "sharded": dict(frames=100_000, caps="video/x-raw,format=GRAY8,width=1920,height=1080", row_frames=256,
                    sink="zarr-version=3 tile-width=960 tile-height=540 tile-planes=64 chunks-per-shard-t=4 "
                         "compressor=blosc-lz4 frame-table=true"),
}


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def proc_field(path, name):
    with open(path) as f:
        for line in f:
            if line.startswith(name):
                return int(line.split()[1])
    raise KeyError(name)


class Sample:
    def __init__(self, frames, chunk_bytes):
        self.frames, self.chunk_bytes = frames, chunk_bytes
        self.cpu = cpu_seconds()
        self.rss_mib = proc_field("/proc/self/status", "VmRSS:") / 1024
        self.peak_mib = proc_field("/proc/self/status", "VmHWM:") / 1024
        self.wchar = proc_field("/proc/self/io", "wchar:")
        self.time = time.monotonic()


def record(location, workload, frames):
    """Runs the pipeline; returns the samples, one before the first frame and one per progress message."""
    pipeline = Gst.parse_launch(f"acqsrc is-live=false num-buffers={frames} ! {workload['caps']} "
                                f"! zarrsink name=sink location={location} {workload['sink']}")
    samples = [Sample(0, 0)]
    loop = GLib.MainLoop()
    failure = []

    def on_message(_, message):
        if message.type == Gst.MessageType.ELEMENT and message.get_structure().get_name() == "zarrsink-progress":
            structure = message.get_structure()
            samples.append(Sample(structure.get_value("frames"), structure.get_value("bytes-written")))
        elif message.type == Gst.MessageType.ERROR:
            failure.append(message.parse_error()[0].message)
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    if failure:
        sys.exit(f"long_run: the recording failed: {failure[0]}")
    if samples[-1].frames != frames:
        sys.exit(f"long_run: {samples[-1].frames} frames on disk of {frames}")
    return samples


def tenth(samples, first):
    """(start sample, end sample) spanning the first or the last tenth of the frames."""
    total = samples[-1].frames
    if first:
        end = next(s for s in samples if s.frames >= total / 10)
        return samples[0], end
    start = [s for s in samples if s.frames <= total * 9 / 10][-1]
    return start, samples[-1]


def per_tenth(samples):
    """CPU µs per frame in each tenth of the frames, cut at the nearest messages."""
    total, values, start = samples[-1].frames, [], samples[0]
    for k in range(1, 11):
        end = next(s for s in samples if s.frames >= total * k / 10)
        if end.frames > start.frames:
            values.append((end.cpu - start.cpu) / (end.frames - start.frames) * 1e6)
        start = end
    return values


def figures(samples, start, end, row_frames):
    """CPU time per frame and memory over [start, end], and the metadata
    bytes of a chunk row: the median over the messages in that span of the
    bytes written beyond the chunk bytes they report, per row. A median,
    because a message may come while the next row's chunks are being
    written: those bytes count in the next message's figure, not this one's.
    The set-up before the first message is left out of the metadata."""
    frames = end.frames - start.frames
    span = [s for s in samples if start.frames <= s.frames <= end.frames and s is not samples[0]]
    per_row = sorted(((b.wchar - a.wchar) - (b.chunk_bytes - a.chunk_bytes)) / ((b.frames - a.frames) / row_frames)
                     for a, b in zip(span, span[1:]) if b.frames > a.frames)
    return {"frames": frames, "cpu_us_per_frame": (end.cpu - start.cpu) / frames * 1e6, "rss_mib": end.rss_mib,
            "peak_mib": end.peak_mib, "metadata_per_row": per_row[len(per_row) // 2] if per_row else float("nan")}


def run_workload(name, scale):
    """Runs one workload here; returns its two table rows."""
    workload = WORKLOADS[name]
    frames = int(workload["frames"] * scale)
    work = tempfile.mkdtemp(prefix="long-run-", dir=os.environ["LONG_RUN_DIR"])
    try:
        samples = record(os.path.join(work, "long.zarr"), workload, frames)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = samples[-1].time - samples[0].time
    print(f"{name}: {frames} frames in {elapsed:.1f} s, {len(samples) - 1} progress messages", file=sys.stderr)
    print(f"{name}: CPU µs per frame, tenth by tenth: {' '.join(f'{v:.2f}' for v in per_tenth(samples))}",
          file=sys.stderr)
    rows = []
    for first, label in ((True, "first tenth"), (False, "last tenth")):
        start, end = tenth(samples, first)
        f = figures(samples, start, end, workload["row_frames"])
        rows.append([f"{name}: {frames:,} x {workload['caps'].split(',', 2)[2]}", label, f"{f['frames']:,}",
                     f"{f['cpu_us_per_frame']:.2f}", f"{f['rss_mib']:.0f}", f"{f['peak_mib']:.0f}",
                     f"{f['metadata_per_row'] / 1024:.1f}"])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args()
    if args.child:  # one workload in this process: its RSS figures are its own
        Gst.init(None)
        print(json.dumps(run_workload(args.workloads[0], args.scale)))
        return

    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(os.path.abspath(args.build), "gst"),
               LONG_RUN_DIR=args.dir)
    rows = []
    for name in args.workloads:
        output = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", f"--scale={args.scale}", name],
                                env=env, stdout=subprocess.PIPE, text=True, check=True).stdout
        rows += json.loads(output.splitlines()[-1])
    print()
    print(markdown_table(["recording", "part", "frames", "CPU µs / frame", "RSS (MiB)", "peak RSS so far (MiB)",
                          "metadata KiB / chunk row"], rows))


if __name__ == "__main__":
    main()
