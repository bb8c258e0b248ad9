#!/usr/bin/python3
"""Runs any gst-launch-1.0 style pipeline and shows how far its zarrsink
recording is, from zarrsink's `zarrsink-progress` messages: frames on disk,
MB/s written, compression ratio, frames dropped.

    /usr/bin/python3 examples/record_with_progress.py [--interval S] PIPELINE...

    /usr/bin/python3 examples/record_with_progress.py \\
        acqsrc camera="simulated: radial sin" exposure-time-us=10000 \\
        ! video/x-raw,format=GRAY8,width=1920,height=1080 ! zarrsink location=out.zarr

The pipeline is written as for gst-launch-1.0. On a terminal the progress is
one line updated in place; otherwise (a log, a pipe) a plain line every
--interval seconds (5 by default). Ctrl-C ends the recording as
`gst-launch-1.0 -e` does: end-of-stream, so zarrsink finishes the dataset
(a second Ctrl-C stops at once; zarrsink still keeps every frame received
with its default stop-policy=finish). An error is printed and the exit
status is 1. At the end one line per zarrsink sums the recording up, from
its `stats` property, on stdout; progress, warnings and errors go to stderr.
"""
import argparse
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def describe(figures, seconds):
    """One recording's figures as words: frames, MB/s, ratio, dropped."""
    rate = figures["bytes-written"] / 1e6 / seconds if seconds > 0 else 0.0
    return (f"{figures['frames']} frames on disk, {figures['bytes-written'] / 1e6:.1f} MB at {rate:.1f} MB/s, "
            f"compression {figures['compression-ratio']:.2f}x, {figures['frames-dropped']} dropped")


class Recorder:
    def __init__(self, pipeline, interval_s, stream):
        self.pipeline = pipeline
        self.interval_s = interval_s
        self.stream = stream
        self.on_terminal = stream.isatty()
        self.loop = GLib.MainLoop()
        self.progress = {}  # zarrsink name -> figures of its latest message
        self.shown = None  # the figures of the last progress line
        self.line_open = False  # on a terminal: the cursor is at the end of the progress line
        self.started = time.monotonic()
        self.interrupted = False
        self.failed = False

    def elapsed_s(self):
        return time.monotonic() - self.started

    def line(self):
        parts = [describe(figures, self.elapsed_s()) for figures in self.progress.values()]
        if len(parts) > 1:
            parts = [f"{name}: {part}" for name, part in zip(self.progress, parts)]
        return f"{self.elapsed_s():.1f} s: " + "; ".join(parts)

    def show(self, final=False):
        """The progress line, from a timer, when the figures changed: redrawn
        in place on a terminal, else a new line. final: the line is done."""
        if self.progress and self.progress != self.shown:
            self.shown = {name: dict(figures) for name, figures in self.progress.items()}
            if self.on_terminal:
                self.stream.write("\r\033[K" + self.line())
                self.line_open = True
            else:
                self.stream.write(self.line() + "\n")
        if final and self.line_open:
            self.stream.write("\n")
            self.line_open = False
        self.stream.flush()

    def say(self, text):
        """A line of its own, below the progress line on a terminal."""
        self.show(final=True)
        self.stream.write(text + "\n")
        self.stream.flush()

    def on_message(self, bus, message):
        kind = message.type
        if kind == Gst.MessageType.ELEMENT and message.has_name("zarrsink-progress"):
            structure = message.get_structure()
            self.progress[message.src.get_name()] = {
                key: structure.get_value(key)
                for key in ("frames", "bytes-written", "compression-ratio", "frames-dropped")}
        elif kind == Gst.MessageType.ERROR:
            error, debug = message.parse_error()
            self.say(f"ERROR from {message.src.get_path_string()}: {error.message}")
            if debug:
                self.say(f"  {debug}")
            self.failed = True
            self.loop.quit()
        elif kind == Gst.MessageType.WARNING:
            warning, _ = message.parse_warning()
            self.say(f"WARNING from {message.src.get_path_string()}: {warning.message}")
        elif kind == Gst.MessageType.EOS:
            self.loop.quit()
        return True

    def on_interrupt(self):
        if not self.interrupted:
            self.interrupted = True
            self.say("Interrupt: sending end-of-stream so the recording is finished (Ctrl-C again to stop now)")
            self.pipeline.send_event(Gst.Event.new_eos())
            return GLib.SOURCE_CONTINUE
        self.say("Interrupt again: stopping now")
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def on_timer(self):
        self.show()
        return GLib.SOURCE_CONTINUE

    def run(self):
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, self.on_interrupt)
        # On a terminal the line is redrawn 5 times a second at the most.
        GLib.timeout_add(200 if self.on_terminal else max(1, int(self.interval_s * 1000)), self.on_timer)
        # A refused state change posts an ERROR, which ends the loop.
        self.pipeline.set_state(Gst.State.PLAYING)
        self.loop.run()
        self.show(final=True)
        # zarrsink's last figures; going to NULL finishes a recording that
        # was stopped without EOS (the second Ctrl-C).
        self.pipeline.set_state(Gst.State.NULL)
        bus.remove_signal_watch()
        return 1 if self.failed else 0


def zarrsinks(pipeline):
    found = []
    iterator = pipeline.iterate_recurse()
    while True:
        result, element = iterator.next()
        if result == Gst.IteratorResult.RESYNC:
            iterator.resync()
            found.clear()
        elif result != Gst.IteratorResult.OK:
            return found
        elif element.get_factory() and element.get_factory().get_name() == "zarrsink":
            found.append(element)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=5.0, metavar="S",
                        help="seconds between progress lines when not on a terminal (default 5)")
    parser.add_argument("pipeline", nargs=argparse.REMAINDER, help="the pipeline, as for gst-launch-1.0")
    options = parser.parse_args()
    if not options.pipeline:
        parser.error("no pipeline given")

    Gst.init(None)
    try:
        pipeline = Gst.parse_launchv(options.pipeline)
    except GLib.Error as error:
        sys.exit(f"ERROR: the pipeline could not be built: {error.message}")
    if not isinstance(pipeline, Gst.Pipeline):  # a single element
        single, pipeline = pipeline, Gst.Pipeline.new()
        pipeline.add(single)
    sinks = zarrsinks(pipeline)
    if not sinks:
        print("record_with_progress: the pipeline has no zarrsink: no progress to show", file=sys.stderr)

    recorder = Recorder(pipeline, options.interval, sys.stderr)
    status = recorder.run()
    seconds = recorder.elapsed_s()
    for sink in sinks:
        stats = sink.get_property("stats")
        figures = {key: stats.get_value(key)
                   for key in ("frames", "bytes-written", "compression-ratio", "frames-dropped")}
        outcome = "failed after" if status else "recorded"
        print(f"{sink.get_name()} {outcome} {seconds:.1f} s: {describe(figures, seconds)}; "
              f"location {sink.get_property('location')}")
    sys.exit(status)


if __name__ == "__main__":
    main()
