"""zarrsink as a GstURIHandler for file:// and s3:// (issue 17, point 1):
`location=file:///...` records at the path the URI names (it used to make a
directory called "file:"), `uri` sets and reads the location as a URI,
gst_element_make_from_uri() makes a zarrsink for s3:// and, when zarrsink
is ranked above filesink, for file://; bad URIs fail the start naming the
property, and gst-launch-1.0 always ends. Datasets are read back with
zarr-python."""
import os
import shutil
import subprocess
import tempfile
import unittest

from gi.repository import GLib

from zarrsink_testing import Gst, TempDir, assert_finished, assert_radial_sin, errors, open_array, run

FRAMES, WIDTH, HEIGHT = 5, 64, 48
CAPS = f"video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}"
PERIOD_US = 10000
SOURCE = ["acqsrc", "is-live=false", f"num-buffers={FRAMES}", f"exposure-time-us={PERIOD_US}", "!", CAPS, "!"]
STATE_CHANGE_FAILURE = 255  # gst-launch-1.0's exit status when the pipeline refuses PAUSED
BAD_URIS = ["file://otherhost/x.zarr", "http://example.com/x.zarr", "file:garbage", "file:", "file:///bad%zz.zarr"]


def gst_launch(words, cwd, env=None, timeout=20):
    return subprocess.run([shutil.which("gst-launch-1.0")] + words, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def assert_recorded(test, path):
    array = open_array(path)
    test.assertEqual(array.shape, (FRAMES, 1, HEIGHT, WIDTH))
    assert_radial_sin(array[:], WIDTH, HEIGHT, PERIOD_US / 1e6)


def zarrsink():
    return Gst.ElementFactory.make("zarrsink")


class MakeFromUri(unittest.TestCase):
    def test_factory_declares_file_and_s3_sink(self):
        factory = Gst.ElementFactory.find("zarrsink")
        self.assertEqual(factory.get_uri_type(), Gst.URIType.SINK)
        self.assertEqual(sorted(factory.get_uri_protocols()), ["file", "s3"])
        self.assertEqual(factory.get_rank(), Gst.Rank.NONE)  # not autoplugged (docs/elements/zarrsink.md, URIs)

    def test_s3_makes_a_zarrsink_recording_there(self):
        for uri in ["s3://my-bucket/runs/cell-3.zarr", "s3://my-bucket/a%20b.zarr", "s3://my-bucket"]:
            with self.subTest(uri=uri):
                element = Gst.Element.make_from_uri(Gst.URIType.SINK, uri, "rec")
                self.assertEqual(element.get_factory().get_name(), "zarrsink")
                self.assertEqual(element.get_property("location"), uri)  # as it is: the library reads it
                self.assertEqual(element.get_property("uri"), uri)
                self.assertEqual(element.get_uri(), uri)

    def test_file_goes_to_filesink_first(self):
        """A .zarr path is not told apart by its protocol: filesink (PRIMARY)
        keeps file:// URIs; zarrsink (NONE) comes after it."""
        element = Gst.Element.make_from_uri(Gst.URIType.SINK, "file:///tmp/x.zarr", None)
        self.assertNotEqual(element.get_factory().get_name(), "zarrsink")
        self.assertGreater(element.get_factory().get_rank(), Gst.Rank.NONE)

    def test_file_makes_a_zarrsink_when_ranked_first(self):
        factory = Gst.ElementFactory.find("zarrsink")
        factory.set_rank(Gst.Rank.PRIMARY + 1)
        try:
            with TempDir() as tmp:
                path = os.path.join(tmp, "by uri.zarr")
                element = Gst.Element.make_from_uri(Gst.URIType.SINK, GLib.filename_to_uri(path), "rec")
                self.assertEqual(element.get_factory().get_name(), "zarrsink")
                self.assertEqual(element.get_property("location"), path)
                pipeline = Gst.parse_launch(" ".join(SOURCE[:-1]) + " ! queue name=q")
                pipeline.add(element)
                self.assertTrue(pipeline.get_by_name("q").link(element))
                bus = pipeline.get_bus()
                pipeline.set_state(Gst.State.PLAYING)
                message = bus.timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
                pipeline.set_state(Gst.State.NULL)
                self.assertIsNotNone(message)
                self.assertEqual(errors([message]), [])
                self.assertEqual(message.type, Gst.MessageType.EOS)
                assert_recorded(self, path)
        finally:
            factory.set_rank(Gst.Rank.NONE)

    def test_uri_as_a_gst_launch_element(self):
        """`... ! file:///path.zarr` on a gst-launch-1.0 line, with zarrsink
        ranked first through GST_PLUGIN_FEATURE_RANK (its own registry file,
        so the other tests' registries keep the rank NONE)."""
        with TempDir() as tmp:
            path = os.path.join(tmp, "launch line.zarr")
            env = dict(os.environ, GST_PLUGIN_FEATURE_RANK="zarrsink:MAX",
                       GST_REGISTRY_1_0=os.path.join(tmp, "registry.bin"))
            result = gst_launch(SOURCE + [GLib.filename_to_uri(path)], cwd=tmp, env=env, timeout=60)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            assert_recorded(self, path)


class LocationAndUri(unittest.TestCase):
    def test_location_file_uri_on_a_launch_line_records_at_the_path(self):
        with TempDir() as tmp:
            path = os.path.join(tmp, "data", "x.zarr")
            result = gst_launch(SOURCE + ["zarrsink", f"location=file://{path}"], cwd=tmp)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            assert_recorded(self, path)
            self.assertEqual(sorted(os.listdir(tmp)), ["data"], "something besides the dataset was created")

    def test_uri_on_a_launch_line_records_at_the_path(self):
        with TempDir() as tmp:
            path = os.path.join(tmp, "y.zarr")
            result = gst_launch(SOURCE + ["zarrsink", f"uri={GLib.filename_to_uri(path)}"], cwd=tmp)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            assert_recorded(self, path)

    def test_percent_encoded_path(self):
        with TempDir() as tmp:
            path = os.path.join(tmp, "run 1 \u00e9t\u00e9", "data set.zarr")
            uri = GLib.filename_to_uri(path)
            self.assertIn("%20", uri)
            for name in ("location", "uri"):
                with self.subTest(property=name):
                    element = zarrsink()
                    element.set_property(name, uri)
                    self.assertEqual(element.get_property("location"), path)
                    self.assertEqual(element.get_property("uri"), uri)
            result = gst_launch(SOURCE + ["zarrsink", f"location={uri}"], cwd=tmp)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            assert_recorded(self, path)

    def test_localhost_is_this_host(self):
        element = zarrsink()
        element.set_property("location", "file://localhost/data/x.zarr")
        self.assertEqual(element.get_property("location"), "/data/x.zarr")
        self.assertEqual(element.get_property("uri"), "file:///data/x.zarr")

    def test_uri_reads_back_absolute(self):
        cwd = os.getcwd()
        cases = {
            "rel/x.zarr": GLib.filename_to_uri(os.path.join(cwd, "rel/x.zarr")),
            "./a/../b.zarr": GLib.filename_to_uri(os.path.join(cwd, "b.zarr")),
            "/abs/c.zarr": "file:///abs/c.zarr",
            "s3://bucket/d.zarr": "s3://bucket/d.zarr",
            "name:with:colons": GLib.filename_to_uri(os.path.join(cwd, "name:with:colons")),
        }
        for location, uri in cases.items():
            with self.subTest(location=location):
                element = zarrsink()
                element.set_property("location", location)
                self.assertEqual(element.get_property("location"), location)
                self.assertEqual(element.get_property("uri"), uri)
                self.assertEqual(element.get_uri(), uri)
                query = Gst.Query.new_uri()  # as upstream asks where the data goes
                self.assertTrue(element.get_static_pad("sink").query(query))
                self.assertEqual(query.parse_uri(), uri)
        self.assertIsNone(zarrsink().get_property("uri"))
        element = zarrsink()
        element.set_property("location", "/x.zarr")
        element.set_property("location", None)
        self.assertIsNone(element.get_property("uri"))

    def test_file_uri_alone_clears_the_location(self):
        """Applications probe with "file://", as filesink allows."""
        element = zarrsink()
        element.set_property("location", "/x.zarr")
        self.assertTrue(element.set_uri("file://"))
        self.assertIsNone(element.get_property("location"))


class Refusals(unittest.TestCase):
    def test_set_uri_refuses_with_a_reason(self):
        for uri in BAD_URIS + ["s3:bucket"]:
            with self.subTest(uri=uri):
                element = zarrsink()
                element.set_property("location", "/kept.zarr")
                with self.assertRaises(GLib.Error) as caught:
                    element.set_uri(uri)
                if uri.startswith("http"):
                    self.assertIn("not supported", caught.exception.message)  # GStreamer's own protocol check
                else:
                    self.assertIn('invalid setting "uri"', caught.exception.message)
                    self.assertIn(uri, caught.exception.message)
                self.assertEqual(element.get_property("location"), "/kept.zarr")

    def test_properties_refuse_at_start_naming_them(self):
        for name, value in [("location", v) for v in BAD_URIS] + [("uri", v) for v in BAD_URIS + ["/a/path"]]:
            with self.subTest(property=name, value=value), TempDir() as tmp:
                cwd = os.getcwd()
                os.chdir(tmp)  # nothing named after the URI may appear in the current directory
                try:
                    _, messages = run(" ".join(SOURCE) + " zarrsink name=rec",
                                      on_pipeline=lambda p: p.get_by_name("rec").set_property(name, value))
                finally:
                    os.chdir(cwd)
                found = errors(messages)
                self.assertEqual(len(found), 1, [e.message for e in found])
                self.assertTrue(found[0].matches(Gst.ResourceError.quark(), Gst.ResourceError.SETTINGS),
                                found[0].message)
                self.assertIn(f'invalid setting "{name}"', found[0].message)
                self.assertIn(value, found[0].message)
                self.assertEqual(os.listdir(tmp), [])

    def test_gst_launch_ends_on_a_refused_uri(self):
        """A few dozen gst-launch-1.0 runs of the refusals, each with a
        timeout: the start fails, so nothing waits for an error the main
        loop might miss (test_no_hang.py)."""
        runs = 0
        with TempDir() as tmp:
            for name, value in [("location", v) for v in BAD_URIS] + [("uri", "file://otherhost/x.zarr")]:
                for _ in range(6):
                    try:
                        result = gst_launch(SOURCE + ["zarrsink", f"{name}={value}"], cwd=tmp, timeout=10)
                    except subprocess.TimeoutExpired:
                        self.fail(f"gst-launch-1.0 hung with {name}={value}")
                    output = result.stdout + result.stderr
                    self.assertEqual(result.returncode, STATE_CHANGE_FAILURE, output)
                    self.assertIn(f'invalid setting "{name}"', output)
                    self.assertEqual(os.listdir(tmp), [], output)
                    runs += 1
        print(f"{runs} refused runs, none hung")

    def test_uri_is_frozen_while_recording(self):
        pipeline = Gst.parse_launch(f"appsrc name=src caps={CAPS},framerate=10/1 format=time ! zarrsink name=rec")
        sink = pipeline.get_by_name("rec")
        with TempDir() as tmp:
            first = os.path.join(tmp, "first.zarr")
            sink.set_property("location", first)
            pipeline.set_state(Gst.State.PAUSED)  # the recording is open from READY -> PAUSED
            try:
                with self.assertRaises(GLib.Error) as caught:
                    sink.set_uri(GLib.filename_to_uri(os.path.join(tmp, "second.zarr")))
                self.assertTrue(caught.exception.matches(Gst.URIError.quark(), Gst.URIError.BAD_STATE))
                sink.set_property("uri", GLib.filename_to_uri(os.path.join(tmp, "third.zarr")))
                self.assertEqual(sink.get_property("location"), first)
                warnings = []
                while True:
                    message = pipeline.get_bus().pop_filtered(Gst.MessageType.WARNING)
                    if message is None:
                        break
                    warnings.append(message.parse_warning()[0].message)
                self.assertEqual(len([w for w in warnings if 'Cannot change "uri" while recording' in w]), 2, warnings)
            finally:
                pipeline.set_state(Gst.State.NULL)


if __name__ == "__main__":
    unittest.main(verbosity=2)
