#!/usr/bin/python3
"""What this machine does to the figures of the other benchmarks, measured,
so that readers can transfer them to their own machine:
  first touch   faulting in 256 MiB of fresh anonymous memory (what the
                writer's set-up does to its row buffers): right after other
                memory was freed, and after 5 s of quiet, by which time a
                VM with free page reporting has handed freed memory back to
                its host
  disk          8 MiB O_DIRECT writes of 4 GiB (as the writer writes its
                chunks): the rate per second, its swing, the longest
                single write (a stall a live recording must ride out), then
                how long a sync takes after them (the host's write cache)
  discard       64 MiB O_DIRECT writes paced at 0.4 GB/s (a 200 fps 1080p
                camera, uncompressed) for 20 s, alone and while another
                thread replaces a small file by rename every 0.16 s (as
                metadata was, before the writer kept replaced files as
                spares): with online discard, each freed file sends the disk
                a discard, and the writes stall behind it
  scheduling    a thread asking to sleep 1 ms for 10 s: how late it wakes
                (a live camera's thread must not be late by its buffers)

  /usr/bin/python3 bench/machine_limits.py [--dir /tmp] [--quick]
"""
import argparse
import mmap
import os
import statistics
import sys
import tempfile
import threading
import time

from bench_runner import markdown_table

MIB = 1 << 20


def first_touch_seconds(size, huge=False):
    """Seconds to fault in `size` bytes of fresh anonymous memory (one write
    per 4 KiB page), with 2 MiB pages when `huge` (as the writer asks)."""
    memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)  # as malloc, not shmem
    if huge:
        memory.madvise(mmap.MADV_HUGEPAGE)
    start = time.monotonic()
    page = b"\1"
    for offset in range(0, size, mmap.PAGESIZE):
        memory[offset:offset + 1] = page
    seconds = time.monotonic() - start
    memory.close()
    return seconds


def free_page_reporting():
    """Whether a virtio balloon reports freed pages to the host (feature bit 5)."""
    for device in os.listdir("/sys/bus/virtio/devices"):
        path = f"/sys/bus/virtio/devices/{device}"
        try:
            if os.path.basename(os.readlink(f"{path}/driver")) == "virtio_balloon":
                return open(f"{path}/features").read()[5] == "1"
        except OSError:
            continue
    return False


def direct_writes(directory, total, block=8 * MIB):
    """(MB/s overall, per-second rates in MB/s, longest write in s, seconds of the sync after them)."""
    buffer = mmap.mmap(-1, block)  # page-aligned, as O_DIRECT needs
    buffer.write(os.urandom(block))
    path = os.path.join(directory, "machine-limits.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_DIRECT", 0), 0o644)
    rates, longest, window_start, window_bytes = [], 0.0, time.monotonic(), 0
    started = window_start
    try:
        for _ in range(total // block):
            start = time.monotonic()
            os.write(fd, buffer)
            now = time.monotonic()
            longest = max(longest, now - start)
            window_bytes += block
            if now - window_start >= 1.0:
                rates.append(window_bytes / (now - window_start) / 1e6)
                window_start, window_bytes = now, 0
        overall = total / (time.monotonic() - started) / 1e6
        os.close(fd)
        start = time.monotonic()
        os.sync()
        sync_seconds = time.monotonic() - start
    finally:
        os.remove(path)
    return overall, rates, longest, sync_seconds


def mount_options(directory):
    """The mount options of the filesystem holding `directory` (the longest mount point above it)."""
    best, options = "", ""
    with open("/proc/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            point = fields[1]
            if os.path.realpath(directory).startswith(point.rstrip("/") + "/") and len(point) > len(best):
                best, options = point, fields[3]
    return options.split(",")


def paced_writes(directory, seconds, replace_files, block=64 * MIB, period=0.16):
    """(longest write in s, writes over 0.3 s, writes, longest rename in s) of paced O_DIRECT writes."""
    buffer = mmap.mmap(-1, block)
    buffer.write(os.urandom(MIB) * (block // MIB))
    renames, done = [], threading.Event()

    def replace():
        for i in range(1 << 30):
            if done.wait(period):
                return
            temporary = os.path.join(directory, f".metadata.{i}")
            with open(temporary, "w") as f:
                f.write("x" * 700)
            start = time.monotonic()
            os.rename(temporary, os.path.join(directory, "metadata"))  # frees the file it replaces
            renames.append(time.monotonic() - start)

    thread = threading.Thread(target=replace) if replace_files else None
    if thread:
        thread.start()
    writes, paths = [], []
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            paths.append(os.path.join(directory, f"chunk.{len(paths)}"))
            fd = os.open(paths[-1], os.O_WRONLY | os.O_CREAT | getattr(os, "O_DIRECT", 0), 0o644)
            start = time.monotonic()
            os.write(fd, buffer)
            writes.append(time.monotonic() - start)
            os.close(fd)
            time.sleep(max(0.0, period - writes[-1]))
    finally:
        done.set()
        if thread:
            thread.join()
        for path in paths + [os.path.join(directory, "metadata")]:
            if os.path.exists(path):
                os.remove(path)
    return max(writes), sum(1 for w in writes if w > 0.3), len(writes), max(renames, default=0.0)


def sleep_lateness(seconds):
    """How late 1 ms sleeps wake, in ms: (median, 99.9th percentile, worst, count over 20 ms)."""
    late = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        time.sleep(0.001)
        late.append((time.monotonic() - start - 0.001) * 1e3)
    late.sort()
    return statistics.median(late), late[int(len(late) * 0.999)], late[-1], sum(1 for x in late if x > 20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    size = 256 * MIB
    rows = []

    pages = size // mmap.PAGESIZE
    small = statistics.median(first_touch_seconds(size) for _ in range(3))
    rows.append(["first touch of 256 MiB in 4 KiB pages", f"{small:.3f} s",
                 f"{small / pages * 1e6:.1f} µs per page (bare metal: well under 1 µs)"])
    first_touch_seconds(size, huge=True)  # frees 256 MiB just before the next one
    hot = statistics.median(first_touch_seconds(size, huge=True) for _ in range(3))
    cold = []
    for _ in range(3):
        time.sleep(5)
        cold.append(first_touch_seconds(size, huge=True))
    reporting = "on" if free_page_reporting() else "off"
    rows.append(["the same in 2 MiB pages, right after other memory was freed", f"{hot:.3f} s",
                 f"{size / hot / 1e9:.1f} GB/s"])
    rows.append(["the same in 2 MiB pages, after 5 s of quiet", f"{statistics.median(cold):.3f} s",
                 f"{size / statistics.median(cold) / 1e9:.1f} GB/s; the balloon's free page reporting is {reporting} "
                 "(freed memory goes back to the host, which backs it again on the next touch)"])

    total = (512 if args.quick else 4096) * MIB
    overall, rates, longest, sync_seconds = direct_writes(args.dir, total)
    swing = f"per second {min(rates):.0f}-{max(rates):.0f} MB/s; " if rates else ""
    rows.append([f"O_DIRECT writes of 8 MiB, {total // MIB} MiB in all", f"{overall:.0f} MB/s",
                 f"{swing}longest write {longest * 1e3:.0f} ms"])
    rows.append([f"sync after those {total // MIB} MiB of O_DIRECT writes", f"{sync_seconds:.2f} s",
                 "the host's write cache flushed: a recording's close (syncfs) waits for it"])

    discard = "discard" in mount_options(args.dir)
    for replacing in (False, True):
        os.sync()
        time.sleep(3)
        longest, stalls, writes, rename = paced_writes(args.dir, 5 if args.quick else 20, replacing)
        rows.append([f"64 MiB O_DIRECT writes at 0.4 GB/s, {'while a small file is replaced every 0.16 s' if replacing else 'alone'}",
                     f"longest {longest * 1e3:.0f} ms",
                     f"{stalls} of {writes} writes over 0.3 s"
                     + (f"; longest rename {rename * 1e3:.0f} ms; the filesystem is mounted "
                        f"{'with' if discard else 'without'} online discard" if replacing else "")])

    median_late, p999, worst, over_20 = sleep_lateness(2 if args.quick else 10)
    rows.append(["a 1 ms sleep wakes late by", f"{median_late:.2f} ms median",
                 f"99.9%: {p999:.1f} ms, worst {worst:.1f} ms, {over_20} times over 20 ms"])

    print(markdown_table(["what", "measured", "detail"], rows))


if __name__ == "__main__":
    main()
