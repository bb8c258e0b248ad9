#!/usr/bin/python3
"""The fastest live camera zarrsink keeps up with: for each format, the
highest frame rate at which a live recording runs its whole length (60 s by
default) with no frame dropped and every frame stored.

A trial records `acqsrc is-live=true` (radial sin, exposure = the frame
period in whole microseconds, caps framerate fixed, `stream-buffers` a quarter second of frames:
at 500 fps the default 10 is 20 ms, shorter than the scheduling stalls of
this VM, and the source alone into fakesink drops frames; a hardware camera
is given capture buffers for a fraction of a second too) into zarrsink in a child process for the
given seconds, then sends EOS. It passes when acqsrc dropped no frame
(`frames-dropped`), the frame record lists no lost frame, and the dataset
holds every frame zarrsink received. Rates are stepped up a ladder until a
trial fails; then the highest passing rate and the lowest failing one are
each run once more to confirm. At the lowest failing rate the source alone
(`acqsrc ! fakesink`, live, 10 s) shows whether the camera itself is the
limit.

  /usr/bin/python3 bench/live_rates.py [--build build] [--dir /tmp] [--seconds 60] [format ...]
formats: gray8-lz4 gray8-none gray8-none-rows4 gray16-2048-lz4
Each ladder starts at or a step below the edge found by the searches
of issue 18 (from 100 or 500 fps), so that a report run stays short.
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

from bench_runner import markdown_table

FORMATS = {
    "gray8-lz4": dict(width=1920, height=1080, format="GRAY8", compressor="blosc-lz4",
                      ladder=[1000, 2000, 3000, 4000]),
    "gray8-none": dict(width=1920, height=1080, format="GRAY8", compressor="none",
                       ladder=[200, 300, 400, 500, 700]),
    # The same with 4 rows in flight: 5 chunk rows of memory ride out longer stalls of the disk.
    "gray8-none-rows4": dict(width=1920, height=1080, format="GRAY8", compressor="none",
                             sink_options="rows-in-flight=4", ladder=[300, 400, 500, 700]),
    "gray16-2048-lz4": dict(width=2048, height=2048, format="GRAY16_LE", compressor="blosc-lz4",
                            ladder=[200, 400, 600, 800]),
}


def trial(location, spec, fps, seconds, sink=True):
    """Runs one live recording in this process; returns its figures (a dict)."""
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    caps = f"video/x-raw,format={spec['format']},width={spec['width']},height={spec['height']},framerate={fps}/1"
    tail = (f"zarrsink name=rec location={location} compressor={spec['compressor']} clevel=1 shuffle=byte "
            f"{spec.get('sink_options', '')}"
            if sink else "fakesink")
    buffers = min(1024, max(10, fps // 4))
    pipeline = Gst.parse_launch(f"acqsrc name=cam is-live=true exposure-time-us={1e6 // fps:.0f} stream-buffers={buffers} "
                                f"! {caps} ! {tail}")
    bus = pipeline.get_bus()
    load = os.getloadavg()[0]
    pipeline.set_state(Gst.State.PLAYING)
    started = time.monotonic()
    error = bus.timed_pop_filtered(int(seconds * Gst.SECOND), Gst.MessageType.ERROR)
    if error is None:
        pipeline.send_event(Gst.Event.new_eos())
        message = bus.timed_pop_filtered(600 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        error = message if message is None or message.type == Gst.MessageType.ERROR else None
    elapsed = time.monotonic() - started
    dropped = pipeline.get_by_name("cam").get_property("frames-dropped")
    figures = {"fps": fps, "seconds": round(elapsed, 1), "dropped": dropped, "load_before": load}
    if sink:
        stats = pipeline.get_by_name("rec").get_property("stats")
        figures.update(received=stats.get_value("frames"), sink_dropped=stats.get_value("frames-dropped"))
    pipeline.set_state(Gst.State.NULL)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cores"] = round((usage.ru_utime + usage.ru_stime) / max(elapsed, 1), 2)
    if error is not None:
        figures["error"] = error.parse_error()[0].message if error else "no EOS within 600 s"
        return figures
    if sink:
        with open(os.path.join(location, "0", ".zarray")) as f:
            figures["stored"] = json.load(f)["shape"][0]
        with open(os.path.join(location, "0", ".zattrs")) as f:
            figures["lost_runs"] = len(json.load(f)["acquisition"]["lost_runs"])
    return figures


def passed(figures):
    return ("error" not in figures and figures["dropped"] == 0 and figures["lost_runs"] == 0
            and figures["sink_dropped"] == 0 and figures["stored"] == figures["received"] > 0)


def run_trial(build, directory, name, fps, seconds, sink=True):
    """One trial in a child process (its own CPU figures, nothing left between trials)."""
    os.sync()
    time.sleep(3)
    location = os.path.join(directory, "live.zarr")
    env = dict(os.environ, GST_PLUGIN_PATH_1_0=os.path.join(build, "gst"))
    command = ["/usr/bin/python3", os.path.abspath(__file__), "--trial", name, str(fps), str(seconds), location,
               "--sink" if sink else "--no-sink"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 900)
    finally:
        shutil.rmtree(location, ignore_errors=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {"fps": fps, "error": f"trial exited {result.returncode}: {result.stderr[-500:]}"}
    figures = json.loads(lines[-1])
    verdict = "pass" if sink and passed(figures) else ("source" if not sink else "FAIL")
    print(f"{name} {fps} fps: {verdict} {figures}", file=sys.stderr, flush=True)
    return figures


def search(build, directory, name, seconds):
    """Steps up the ladder; returns (highest pass and its confirmation, lowest fail and its, source alone)."""
    spec = FORMATS[name]
    best = worst = None
    for fps in spec["ladder"]:
        figures = run_trial(build, directory, name, fps, seconds)
        if passed(figures):
            best = figures
        else:
            worst = figures
            break
    # The ladder starts near the edge found before: if its first rung fails,
    # step down by halves (three at most) to find a rate that passes.
    fps = spec["ladder"][0]
    while best is None and fps >= 2 * 10 and fps > spec["ladder"][0] // 8:
        fps //= 2
        figures = run_trial(build, directory, name, fps, seconds)
        if passed(figures):
            best = figures
        else:
            worst = figures
    confirm_best = run_trial(build, directory, name, best["fps"], seconds) if best else None
    confirm_worst = run_trial(build, directory, name, worst["fps"], seconds) if worst else None
    source = run_trial(build, directory, name, worst["fps"], 10, sink=False) if worst else None
    return best, confirm_best, worst, confirm_worst, source


def describe(figures):
    if figures is None:
        return "-"
    if "error" in figures:
        return f"error: {figures['error'][:80]}"
    return (f"{figures['received']} frames, {figures['dropped']} dropped, {figures['stored']} stored, "
            f"{figures['cores']} cores")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--trial", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--sink", action="store_true", default=True, help=argparse.SUPPRESS)
    parser.add_argument("--no-sink", dest="sink", action="store_false", help=argparse.SUPPRESS)
    parser.add_argument("formats", nargs="*", default=list(FORMATS))
    args = parser.parse_args()
    if args.trial:
        name, fps, seconds, location = args.trial
        print(json.dumps(trial(location, FORMATS[name], int(fps), float(seconds), args.sink)))
        return

    build = os.path.abspath(args.build)
    directory = tempfile.mkdtemp(prefix="live-rates-", dir=args.dir)
    rows = []
    try:
        for name in args.formats:
            spec = FORMATS[name]
            best, confirm_best, worst, confirm_worst, source = search(build, directory, name, args.seconds)
            frame_mb = spec["width"] * spec["height"] * (2 if spec["format"] == "GRAY16_LE" else 1) / 1e6
            source_cell = "-" if source is None else (
                f"{source['dropped']} dropped of {round(source['fps'] * source['seconds'])}" if "error" not in source
                else source["error"][:60])
            options = f", {spec['sink_options']}" if spec.get("sink_options") else ""
            rows.append([f"{spec['width']}x{spec['height']} {spec['format']}, {spec['compressor']}{options}",
                         f"{best['fps']} fps ({best['fps'] * frame_mb / 1e3:.2f} GB/s)" if best else "none passed",
                         describe(best), describe(confirm_best),
                         f"{worst['fps']} fps" if worst else "none failed", describe(worst), describe(confirm_worst),
                         source_cell])
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\nLive recordings of {args.seconds:g} s, radial sin, clevel 1 byte shuffle; "
          f"pass = 0 frames dropped and every frame stored\n")
    print(markdown_table(["format, compressor", "highest passing", "run", "run again", "lowest failing", "run",
                          "run again", "source alone at that rate (10 s)"], rows))


if __name__ == "__main__":
    main()
