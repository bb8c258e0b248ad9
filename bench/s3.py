#!/usr/bin/python3
"""zarrsink into S3, side by side with zarrsink into the local filesystem and
with boto3 uploading the very same objects.

Starts its own S3 endpoint (a local Ceph RADOS Gateway, tests/s3/ceph_gateway.py:
an in-memory OSD on loopback) and runs, interleaved over several rounds so
machine noise hits all alike, for two object sizes:
  zarrsink -> S3      acqsrc (radial sin, 1920x1080 GRAY8, not live) ! zarrsink
                      location=s3://... uncompressed, max-threads=N
  zarrsink -> disk    the same pipeline into a local directory
  boto3 put_object    the objects the disk case wrote (same keys, same sizes),
                      read into memory first, then uploaded by a
                      ThreadPoolExecutor of N workers (N = zarrsink's max-threads)
  acqsrc ! fakesink   the source alone: zarrsink's times include making the frames

zarrsink cases are child processes timed from start to exit (so they include
process start, making the frames and the metadata objects); boto3 is timed
around the uploads only. MB/s is stored bytes (chunk objects + metadata) per
second, objects/s likewise. Between cases the bucket is emptied and the
gateway's garbage collection run, so the in-memory OSD does not fill up;
after each round a line says how much the OSD holds.

When a case fails, the bench prints the client's error and then the
gateway's health (tests/s3/gateway_health.py): a verdict that names the
signs of a stalled gateway it found (RADOS ops waiting or paused, ops
blocked in the OSD, connections the client gave up on, a full OSD, a daemon
gone), or says it found none, and then the figures and log tails behind it.

  /usr/bin/python3 bench/s3.py [--build build] [--frames 128] [--rounds 3] [--threads 4]
"""
import argparse
import concurrent.futures
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "s3"))
from ceph_gateway import CephGateway, without_sanitizers  # noqa: E402
from gateway_health import gateway_health, gateway_summary, memstore_use, memstore_wrapped  # noqa: E402

SETTLE_S = 3  # seconds between cases, after os.sync(): see bench/zarrsink.py
WIDTH, HEIGHT = 1920, 1080
BUCKET = "bench"

# name: zarrsink options (uncompressed, so every case moves the same bytes)
WORKLOADS = {
    "8 MB objects": "tile-width=960 tile-height=540 tile-planes=16",
    "256 KB objects": "tile-width=256 tile-height=256 tile-planes=4",
}


def source(frames):
    return (f'acqsrc is-live=false camera="simulated: radial sin" num-buffers={frames} '
            f"! video/x-raw,format=GRAY8,width={WIDTH},height={HEIGHT}")


def gst_launch(description):
    return ["gst-launch-1.0", "-q", "-e"] + shlex.split(description)


def settle():
    os.sync()
    time.sleep(SETTLE_S)


class CaseFailed(Exception):
    """A case failed; the message says how, in the client's words where it has them."""


def timed_child(command, env):
    settle()
    start = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise CaseFailed(f"exit status {result.returncode} after {seconds:.0f} s: {' '.join(command)}\n"
                         f"{result.stdout}{result.stderr}")
    return seconds


def local_objects(root):
    """{key relative to root: bytes} of every file a recording left."""
    objects = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                objects[os.path.relpath(path, root).replace(os.sep, "/")] = f.read()
    return objects


def empty_bucket(gateway, client):
    keys = gateway.list_keys(BUCKET)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]]})
    # Deleted tails wait hours for RGW's garbage collector; the OSD keeps them in RAM meanwhile.
    result = subprocess.run(["radosgw-admin", "gc", "process", "--include-all"],
                            env={**without_sanitizers(os.environ), "CEPH_CONF": gateway.conf},
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    if result.returncode != 0:  # the OSD would fill up a round later, far from the cause
        raise CaseFailed(f"radosgw-admin gc process failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    use = memstore_use(gateway)
    if use and memstore_wrapped(use):  # else the next write waits 5 minutes for the client to give up
        raise CaseFailed(f"after emptying the bucket, the OSD's memstore counts {2**64 - use[0]} bytes below zero")


def stored_figures(gateway, client, prefix):
    """(bytes, objects) under prefix in the bucket."""
    total = count = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for o in page.get("Contents", []):
            total += o["Size"]
            count += 1
    return total, count


def boto3_upload(client, objects, prefix, threads):
    settle()
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(client.put_object, Bucket=BUCKET, Key=f"{prefix}/{key}", Body=body)
                   for key, body in objects.items()]
        for future in futures:
            future.result()
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--frames", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="zarrsink max-threads and boto3 workers")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    work = tempfile.mkdtemp(prefix="s3-bench-", dir=args.dir)
    figures = {}  # (workload, case) -> [(MB/s, objects/s)]

    def record(workload, case, stored_bytes, objects, seconds):
        figures.setdefault((workload, case), []).append((stored_bytes / seconds / 1e6, objects / seconds))
        print(f"{workload:15s} {case:18s} {stored_bytes / 1e6:7.1f} MB in {objects:5d} objects: "
              f"{seconds:6.2f} s  {stored_bytes / seconds / 1e6:7.1f} MB/s  {objects / seconds:7.1f} objects/s",
              flush=True)

    with CephGateway(folder=tempfile.mkdtemp(prefix="ceph-gw-", dir=args.dir)) as gateway:
        gateway.create_bucket(BUCKET)
        client = gateway.s3_client()
        env = {**os.environ, **gateway.env(), "GST_PLUGIN_PATH_1_0": os.path.join(build, "gst")}
        print(gateway_summary(gateway), flush=True)
        case = "start"
        try:
            for round_number in range(args.rounds):
                print(f"round {round_number + 1}", flush=True)
                for workload, options in WORKLOADS.items():
                    sink = f"zarrsink {options} max-threads={args.threads} compressor=none"

                    case = f"round {round_number + 1}, {workload}, zarrsink -> disk"
                    location = os.path.join(work, "out.zarr")
                    seconds = timed_child(gst_launch(f"{source(args.frames)} ! {sink} location={location}"), env)
                    objects = local_objects(location)
                    record(workload, "zarrsink -> disk", sum(map(len, objects.values())), len(objects), seconds)
                    shutil.rmtree(location)

                    case = f"round {round_number + 1}, {workload}, zarrsink -> S3"
                    seconds = timed_child(gst_launch(f"{source(args.frames)} ! {sink} location=s3://{BUCKET}/z.zarr "
                                                     f"s3-endpoint={gateway.endpoint}"), env)
                    stored_bytes, count = stored_figures(gateway, client, "z.zarr/")
                    if count != len(objects):
                        raise CaseFailed(f"zarrsink stored {count} objects in S3 but {len(objects)} files on disk")
                    record(workload, "zarrsink -> S3", stored_bytes, count, seconds)
                    empty_bucket(gateway, client)

                    case = f"round {round_number + 1}, {workload}, boto3 put_object"
                    seconds = boto3_upload(client, objects, "b.zarr", args.threads)
                    record(workload, "boto3 put_object", sum(map(len, objects.values())), len(objects), seconds)
                    del objects
                    empty_bucket(gateway, client)

                case = f"round {round_number + 1}, acqsrc ! fakesink"
                seconds = timed_child(gst_launch(f"{source(args.frames)} ! fakesink"), env)
                record("(source)", "acqsrc ! fakesink", args.frames * WIDTH * HEIGHT, args.frames, seconds)
                print(gateway_summary(gateway), flush=True)
        except Exception as failure:  # boto3's errors too: the gateway's state tells whose fault it was
            print(f"\nFAILED in {case}: {failure}\n", flush=True)
            print(gateway_health(gateway), flush=True)
            raise SystemExit(1)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{args.frames} frames of {WIDTH}x{HEIGHT} GRAY8, uncompressed, {args.threads} threads/workers, "
          f"median of {args.rounds} rounds; S3 = local Ceph RADOS Gateway (memstore) on loopback\n")
    print("| objects | zarrsink -> S3 | zarrsink -> disk | boto3 put_object | S3 / boto3, medians | "
          "S3 / boto3, median of per-round ratios |")
    print("|---|---|---|---|---|---|")
    for workload in WORKLOADS:
        cells, median = [], {}
        for case in ("zarrsink -> S3", "zarrsink -> disk", "boto3 put_object"):
            values = figures[(workload, case)]
            median[case] = statistics.median(v[0] for v in values)
            cells.append(f"{median[case]:.0f} MB/s, {statistics.median(v[1] for v in values):.0f} obj/s")
        ratio = median["zarrsink -> S3"] / median["boto3 put_object"]
        # Rounds pair the two cases in time, so their ratio cancels slow phases of the machine.
        paired = statistics.median(ours[0] / theirs[0] for ours, theirs in
                                   zip(figures[(workload, "zarrsink -> S3")], figures[(workload, "boto3 put_object")]))
        print(f"| {workload} | {' | '.join(cells)} | {ratio:.2f}x | {paired:.2f}x |")
    source_mbps = statistics.median(v[0] for v in figures[("(source)", "acqsrc ! fakesink")])
    print(f"\nThe source alone (acqsrc ! fakesink) makes frames at {source_mbps:.0f} MB/s.")


if __name__ == "__main__":
    main()
