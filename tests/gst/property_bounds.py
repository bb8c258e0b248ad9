"""Every writable property of an element, read from its param specs (so a new
property is covered without editing this file), set to its boundaries and
beyond, both with g_object_set and on a gst-launch-1.0 line:

- out of range: refused by the param spec (the value stays, the warning
  names the property), or gst-launch-1.0 refuses the line naming it;
- at a boundary: the recording either finishes and reads back with 3
  frames, or stops with an error naming the property; never a crash.

Plus the rules that tie properties together. Usage: property_bounds.py ELEMENT
(acqsrc or zarrsink); the recording is `acqsrc ! zarrsink` either way.
"""
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

import gi
import numpy as np

gi.require_version("Gst", "1.0")
from gi.repository import GLib, GObject, Gst  # noqa: E402

Gst.init(None)

ELEMENT = sys.argv.pop(1) if len(sys.argv) > 1 else "zarrsink"
FRAMES, WIDTH, HEIGHT = 3, 64, 48
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}"
# A non-live camera so that boundary exposures (up to an hour) do not wait.
SOURCE = f"acqsrc is-live=false num-buffers={FRAMES}"
INT_TYPES = {
    GObject.TYPE_INT: (-2**31, 2**31 - 1), GObject.TYPE_UINT: (0, 2**32 - 1),
    GObject.TYPE_INT64: (-2**63, 2**63 - 1), GObject.TYPE_UINT64: (0, 2**64 - 1),
    GObject.TYPE_LONG: (-2**63, 2**63 - 1), GObject.TYPE_ULONG: (0, 2**64 - 1),
}
MAX_DOUBLE = sys.float_info.max


def own_writable_properties(element_name):
    """The element's own settable properties (not the base classes')."""
    element = Gst.ElementFactory.make(element_name)
    assert element is not None, f"{element_name} not found: is GST_PLUGIN_PATH_1_0 set?"
    own = type(element).__gtype__
    return [p for p in element.list_properties()
            if p.owner_type == own and p.flags & GObject.ParamFlags.WRITABLE
            and not p.flags & GObject.ParamFlags.CONSTRUCT_ONLY]


def text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def boundary_values(pspec):
    """(values inside the spec, values outside it) as Python values; enums by nick."""
    kind = pspec.value_type
    if kind in INT_TYPES:
        low, high = INT_TYPES[kind]
        outside = [v for v in (pspec.minimum - 1, pspec.maximum + 1) if low <= v <= high]
        return [pspec.minimum, pspec.maximum, pspec.default_value], outside
    if kind == GObject.TYPE_DOUBLE:
        outside = [math.inf, -math.inf, math.nan]
        outside.append(pspec.minimum - max(1.0, abs(pspec.minimum)) if pspec.minimum > 0 else
                       pspec.minimum - 1.0 if pspec.minimum > -MAX_DOUBLE else -math.inf)
        if pspec.minimum > 0:
            outside.append(0.0)
        if pspec.maximum < MAX_DOUBLE:
            outside.append(pspec.maximum * 2 if pspec.maximum > 0 else pspec.maximum + 1)
        return [pspec.minimum, pspec.maximum, pspec.default_value], outside
    if kind == GObject.TYPE_BOOLEAN:
        return [False, True], []
    if kind.is_a(GObject.TYPE_ENUM):
        nicks = [v.value_nick for v in pspec.enum_class.__enum_values__.values()]
        return nicks, []
    if kind == GObject.TYPE_STRING and pspec.name == "uri":
        # URIs as the element reads them back: long, and percent-encoded non-ASCII
        # (gst_launch runs move them below the test's directory).
        return ["", "file:///" + "/".join(["x" * 100] * 30), "file:///caf%C3%A9%20%E5%90%8D%E5%89%8D"], []
    if kind == GObject.TYPE_STRING:
        return ["", "x" * 4096, "caf\u00e9 \u540d\u524d"], []
    raise AssertionError(f"{pspec.name}: no boundary values for type {kind.name}; add them to this table")


def launch_line(element_name, location, assignment):
    """The recording with `assignment` (name=value) on the element under test."""
    prop = f" {assignment}" if assignment else ""
    if element_name == "acqsrc":
        return f"{SOURCE}{prop} ! {CAPS} ! zarrsink location=\"{location}\""
    return f"{SOURCE} ! {CAPS} ! zarrsink location=\"{location}\"{prop}"


def gst_launch(line, timeout=60, cwd=None):
    """Runs gst-launch-1.0 on a line; returns (returncode, combined output).

    gst-launch-1.0 itself can hang after an error in preroll (basesrc's
    not-negotiated EOS leaves the sink waiting in PAUSED while gst-launch-1.0
    waits for the pipeline): when it has printed an ERROR by the timeout, it
    is stopped and counts as having exited with 1; a hang without an error is
    returned as code None, which the callers reject."""
    # One argument per word, as a shell passes them: gst-launch-1.0 escapes
    # the spaces inside each one (a value with spaces stays one value).
    process = subprocess.Popen([shutil.which("gst-launch-1.0")] + shlex.split(line), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", cwd=cwd)
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return (1 if error_lines(output) else None), output


def error_lines(output):
    return [line for line in output.splitlines() if line.startswith("ERROR:") or "WARNING: erroneous" in line]


def recorded_shape(location):
    """Shape of array 0 from its metadata (v2 .zarray or v3 zarr.json)."""
    for name in (".zarray", "zarr.json"):
        path = os.path.join(location, "0", name)
        if os.path.exists(path):
            with open(path) as f:
                return tuple(json.load(f)["shape"])
    return None


class PropertyBounds(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=f"property-bounds-{ELEMENT}-")
        self.warnings = []
        self.handler = GLib.log_set_handler(
            "GLib-GObject", GLib.LogLevelFlags.LEVEL_WARNING | GLib.LogLevelFlags.LEVEL_CRITICAL,
            lambda domain, level, message, data: self.warnings.append(message), None)

    def tearDown(self):
        GLib.log_remove_handler("GLib-GObject", self.handler)
        shutil.rmtree(self.dir, ignore_errors=True)

    def fresh_location(self, label):
        safe = "".join(c if c.isalnum() else "_" for c in label)[:60]
        return os.path.join(self.dir, f"{len(os.listdir(self.dir))}-{safe}.zarr")

    def test_g_object_set(self):
        """In range: read back as set. Out of range: refused, naming the property."""
        for pspec in own_writable_properties(ELEMENT):
            inside, outside = boundary_values(pspec)
            for value in inside:
                with self.subTest(property=pspec.name, value=value):
                    element = Gst.ElementFactory.make(ELEMENT)
                    if pspec.value_type.is_a(GObject.TYPE_ENUM):
                        Gst.util_set_object_arg(element, pspec.name, value)
                        self.assertEqual(element.get_property(pspec.name).value_nick, value)
                    else:
                        element.set_property(pspec.name, value)
                        got = element.get_property(pspec.name)
                        self.assertEqual(got if got is not None else "", value)
                    self.assertEqual(self.warnings, [])
            for value in outside:
                with self.subTest(property=pspec.name, value=value):
                    element = Gst.ElementFactory.make(ELEMENT)
                    before = element.get_property(pspec.name)
                    self.warnings.clear()
                    element.set_property(pspec.name, value)
                    self.assertEqual(element.get_property(pspec.name), before, "an out-of-range value was kept")
                    self.assertTrue(any(f"'{pspec.name}'" in w for w in self.warnings), self.warnings)
                    self.warnings.clear()

    def test_gst_launch(self):
        """The same values on a gst-launch-1.0 line, plus values no parser accepts."""
        for pspec in own_writable_properties(ELEMENT):
            inside, outside = boundary_values(pspec)
            for value in inside:
                with self.subTest(property=pspec.name, value=value):
                    self.check_runs_or_names(pspec.name, value)
            unparsable = ["not-a-value"] if pspec.value_type != GObject.TYPE_STRING else []
            for value in outside + unparsable:
                with self.subTest(property=pspec.name, value=value):
                    location = self.fresh_location(f"{pspec.name}-{value}")
                    code, output = gst_launch(launch_line(ELEMENT, location, f"{pspec.name}={text(value)}"))
                    self.assertIsNotNone(code, f"hung without an error:\n{output}")
                    self.assertGreaterEqual(code, 0, f"killed by signal {-code}:\n{output}")
                    refused_by_spec = f"for property '{pspec.name}'" in output
                    refused_by_parser = f'could not set property "{pspec.name}"' in output
                    self.assertTrue(refused_by_spec or refused_by_parser, output)
                    if refused_by_spec:  # the value was dropped: the recording runs with the default
                        self.assertEqual(code, 0, output)
                        self.assertEqual(recorded_shape(location), (FRAMES, 1, HEIGHT, WIDTH), output)

    def check_runs_or_names(self, name, value, extra=""):
        location = self.fresh_location(f"{name}-{value}")
        if name == "location":
            location = os.path.join(self.dir, value) if value else ""
        if name == "uri":
            location = os.path.join(self.dir, GLib.filename_from_uri(value)[0].lstrip("/")) if value else ""
            value = GLib.filename_to_uri(location) if value else value
        value_text = text(value)
        if isinstance(value, str):  # quoted for shlex; an empty value keeps "" for gst-launch
            assignment = f"{name}='\"\"'" if not value else f'{name}="{value_text}"'
        else:
            assignment = f"{name}={value_text}"
        line = launch_line(ELEMENT, location, f"{assignment} {extra}".strip())
        if name in ("location", "uri"):
            line = line.replace(f'location="{location}"', "")
        code, output = gst_launch(line, cwd=self.dir)
        self.assertIsNotNone(code, f"hung without an error: {line}\n{output}")
        self.assertGreaterEqual(code, 0, f"killed by signal {-code}: {line}\n{output}")
        errors = error_lines(output)
        if code == 0 and not errors:
            # A dimensions value that is one name appends along it, with no channel axis.
            expected = (FRAMES, HEIGHT, WIDTH) if name == "dimensions" else (FRAMES, 1, HEIGHT, WIDTH)
            self.assertEqual(recorded_shape(location), expected, f"{line}\n{output}")
            if os.path.exists(os.path.join(location, "0", ".zarray")) and not (name == "camera" and value):
                self.assert_radial_sin_or_seeded(location, name)
            return
        self.assertTrue(errors, f"failed without an error message: {line}\n{output}")
        # The user's sentence must say which setting is wrong.
        words = {name, name.replace("-", "_")}
        if isinstance(value, str) and value:
            words.add(value[:40])  # a path or camera name, quoted back
        self.assertTrue(any(w in errors[0] for w in words), f"{errors[0]!r} does not name {name}\n{output}")

    def assert_radial_sin_or_seeded(self, location, name):
        import zarr  # the independent reader (Debian python3-zarr)
        data = zarr.open_group(location, mode="r")["0"][:]
        if name == "dimensions" and data.ndim == 3:  # one name: frames along it, no channel axis
            data = data[:, np.newaxis]
        self.assertEqual(data.shape, (FRAMES, 1, HEIGHT, WIDTH))
        if ELEMENT == "acqsrc" and name in ("exposure-time-us", "seed", "is-live"):
            return  # other frames by design (a live camera may skip some); the shape is what is checked
        period_s = 0.01  # the default exposure
        y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
        r2 = (x - WIDTH / 2.0) ** 2 + (y - HEIGHT / 2.0) ** 2
        for n in range(FRAMES):
            expected = np.floor(127 * (1 + np.sin(2 * math.pi * (10 * n * period_s + 0.01 * r2))))
            self.assertLessEqual(np.abs(data[n, 0].astype(np.float64) - expected).max(), 1, f"frame {n}")

    def test_rules_between_properties(self):
        """Combinations each property allows alone but not together. Run in
        this process: gst-launch-1.0 can hang after two errors in preroll
        (the source's own and basesrc's not-negotiated, whose EOS leaves the
        sink waiting in PAUSED while gst-launch-1.0 waits for the pipeline)."""
        if ELEMENT == "zarrsink":
            cases = [
                ("chunks-per-shard-x=2", "chunks-per-shard-x"),  # sharding needs zarr-version=3
                ("chunks-per-shard-t=2 zarr-version=2", "chunks-per-shard-t"),
                ("tile-planes=0 max-bytes-per-chunk=0", "max-bytes-per-chunk"),
                ("zarr-version=3 chunks-per-shard-t=65536 tile-planes=65536", "chunks-per-shard-t"),
                # Terabytes per shard row: refused for want of memory, not a crash.
                ("zarr-version=3 chunks-per-shard-t=65536 tile-planes=4096", "tile-planes"),
                ("zarr-version=3 chunks-per-shard-x=65536 chunks-per-shard-y=65536 chunks-per-shard-t=65536",
                 "chunks-per-shard"),
            ]
        else:
            cases = [
                # An exposure longer than the frame period the caps fix.
                ("exposure-time-us=50000", "exposure-time-us", ",framerate=100/1"),
            ]
        for case in cases:
            assignments, named = case[0], case[1]
            caps_extra = case[2] if len(case) > 2 else ""
            with self.subTest(assignments=assignments):
                location = self.fresh_location(assignments)
                line = launch_line(ELEMENT, location, assignments).replace(CAPS, CAPS + caps_extra)
                message = run_in_process(line)
                self.assertEqual(message.type, Gst.MessageType.ERROR, line)
                error = message.parse_error()[0].message
                self.assertIn(named, error, line)


def run_in_process(line, timeout_s=120):
    """Plays a pipeline until EOS or the first error; returns that message."""
    pipeline = Gst.parse_launch(line)
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(timeout_s * Gst.SECOND,
                                                    Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert message is not None, f"neither EOS nor an error within {timeout_s} s: {line}"
    return message


if __name__ == "__main__":
    unittest.main(verbosity=2)
