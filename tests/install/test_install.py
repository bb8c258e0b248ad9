"""`meson install` puts both plugins where GStreamer finds them, and nothing
else.

1. This build installed under a temporary DESTDIR (`meson install
   --no-rebuild --destdir`, the build directory is only read): exactly the two
   plugins are installed, into one directory, and from there alone
   (GST_PLUGIN_SYSTEM_PATH_1_0 empty, so an older copy in the system cannot
   hide a failure) gst-inspect-1.0 loads zarrsink and acqsrc and a
   gst-launch-1.0 recording reads back with zarr-python.
2. The directory follows the prefix: two configurations of the source (setup
   only, nothing built) show the plugin directory of pkg-config's
   gstreamer-1.0 for GStreamer's own prefix, <prefix>/<libdir>/gstreamer-1.0
   for another one.

Usage: test_install.py SOURCE_DIR BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import zarr

SOURCE, BUILD = sys.argv[1], sys.argv[2]
PLUGINS = ["libgstacqsrc.so", "libgstzarrsink.so"]


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def installed(build_dir):
    """What `meson install` would install: {file in the build: destination}."""
    return json.loads(run(["meson", "introspect", build_dir, "--installed"]).stdout)


def pkg_config(variable):
    return run(["pkg-config", f"--variable={variable}", "gstreamer-1.0"]).stdout.strip()


class InstalledPlugins(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix="install-test-")
        cls.destdir = os.path.join(cls.work.name, "destdir")
        run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", cls.destdir])
        destinations = list(installed(BUILD).values())
        cls.plugin_dir = os.path.dirname(destinations[0])
        cls.env = dict(os.environ,
                       GST_PLUGIN_PATH_1_0=cls.destdir + cls.plugin_dir,
                       GST_PLUGIN_SYSTEM_PATH_1_0="",
                       GST_REGISTRY_1_0=os.path.join(cls.work.name, "registry.bin"))

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_only_the_two_plugins_are_installed_into_one_directory(self):
        destinations = sorted(installed(BUILD).values())
        self.assertEqual([os.path.basename(path) for path in destinations], PLUGINS, destinations)
        self.assertEqual({os.path.dirname(path) for path in destinations}, {self.plugin_dir})
        self.assertEqual(os.path.basename(self.plugin_dir), "gstreamer-1.0")
        files = sorted(os.path.relpath(os.path.join(directory, name), self.destdir)
                       for directory, _, names in os.walk(self.destdir) for name in names)
        self.assertEqual(files, [os.path.relpath(self.plugin_dir, "/") + "/" + name for name in PLUGINS])

    def test_gst_inspect_loads_both_elements_from_the_installed_directory(self):
        for element, plugin in (("zarrsink", "libgstzarrsink.so"), ("acqsrc", "libgstacqsrc.so")):
            with self.subTest(element=element):
                result = run(["gst-inspect-1.0", element], env=self.env)
                self.assertIn(os.path.join(self.destdir + self.plugin_dir, plugin), result.stdout)
                self.assertIn("Factory Details", result.stdout)

    def test_a_recording_with_the_installed_plugins(self):
        location = os.path.join(self.work.name, "x.zarr")
        # Only acqsrc and zarrsink exist here (no system plugins): the caps
        # are acqsrc's own default, 1920x1080 GRAY8.
        run(["gst-launch-1.0", "-q", "acqsrc", "num-buffers=3", "is-live=false", "!",
             "zarrsink", f"location={location}"], env=self.env)
        frames = zarr.open_group(location, mode="r")["0"]
        self.assertEqual(frames.shape, (3, 1, 1080, 1920))
        self.assertEqual(frames.dtype, np.uint8)
        self.assertGreater(int(frames[2].max()), 0)


class PluginDirectoryFollowsThePrefix(unittest.TestCase):
    def configured(self, prefix):
        """The plugin directory of a fresh configuration with this prefix."""
        with tempfile.TemporaryDirectory(prefix="install-setup-") as work:
            build = os.path.join(work, "build")
            run(["meson", "setup", build, SOURCE, f"--prefix={prefix}", "-Dtests=disabled"])
            destinations = installed(build).values()
            libdir = next(option["value"] for option in json.loads(
                run(["meson", "introspect", build, "--buildoptions"]).stdout) if option["name"] == "libdir")
        self.assertEqual(sorted(os.path.basename(path) for path in destinations), PLUGINS)
        directories = {os.path.dirname(path) for path in destinations}
        self.assertEqual(len(directories), 1, directories)
        return directories.pop(), libdir

    def test_gstreamers_own_prefix_installs_into_its_plugin_directory(self):
        directory, _ = self.configured(pkg_config("prefix"))
        self.assertEqual(directory, pkg_config("pluginsdir"))

    def test_another_prefix_installs_into_prefix_libdir_gstreamer(self):
        with tempfile.TemporaryDirectory(prefix="install-prefix-") as prefix:
            directory, libdir = self.configured(prefix)
            self.assertEqual(directory, os.path.join(prefix, libdir, "gstreamer-1.0"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
