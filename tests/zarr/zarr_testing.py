"""Shared helpers of the zarr/ library's Python tests: run the test-support
writer and compute, with numpy, the values it must have written."""
import os
import subprocess
import tempfile

import numpy as np
import zarr

WRITER = os.environ.get("ZARR_WRITE_DATASET", "")


def write(location, **options):
    """Runs write_dataset with --name=value options; returns the process."""
    args = [WRITER, f"--location={location}"]
    args += [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def expected(frames, channels, height, width, dtype):
    """The formula of write_dataset.cc for every sample, shape (t, c, y, x)."""
    t, c, y, x = np.meshgrid(np.arange(frames, dtype=np.int64), np.arange(channels, dtype=np.int64),
                             np.arange(height, dtype=np.int64), np.arange(width, dtype=np.int64),
                             indexing="ij", sparse=True)
    v = (t * 7919 + c * 104729 + y * 31 + x * 17) % 65536
    if dtype == "uint8":
        return (v % 256).astype(np.uint8)
    if dtype == "int8":
        return (v % 256 - 128).astype(np.int8)
    if dtype == "uint16":
        return v.astype(np.uint16)
    if dtype == "int16":
        return (v - 32768).astype(np.int16)
    if dtype == "float32":
        return (v.astype(np.float32) * np.float32(0.5) - np.float32(1000)).astype(np.float32)
    raise ValueError(dtype)


def open_array(location):
    """Array '0' of the dataset, opened by zarr-python as a user would."""
    group = zarr.open_group(location, mode="r")
    return group["0"]


def chunk_files(location):
    """Chunk files below array '0', as keys 't/c/y/x'."""
    root = os.path.join(location, "0")
    keys = []
    for directory, _, files in os.walk(root):
        for name in files:
            if not name.startswith("."):
                keys.append(os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/"))
    return keys


def work_dir():
    return tempfile.mkdtemp(prefix="zarr-test-", dir=os.environ.get("ZARR_TEST_TMP"))
