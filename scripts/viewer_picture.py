"""Opens a recording in a real OME-Zarr viewer and saves what it shows as a PNG:
  /usr/bin/python3 scripts/viewer_picture.py DATASET.zarr OUT.png [--size PIXELS | --centre WxH]

The viewer is ome-zarr.js (reading with zarrita), pinned by
tools/viewer/package-lock.json and installed there with `npm ci` when missing;
esbuild (pinned there too) bundles it with tools/viewer/viewer.js into one
module. A small HTTP server on 127.0.0.1 serves the page, the bundle and the
dataset (with byte ranges, which zarrita reads shard indexes with), and
headless Chromium (Debian's `chromium`) opens the page. The viewer renders the
middle time point, its contrast stretched from the data's min to max: the
whole image from the pyramid level nearest --size pixels (default 512), or,
with --centre, the centre of the full-resolution level as when one zooms in.
It posts the PNG data URL back to the server. That PNG is saved as it is,
or, when every pixel is an opaque grey, as an 8-bit greyscale PNG with the same
pixels in a quarter of the bytes (small enough to commit beside the docs).

The picture is then checked: a blank, single-coloured or flat picture, one
without the many grey levels of the radial-sin pattern, or one with a flat
quarter (tiles that did not load), makes the script exit non-zero with what it
measured. Not a test of the suite: a way to see what a viewer shows
(docs/tutorials/multiscale.md uses it)."""
import argparse
import base64
import http.server
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIEWER = os.path.join(ROOT, "tools", "viewer")
PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>OME-Zarr picture</title></head>
<body style="margin:0;background:#000"><script type="module" src="/viewer.js"></script></body></html>
"""
DATA_PREFIX = "/data/"
TIMEOUT_S = 120

# What a picture of the radial-sin pattern has at least, on the luma of its
# pixels, in the whole picture and in each quarter (a quarter whose tiles did
# not load is flat); a blank, flat or single-colour picture fails all of them.
# The overview of docs/tutorials/multiscale.md has 78 levels and a deviation
# of 36 in each quarter, its zoomed centre (GRAY8 samples of only a few
# phases) 38 levels and 90.
MIN_GREY_LEVELS = 24
MIN_STANDARD_DEVIATION = 16.0
MIN_QUARTER_GREY_LEVELS = 16
MIN_QUARTER_STANDARD_DEVIATION = 8.0


def install_viewer():
    """`npm ci` in tools/viewer when node_modules is missing or older than the lock file."""
    installed = os.path.join(VIEWER, "node_modules", ".package-lock.json")
    lock = os.path.join(VIEWER, "package-lock.json")
    if os.path.exists(installed) and os.path.getmtime(installed) >= os.path.getmtime(lock):
        return
    if shutil.which("npm") is None:
        sys.exit("viewer_picture: npm is missing (apt-get install nodejs npm)")
    subprocess.run(["npm", "ci", "--prefix", VIEWER, "--no-audit", "--no-fund", "--loglevel=error"], check=True)


def bundle_viewer(directory):
    """One ES module with ome-zarr.js, zarrita and its codecs, so the page needs no import map."""
    out = os.path.join(directory, "viewer.js")
    esbuild = os.path.join(VIEWER, "node_modules", ".bin", "esbuild")
    subprocess.run([esbuild, os.path.join(VIEWER, "viewer.js"), "--bundle", "--format=esm", "--log-level=warning",
                    f"--outfile={out}"], check=True)
    with open(out, "rb") as f:
        return f.read()


class Outcome:
    """What the page posted: the PNG data URL or an error, and an event to wait on."""

    def __init__(self):
        self.done = threading.Event()
        self.png = None
        self.error = None


def make_handler(dataset, bundle, outcome):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_bytes(self, status, body, content_type, extra=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path == "/":
                return self.send_bytes(200, PAGE, "text/html")
            if path == "/viewer.js":
                return self.send_bytes(200, bundle, "text/javascript")
            if not path.startswith(DATA_PREFIX):
                return self.send_bytes(404, b"", "text/plain")
            relative = os.path.normpath(path[len(DATA_PREFIX):]).lstrip("/")
            file = os.path.join(dataset, relative)
            if relative.startswith("..") or not os.path.isfile(file):
                # A missing chunk is a 404, which zarrita reads as the fill value.
                return self.send_bytes(404, b"", "text/plain")
            with open(file, "rb") as f:
                body = f.read()
            byte_range = self.headers.get("Range")
            if not byte_range:
                return self.send_bytes(200, body, "application/octet-stream", [("Accept-Ranges", "bytes")])
            # zarrita reads a shard's index as a suffix range (bytes=-N) and its chunks as ranges (bytes=A-B).
            first, _, last = byte_range.removeprefix("bytes=").partition("-")
            if first == "":
                start, stop = max(len(body) - int(last), 0), len(body)
            else:
                start, stop = int(first), (int(last) + 1 if last else len(body))
            stop = min(stop, len(body))
            if start >= stop:
                return self.send_bytes(416, b"", "text/plain", [("Content-Range", f"bytes */{len(body)}")])
            return self.send_bytes(206, body[start:stop], "application/octet-stream",
                                   [("Content-Range", f"bytes {start}-{stop - 1}/{len(body)}")])

        do_HEAD = do_GET

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            if self.path == "/result":
                outcome.png = body
            else:
                outcome.error = body
            self.send_bytes(204, b"", "text/plain")
            outcome.done.set()

    return Handler


def stop_process_group(process):
    """SIGTERM to the process group PROCESS leads, SIGKILL after 10 s."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def view(dataset, query):
    """The PNG that ome-zarr.js makes of DATASET in headless Chromium (QUERY: size=N or centre=WxH)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("viewer_picture: chromium is missing "
                 "(apt-get install -y --no-install-recommends chromium)")
    install_viewer()
    with tempfile.TemporaryDirectory(prefix="viewer_picture.") as directory:
        outcome = Outcome()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(dataset, bundle_viewer(directory), outcome))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/?dataset={DATA_PREFIX}&{query}"
        # --no-sandbox: Chromium refuses to start as root without it. Its own
        # session, so that stopping it stops its renderer and helper processes too.
        log_path = os.path.join(directory, "chromium.log")
        with open(log_path, "wb") as log:
            browser = subprocess.Popen([chromium, "--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run",
                                        "--window-size=1024,768", f"--user-data-dir={os.path.join(directory, 'profile')}",
                                        url], stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        try:
            finished = outcome.done.wait(TIMEOUT_S)
        finally:
            stop_process_group(browser)
            server.shutdown()
            server.server_close()
            with open(log_path, "rb") as log:
                browser_errors = log.read()
    if not finished:
        tail = browser_errors.decode(errors="replace").strip().splitlines()[-10:]
        sys.exit(f"viewer_picture: the viewer posted nothing within {TIMEOUT_S} s; chromium said:\n" + "\n".join(tail))
    if outcome.error is not None:
        sys.exit(f"viewer_picture: the viewer failed on {dataset}:\n{outcome.error}")
    return base64.b64decode(outcome.png.removeprefix("data:image/png;base64,"))


def decode_png(png):
    """(width, height, channels, rows of bytes) of an 8-bit non-interlaced PNG, with zlib and struct only."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, idat, header = 8, [], None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        data = png[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat.append(data)
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up, corner = previous[i], (previous[i - channels] if i >= channels else 0)
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, channels, rows


def encode_grey_png(width, height, rows):
    """An 8-bit greyscale PNG of ROWS (bytes of grey values), each row filtered with
    none or up, whichever has the smaller sum of absolute differences."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw, previous = bytearray(), bytes(width)
    for row in rows:
        up = bytes((a - b) & 255 for a, b in zip(row, previous))
        cost = lambda filtered: sum(v if v < 128 else 256 - v for v in filtered)
        raw += b"\x02" + up if cost(up) < cost(row) else b"\x00" + row
        previous = row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def as_grey(png):
    """PNG as 8-bit greyscale when all its pixels are opaque grey, else PNG unchanged."""
    width, height, channels, rows = decode_png(png)
    if channels == 1:
        return png
    if channels not in (3, 4):
        return png
    grey_rows = []
    for row in rows:
        red = row[0::channels]
        if red != row[1::channels] or red != row[2::channels] or (channels == 4 and row[3::4].count(255) != width):
            return png
        grey_rows.append(red)
    return encode_grey_png(width, height, grey_rows)


def grey_statistics(values):
    """(distinct values, mean, standard deviation)."""
    mean = sum(values) / len(values)
    return len(set(values)), mean, (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5


def check_picture(png):
    """Raises ValueError unless the picture looks like the pattern; returns what was measured."""
    width, height, channels, rows = decode_png(png)
    luma = []  # rows of grey values
    for row in rows:
        if channels >= 3:
            luma.append([(299 * row[i] + 587 * row[i + 1] + 114 * row[i + 2]) // 1000
                         for i in range(0, len(row), channels)])
        else:
            luma.append(list(row[::channels]))
    levels, mean, deviation = grey_statistics([v for row in luma for v in row])
    quarters = [grey_statistics([v for row in luma[y0:y1] for v in row[x0:x1]])
                for y0, y1 in ((0, height // 2), (height // 2, height))
                for x0, x1 in ((0, width // 2), (width // 2, width))]
    measured = (f"{width}x{height}, {levels} grey levels, mean {mean:.1f}, standard deviation {deviation:.1f}; "
                "quarters: " + ", ".join(f"{q[0]} levels sd {q[2]:.1f}" for q in quarters))
    problems = []
    if levels < MIN_GREY_LEVELS:
        problems.append(f"fewer than {MIN_GREY_LEVELS} grey levels")
    if deviation < MIN_STANDARD_DEVIATION:
        problems.append(f"standard deviation below {MIN_STANDARD_DEVIATION}")
    if any(q[0] < MIN_QUARTER_GREY_LEVELS or q[2] < MIN_QUARTER_STANDARD_DEVIATION for q in quarters):
        problems.append(f"a quarter with fewer than {MIN_QUARTER_GREY_LEVELS} grey levels "
                        f"or a standard deviation below {MIN_QUARTER_STANDARD_DEVIATION}")
    if problems:
        raise ValueError(f"{measured}: {'; '.join(problems)}")
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", help="an OME-Zarr image: Zarr v2 + OME-NGFF 0.4 or Zarr v3 + OME-NGFF 0.5")
    parser.add_argument("out", help="the PNG to write")
    view_of = parser.add_mutually_exclusive_group()
    view_of.add_argument("--size", type=int, default=512,
                         help="the whole image from the pyramid level nearest this many pixels (default 512)")
    view_of.add_argument("--centre", metavar="WxH",
                         help="the centre WxH pixels of the full-resolution level, as when zoomed in there")
    args = parser.parse_args()
    if args.centre is not None:
        width, _, height = args.centre.partition("x")
        if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
            parser.error(f"--centre {args.centre}: expected WIDTHxHEIGHT, e.g. 480x270")
        query = f"centre={int(width)}x{int(height)}"
    else:
        query = f"size={args.size}"
    dataset = os.path.abspath(args.dataset)
    if not os.path.isdir(dataset):
        sys.exit(f"viewer_picture: {args.dataset} is not a directory")
    png = view(dataset, query)
    try:
        measured = check_picture(png)
    except ValueError as problem:
        rejected = args.out + ".rejected.png"
        with open(rejected, "wb") as f:
            f.write(png)
        sys.exit(f"viewer_picture: the picture of {args.dataset} does not show the pattern ({problem}); "
                 f"it is in {rejected}")
    with open(args.out, "wb") as f:
        f.write(as_grey(png))
    print(f"viewer_picture: {args.out}: {measured}")


if __name__ == "__main__":
    main()
