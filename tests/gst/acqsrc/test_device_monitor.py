"""acqsrc's device provider as users meet it (docs/elements/acqsrc.md,
"Device discovery").

- The launch line gst-device-monitor-1.0 Video/Source prints for each camera
  works pasted into bash as it is: the real tool is run, each acqsrc line
  completed where it says `! ...` and run by `bash -c`; the frames recorded
  with zarrsink are read back with zarr-python.
- The line GStreamer 1.22 printed for the earlier names,
  camera="simulated:\\ uniform\\ random", works too.
- What a desktop application sees: the provider's rank is MARGINAL (started
  by every device monitor, after the PRIMARY webcam providers); a default
  monitor lists no simulated camera unless ACQSRC_LIST_SIMULATED=1, and
  still lists a GenICam camera (Aravis' fake one, with ACQSRC_ARAVIS_FAKE).

Usage: test_device_monitor.py aravis|no-aravis
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

import numpy as np  # noqa: E402
import zarr  # noqa: E402

Gst.init(None)

WITH_ARAVIS = sys.argv[1] == "aravis"
SIMULATED = ["simulated:radial-sin", "simulated:uniform-random", "simulated:empty"]
FRAMES = 4
WIDTH, HEIGHT = 64, 48


def device_monitor_output(**env):
    return subprocess.run(["gst-device-monitor-1.0", "Video/Source"], env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=60, check=True).stdout


def launch_lines(output):
    """{camera: the gst-launch-1.0 line printed for it} for acqsrc's devices."""
    lines = {}
    for block in output.split("Device found:")[1:]:
        camera = re.search(r"^\s*acqsrc\.camera = (.*)$", block, re.M)
        launch = re.search(r"^\s*(gst-launch-1\.0 acqsrc.*)$", block, re.M)
        if camera:
            if not launch:
                raise AssertionError(f"no launch line for {camera.group(1)}:\n{block}")
            lines[camera.group(1)] = launch.group(1)
    return lines


def acqsrc_devices():
    """{camera: device} that a default Gst.DeviceMonitor for Video/Source lists."""
    monitor = Gst.DeviceMonitor.new()
    monitor.add_filter("Video/Source", None)
    devices = {}
    for device in monitor.get_devices():
        properties = device.get_properties()
        if properties and properties.has_field("acqsrc.camera"):
            devices[properties.get_string("acqsrc.camera")] = device
    return devices


class PastedLaunchLines(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.TemporaryDirectory(prefix="acqsrc-device-monitor-")

    def tearDown(self):
        self.work.cleanup()

    def record_with(self, line, name):
        """Runs `line` (ending in `! ...`) in bash, completed with a short
        recording; returns the frames read back."""
        self.assertTrue(line.endswith(" ! ..."), line)
        location = os.path.join(self.work.name, name + ".zarr")
        command = (line[:-len(" ! ...")] + f" num-buffers={FRAMES}"
                   + f" ! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT},framerate=100/1"
                   + f" ! zarrsink location={location}")
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, ACQSRC_ARAVIS_FAKE="1"))
        self.assertEqual(result.returncode, 0, f"{command}\n{result.stdout}\n{result.stderr}")
        return zarr.open_group(location, mode="r")["0"][:]

    def test_every_printed_line_records_when_pasted_into_bash(self):
        env = {"ACQSRC_LIST_SIMULATED": "1"}
        if WITH_ARAVIS:
            env["ACQSRC_ARAVIS_FAKE"] = "1"
        output = device_monitor_output(**env)
        lines = launch_lines(output)
        expected = SIMULATED + (["aravis:Fake_1"] if WITH_ARAVIS else [])
        self.assertEqual(sorted(lines), sorted(expected), output)
        for camera in expected:
            self.assertIn(f"name  : {camera}\n", output)
        # Names that need no quoting are printed as they are; the default
        # camera is not printed at all (it is the property's default).
        self.assertEqual(lines["simulated:radial-sin"], "gst-launch-1.0 acqsrc ! ...")
        self.assertEqual(lines["simulated:uniform-random"],
                         "gst-launch-1.0 acqsrc camera=simulated:uniform-random ! ...")
        for index, camera in enumerate(expected):
            with self.subTest(camera=camera, line=lines[camera]):
                frames = self.record_with(lines[camera], f"camera{index}")
                self.assertEqual(frames.shape, (FRAMES, 1, HEIGHT, WIDTH))
                if camera == "simulated:empty":
                    self.assertEqual(int(frames.max()), 0)
                else:
                    # radial sin, noise and the fake camera's ramp all vary.
                    self.assertGreater(len(np.unique(frames[-1])), 10)

    def test_the_line_gstreamer_1_22_printed_for_acquires_names_still_works(self):
        frames = self.record_with('gst-launch-1.0 acqsrc camera="simulated:\\ uniform\\ random" ! ...', "escaped")
        self.assertEqual(frames.shape, (FRAMES, 1, HEIGHT, WIDTH))
        self.assertGreater(len(np.unique(frames[-1])), 200)


class WhatADesktopApplicationSees(unittest.TestCase):
    def setUp(self):
        os.environ.pop("ACQSRC_LIST_SIMULATED", None)
        os.environ.pop("ACQSRC_ARAVIS_FAKE", None)

    tearDown = setUp

    def test_the_provider_is_marginal_so_monitors_start_it_after_webcams(self):
        factory = Gst.DeviceProviderFactory.find("acqsrcdeviceprovider")
        self.assertIsNotNone(factory)
        self.assertEqual(factory.get_rank(), Gst.Rank.MARGINAL)
        # A GstDeviceMonitor uses the providers of rank 1 and above, highest
        # rank first: ours is used, after every provider ranked above it.
        monitor = Gst.DeviceMonitor.new()
        monitor.add_filter("Video/Source", None)
        providers = monitor.get_providers()
        self.assertIn("acqsrcdeviceprovider", providers)
        ranks = [Gst.DeviceProviderFactory.find(name).get_rank() for name in providers]
        ours = providers.index("acqsrcdeviceprovider")
        self.assertTrue(all(rank <= Gst.Rank.MARGINAL for rank in ranks[ours:]), (providers, ranks))

    def test_no_simulated_camera_unless_asked_for(self):
        self.assertEqual([name for name in acqsrc_devices() if name.startswith("simulated:")], [])
        self.assertNotIn("simulated:", device_monitor_output())
        os.environ["ACQSRC_LIST_SIMULATED"] = "1"
        devices = acqsrc_devices()
        self.assertEqual(sorted(name for name in devices if name.startswith("simulated:")), sorted(SIMULATED))
        for name in SIMULATED:
            element = devices[name].create_element(None)
            self.assertEqual(element.get_factory().get_name(), "acqsrc")
            self.assertEqual(element.get_property("camera"), name)
            self.assertEqual(devices[name].get_display_name(), name)

    @unittest.skipUnless(WITH_ARAVIS, "acqsrc built without Aravis")
    def test_a_genicam_camera_is_listed_without_the_simulated_ones(self):
        os.environ["ACQSRC_ARAVIS_FAKE"] = "1"
        names = list(acqsrc_devices())
        self.assertIn("aravis:Fake_1", names)
        self.assertEqual([name for name in names if name.startswith("simulated:")], [])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
