#!/usr/bin/python3
"""Prints a sanitizer report with its stack frames named.

The sanitize stage has ASan and UBSan write their reports unsymbolized
(symbolize=0): naming the frames runs llvm-symbolizer from inside the failing
process, which takes seconds on a busy machine, and a test that kills its
child (SIGKILL mid-recording) then leaves a report cut after its first line.
Here each "#N 0xPC (module+0xOFFSET)" frame gets its function and source
line from addr2line, after the fact.

usage: symbolize_sanitizer_report.py REPORT"""
import re
import subprocess
import sys
from collections import defaultdict

FRAME = re.compile(r"^(\s*#(\d+) 0x[0-9a-f]+)\s+\((.+)\+(0x[0-9a-f]+)\)\s*$")


def lookup(module, offsets):
    """{offset: "function file:line"} for the offsets of one module."""
    try:
        result = subprocess.run(["addr2line", "-f", "-C", "-e", module] + [hex(o) for o in offsets],
                                capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != 2 * len(offsets):
        return {}
    return {o: f"{lines[2 * i]} {lines[2 * i + 1]}" for i, o in enumerate(offsets)}


def main(path):
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    wanted = defaultdict(set)
    frames = []
    for line in lines:
        match = FRAME.match(line)
        if match:
            # A return address: the call is the instruction before it.
            offset = int(match.group(4), 16) - (1 if int(match.group(2)) > 0 else 0)
            wanted[match.group(3)].add(offset)
            frames.append((match, offset))
        else:
            frames.append((None, line))
    names = {module: lookup(module, sorted(offsets)) for module, offsets in wanted.items()}
    for match, value in frames:
        if match is None:
            print(value)
            continue
        name = names[match.group(3)].get(value, "")
        print(f"{match.group(1)} in {name} ({match.group(3)}+{match.group(4)})" if name and not name.startswith("??")
              else match.group(0))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
