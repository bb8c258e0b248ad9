"""Shared helpers of the zarr/ library's Python tests (the zarrsink tests
use them too): run the test-support writer and compute, with numpy, the
values it must have written; mount a filesystem for a test; kill a recorder
mid-recording."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

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


class DatasetCase(unittest.TestCase):
    """A test case that writes datasets with write_dataset into a fresh work
    directory; `write_options` are added to every write."""
    write_options = {}

    def setUp(self):
        self.dir = work_dir()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, **options):
        location = os.path.join(self.dir, "data.zarr")
        shutil.rmtree(location, ignore_errors=True)
        result = write(location, **self.write_options, **options)
        self.assertEqual(result.returncode, 0, result.stderr)
        return location


# --- Zarr v3, sharding, pyramids and OME-NGFF -------------------------------

NODE = os.environ.get("ZARR_NODE", "node")
READ_V3 = os.environ.get("ZARR_READ_V3", "")
SHARED = os.environ.get("ZARR_SHARED_DIR", "")

DTYPES = {"uint8": np.uint8, "int8": np.int8, "uint16": np.uint16, "int16": np.int16, "float32": np.float32,
          "uint64": np.uint64, "int64": np.int64}


def expected_with_zero_rows(frames, channels, height, width, dtype, zero_from_y=None):
    """expected(), with rows y >= zero_from_y set to 0 like write_dataset --zero-from-y."""
    want = np.array(np.broadcast_to(expected(frames, channels, height, width, dtype),
                                    (frames, channels, height, width)))
    if zero_from_y is not None:
        want[:, :, zero_from_y:, :] = 0
    return want


def read_v3(location, path="0", with_attributes=False):
    """Array `path` of a v3 dataset, read by zarrita (Node): (numpy array, zarrita's dtype name), and its
    attributes as zarrita reads them when with_attributes."""
    output = os.path.join(tempfile.mkdtemp(prefix="zarrita-", dir=os.environ.get("ZARR_TEST_TMP")), "data.bin")
    result = subprocess.run([NODE, READ_V3, location, path, output], capture_output=True, text=True, timeout=300,
                            cwd=os.path.dirname(READ_V3))
    if result.returncode != 0:
        raise AssertionError(f"zarrita could not read {location}/{path}: {result.stderr}")
    info = json.loads(result.stdout)
    data = np.fromfile(output, dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
    os.remove(output)
    os.rmdir(os.path.dirname(output))
    if with_attributes:
        return data.reshape(info["shape"]), info["dtype"], info["attributes"]
    return data.reshape(info["shape"]), info["dtype"]


def crc32c(data):
    """CRC-32C (Castagnoli), reflected, table driven: independent of the writer's code."""
    table = crc32c.table
    if table is None:
        table = []
        for i in range(256):
            crc = i
            for _ in range(8):
                crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
            table.append(crc)
        crc32c.table = table
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


crc32c.table = None
assert crc32c(b"123456789") == 0xE3069283

ABSENT = 2**64 - 1


def check_shards(test, location, path, inner_chunks, allow_partial=False):
    """Checks every shard file of array `path`: index at the end, CRC32C of the
    index, entries inside the data part and not overlapping; temporary
    files only where allow_partial (after a crash). Returns
    {shard key: number of absent inner chunks}."""
    root = os.path.join(location, path, "c")
    index_bytes = 16 * inner_chunks + 4
    absent = {}
    for directory, _, files in os.walk(root):
        for name in files:
            if name.startswith("."):
                # A killed writer may leave its documented .<name>.<pid>-<n>.partial files.
                test.assertTrue(allow_partial and name.endswith(".partial"),
                                f"leftover temporary file {name} in {directory}")
                continue
            shard_path = os.path.join(directory, name)
            with open(shard_path, "rb") as f:
                shard = f.read()
            key = os.path.relpath(shard_path, root).replace(os.sep, "/")
            test.assertGreaterEqual(len(shard), index_bytes, key)
            index = shard[-index_bytes:]
            stored_crc = int.from_bytes(index[-4:], "little")
            test.assertEqual(crc32c(index[:-4]), stored_crc, f"shard {key}: index CRC32C")
            entries = np.frombuffer(index[:-4], dtype="<u8").reshape(inner_chunks, 2)
            ranges = []
            missing = 0
            for offset, nbytes in entries.tolist():
                if offset == ABSENT or nbytes == ABSENT:
                    test.assertEqual((offset, nbytes), (ABSENT, ABSENT), key)
                    missing += 1
                    continue
                test.assertLessEqual(offset + nbytes, len(shard) - index_bytes, key)
                ranges.append((offset, nbytes))
            ranges.sort()
            for (a, n), (b, _) in zip(ranges, ranges[1:]):
                test.assertLessEqual(a + n, b, f"shard {key}: inner chunks overlap")
            test.assertEqual(sum(n for _, n in ranges) + index_bytes, len(shard), f"shard {key}: unused bytes")
            absent[key] = missing
    return absent


def downsample(a, method):
    """One pyramid step in numpy over the last two axes (y, x), as documented
    in zarr/downsampler.hh: 2x2 blocks, odd edges use the samples that exist,
    integer means rounded half to even, float32 means summed in float64."""
    height, width = a.shape[-2:]
    if method == "decimate":
        return a[..., ::2, ::2].copy()
    out_h, out_w = (height + 1) // 2, (width + 1) // 2
    pad = [(0, 0)] * (a.ndim - 2) + [(0, 2 * out_h - height), (0, 2 * out_w - width)]
    exists = np.pad(np.ones((height, width), dtype=bool), pad[-2:], constant_values=False)
    corners = lambda m: (m[..., 0::2, 0::2], m[..., 0::2, 1::2], m[..., 1::2, 0::2], m[..., 1::2, 1::2])
    if method == "mean":
        count = sum(c.astype(np.int64) for c in corners(exists))
        if a.dtype == np.float32:
            p = np.pad(a.astype(np.float64), pad)
            tl, tr, bl, br = corners(p)
            return ((tl + tr) + (bl + br)) / count
        p = np.pad(a.astype(np.int64), pad)
        total = sum(corners(p))
        return np.round(total / count).astype(a.dtype)
    info = np.finfo(a.dtype) if a.dtype == np.float32 else np.iinfo(a.dtype)
    neutral = info.max if method == "min" else info.min
    p = np.pad(a, pad, constant_values=neutral)
    reduce = np.minimum if method == "min" else np.maximum
    tl, tr, bl, br = corners(p)
    return reduce(reduce(tl, tr), reduce(bl, br))


def pyramid(level0, levels, method):
    """Levels 0..levels-1 recomputed from level 0."""
    out = [level0]
    for _ in range(1, levels):
        step = downsample(out[-1], method)
        out.append(step.astype(level0.dtype) if level0.dtype == np.float32 else step)
    return out


# --- Acquisition dimensions (zarr/dimensions.hh) -----------------------------

# OME-NGFF's storage order whatever the acquisition order: time, then channel
# or custom, then space.
DIMENSION_RANK = {"time": 0, "channel": 1, "other": 1, "space": 2}


def storage_axes(dims, colours=1):
    """The axes above y and x in storage order. `dims`: [(name, kind, size)]
    in acquisition order, the first the append dimension; colour frames
    without a channel dimension get their own axis c."""
    axes = list(dims)
    if colours > 1 and not any(kind == "channel" for _, kind, _ in dims):
        axes.append(("c", "channel", 1))
    return sorted(axes, key=lambda d: DIMENSION_RANK[d[1]])  # stable: one axis per OME group


def place_frames(values, dims, steps=None):
    """The array a reader should see when frames `values` (frames, colours,
    height, width) are recorded with `dims` (see storage_axes): frame n at
    the indices its position gives (the last dimension fastest), colour k of
    channel index i at i * colours + k; the append axis holds `steps`
    (default: the whole steps of the frames), places no frame reached at 0.
    Returns (array in storage order, storage names)."""
    frames, colours, height, width = values.shape
    per_step = int(np.prod([size for _, _, size in dims[1:]], dtype=np.int64))
    if steps is None:
        steps = frames // per_step
    axes = storage_axes(dims, colours)
    names = [name for name, _, _ in axes]
    sizes = {name: size for name, _, size in axes}
    sizes[dims[0][0]] = steps
    channel = next((name for name, kind, _ in axes if kind == "channel"), None)
    if channel and colours > 1:
        sizes[channel] *= colours
    out = np.zeros([sizes[n] for n in names] + [height, width], dtype=values.dtype)
    for n in range(frames):
        index, rest = {}, n % per_step
        for name, _, size in reversed(dims[1:]):
            index[name] = rest % size
            rest //= size
        index[dims[0][0]] = n // per_step
        if index[dims[0][0]] >= steps:
            continue
        for k in range(colours):
            at = dict(index)
            if channel:
                at[channel] = at.get(channel, 0) * colours + k
            out[tuple(at[name] for name in names)] = values[n, k]
    return out, names


def placed(frames, dims, height, width, colours=1, steps=None):
    """write_dataset's frames (expected(), uint8) placed by place_frames."""
    values = np.broadcast_to(expected(frames, colours, height, width, "uint8"), (frames, colours, height, width))
    return place_frames(values, dims, steps)


def halve_z(a, z, method="mean"):
    """The z step of a pyramid level (zarr/pyramid.hh): planes 2i and 2i+1
    combined, half to even; an odd last plane kept."""
    a = np.moveaxis(a, z, 0).astype(np.int64)
    out = []
    for i in range(0, a.shape[0], 2):
        if i + 1 == a.shape[0]:
            out.append(a[i])
        elif method == "mean":
            out.append(np.round((a[i] + a[i + 1]) / 2))
        elif method == "decimate":
            out.append(a[i])
        else:
            out.append((np.minimum if method == "min" else np.maximum)(a[i], a[i + 1]))
    return np.moveaxis(np.array(out), 0, z).astype(np.uint8)


def shared_dir():
    """../shared next to the repository: the OME-NGFF schemas."""
    if not SHARED or not os.path.isdir(os.path.join(SHARED, "schemas", "ome-ngff")):
        raise RuntimeError(f"the shared folder with schemas/ome-ngff is missing (looked in {SHARED!r}); "
                           "the OME-NGFF validation tests need ../shared next to the repository")
    return SHARED


def ome_validator(version, schema="image.schema"):
    """A Draft 2020-12 validator for `schema` of OME-NGFF `version`, every
    schema of that version in the resolver's store (keyed by $id)."""
    import jsonschema
    directory = os.path.join(shared_dir(), "schemas", "ome-ngff", version)
    store = {}
    for name in os.listdir(directory):
        if name.endswith(".schema"):
            with open(os.path.join(directory, name)) as f:
                document = json.load(f)
            store[document["$id"]] = document
            if name == schema:
                main = document
    resolver = jsonschema.RefResolver(base_uri=main["$id"], referrer=main, store=store)
    return jsonschema.Draft202012Validator(main, resolver=resolver)


@contextlib.contextmanager
def mounted(test, directory, *source, read_only=False):
    """`mount *source directory` for the block (e.g. "-t", "tmpfs", "-o",
    "size=1m", "tmpfs"; or "--bind", directory), remounted read-only if asked,
    always unmounted after. Skips the test, visibly, without root or where
    mounting is refused (CI runs the tests as root)."""
    if os.geteuid() != 0:
        test.skipTest(f"SKIPPED: mounting {directory} needs root (CI runs the tests as root)")
    os.makedirs(directory, exist_ok=True)
    mounting = subprocess.run(["mount", *source, directory], capture_output=True, text=True)
    if mounting.returncode != 0:
        test.skipTest(f"SKIPPED: cannot mount here: {mounting.stderr.strip()}")
    try:
        if read_only:
            options = "remount,ro,bind" if "--bind" in source else "remount,ro"
            subprocess.run(["mount", "-o", options, directory], check=True)
        yield directory
    finally:
        subprocess.run(["umount", "-l", directory], check=False)


def signal_when(process, reached, sig=signal.SIGKILL, timeout_s=120, poll_s=0.005, then_s=0.0):
    """Polls reached() while `process` runs; once it returns something true,
    waits then_s, sends `sig` and waits for the process to end (its pipes
    read and closed; killed if it has not ended within 60 s). Returns (what
    reached() returned, the process's output). Fails if the process ends
    first or nothing is reached within timeout_s."""
    output = None
    try:
        deadline = time.monotonic() + timeout_s
        while not (value := reached()):
            assert process.poll() is None, f"{process.args[0]} ended early: {process.communicate()}"
            assert time.monotonic() < deadline, f"not reached within {timeout_s} s"
            time.sleep(poll_s)
        time.sleep(then_s)
        process.send_signal(sig)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return value, output


def sigkill_when(process, reached, **options):
    """signal_when with SIGKILL; returns what reached() returned."""
    return signal_when(process, reached, signal.SIGKILL, **options)[0]
