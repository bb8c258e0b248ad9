"""What every benchmark script here shares: run a case as a child process
from a clean page cache, read its peak RSS and its RESULT line, and print
medians as Markdown tables (docs/performance.md is built from them)."""
import os
import shutil
import statistics
import subprocess
import sys
import time

SETTLE_S = 5  # seconds of quiet before each case; see run_child()


def run_child(command, env=None, settle=True, cpu=False):
    """Runs command; returns (wall seconds, peak RSS in MiB, stdout+stderr),
    and with cpu=True also its CPU seconds (user + system, every thread)."""
    if settle:
        # Start with nothing dirty in the page cache, and give the disk a
        # moment to finish the write-back it still does below us (this VM's
        # virtual disk goes on absorbing for seconds after a sync):
        # otherwise a case pays for the bytes of the case before it.
        os.sync()
        time.sleep(SETTLE_S)
    start = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(command)}\n{output}")
    if cpu:
        return seconds, usage.ru_maxrss / 1024.0, output, usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024.0, output


def result_fields(output):
    """The key=value fields of the RESULT line a case printed, or {}."""
    for line in output.splitlines():
        if line.startswith("RESULT"):
            return dict(item.split("=", 1) for item in line.split()[1:])
    return {}


def median(values):
    return statistics.median(values) if values else None


def paired_ratio(ours, peer):
    """Median over rounds of ours/peer within the same round: each pair ran
    minutes apart at most, so a slow spell of the disk hits both sides of a
    ratio rather than one side of a median."""
    ratios = [a / b for a, b in zip(ours, peer) if b]
    return median(ratios)


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def clear(directory):
    """Removes what a case left in directory (2000 raw frames are 4 GB)."""
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
