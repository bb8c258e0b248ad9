"""A real S3 endpoint for tests: a single-node Ceph cluster (one monitor, one
in-memory OSD, one RADOS Gateway) in a temporary folder, every daemon on
127.0.0.1 with ports chosen free at start, so several gateways can run at
once (parallel tests, other developers on the machine).

    with CephGateway() as gw:
        gw.create_bucket("data")
        subprocess.run([...], env={**os.environ, **gw.env()})
        gw.download_prefix("data", "run.zarr", local_dir)
        gw.kill_gateway(); ...; gw.restart_gateway()   # a gateway that dies mid-recording

Run with /usr/bin/python3 (Debian python3-boto3). By hand:
    /usr/bin/python3 tests/s3/ceph_gateway.py start DIR   # prints endpoint and keys
    /usr/bin/python3 tests/s3/ceph_gateway.py stop DIR
See /work/shared/notes/object-storage.md for where each setting comes from.
"""
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

# Ports the OSD may bind (public and cluster messengers, front and back
# heartbeats, each v1 and v2): a block this long must be free.
OSD_PORT_BLOCK = 24
START_TIMEOUT_S = 120


def _port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port_block(length, avoid=()):
    """The first port of `length` consecutive free ports, none in `avoid`.
    Random start points spread parallel gateways apart; the kernel's own
    ephemeral range (32768 and up on Linux) is left alone, so an outgoing
    connection cannot take a port between this check and the daemon's bind."""
    rng = secrets.SystemRandom()
    for _ in range(200):
        base = rng.randrange(10000, 32000 - length)
        ports = range(base, base + length)
        if not any(p in avoid for p in ports) and all(_port_is_free(p) for p in ports):
            return base
    raise RuntimeError(f"no {length} consecutive free ports found for the Ceph OSD")


def _config(folder, fsid, mon_v2, mon_v1, rgw_port, osd_min, osd_max):
    mon_addr = f"[v2:127.0.0.1:{mon_v2},v1:127.0.0.1:{mon_v1}]"
    return f"""[global]
fsid = {fsid}
mon host = {mon_addr}
mon initial members = a
public addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv4 = true
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = {folder}/run
admin socket = {folder}/run/$name.asok
pid file = {folder}/run/$name.pid
log file = {folder}/log/$name.log
keyring = {folder}/keyring
log to stderr = false
err to stderr = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
paxos propose interval = 0.05

[mon]
mon data = {folder}/mon.$id

[osd]
osd data = {folder}/osd.$id
osd objectstore = memstore
memstore device bytes = 4294967296
# One op thread: memstore keeps its count of used bytes in a plain integer
# that concurrent op threads update unlocked. Lost updates took it below zero
# after a bucket was emptied; it wrapped, the OSD called itself full, and
# every write waited for ever while reads still passed (bench/s3.py, issue 18).
osd op num shards = 1
osd op num threads per shard = 1
osd max object name len = 256
osd max object namespace len = 64
ms bind port min = {osd_min}
ms bind port max = {osd_max}

[client.rgw.a]
rgw data = {folder}/rgw
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw dns name = localhost
ms mon client mode = crc
"""



def without_sanitizers(env):
    """env without the sanitize test stage's preloaded ASan runtime: Ceph's
    tools and daemons are not ours, and ASan aborts on their C++ exceptions."""
    return {k: v for k, v in env.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}

class CephGateway:
    """Context manager: starts the cluster on enter, tears it down on exit
    (also when the body raised). Attributes: endpoint, access_key,
    secret_key, region, folder."""

    region = "us-east-1"

    def __init__(self, folder=None, keep_folder=False, stop_at_exit=True):
        self.folder = folder or tempfile.mkdtemp(prefix="ceph-gw-", dir=os.environ.get("ZARR_TEST_TMP"))
        self._keep_folder = keep_folder
        self._stop_at_exit = stop_at_exit  # off for the `start` command, whose daemons outlive it
        self.endpoint = None
        self.access_key = None
        self.secret_key = None
        self._client = None

    # --- life cycle -------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        folder = os.path.abspath(self.folder)
        self.folder = folder
        if self._stop_at_exit:
            _stop_on_exit(self)
        for sub in ["run", "log", "mon.a", "osd.0", "rgw"]:
            os.makedirs(os.path.join(folder, sub), exist_ok=True)
        mon_v2 = _free_port_block(3)
        mon_v1, rgw_port = mon_v2 + 1, mon_v2 + 2
        osd_min = _free_port_block(OSD_PORT_BLOCK, set(range(mon_v2, mon_v2 + 3)))
        fsid = self._run(["uuidgen"], env=without_sanitizers(os.environ)).strip()
        self.conf = os.path.join(folder, "ceph.conf")
        with open(self.conf, "w") as f:
            f.write(_config(folder, fsid, mon_v2, mon_v1, rgw_port, osd_min, osd_min + OSD_PORT_BLOCK - 1))
        self.endpoint = f"http://127.0.0.1:{rgw_port}"

        keyring = os.path.join(folder, "keyring")
        monmap = os.path.join(folder, "monmap")
        self._ceph(["ceph-authtool", "--create-keyring", keyring, "--gen-key", "-n", "mon.", "--cap", "mon", "allow *"])
        self._ceph(["monmaptool", "--create", "--fsid", fsid, "--addv", "a",
                    f"[v2:127.0.0.1:{mon_v2},v1:127.0.0.1:{mon_v1}]", monmap])
        self._ceph(["ceph-mon", "--mkfs", "-i", "a", "--monmap", monmap, "--keyring", keyring])
        self._ceph(["ceph-mon", "-i", "a"])
        # A listening port is enough: the ceph CLI costs seconds per call on a busy machine.
        self._wait("the monitor", lambda: _accepts(mon_v1))

        osd_uuid = self._run(["uuidgen"], env=without_sanitizers(os.environ)).strip()
        osd_id = self._ceph(["ceph", "osd", "new", osd_uuid]).strip()
        self._ceph(["ceph-osd", "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid])
        self._ceph(["ceph-osd", "-i", osd_id])
        # No wait for "osd up": radosgw waits for the OSD itself before it opens its port.

        self._ceph(["radosgw", "-n", "client.rgw.a"])
        self._wait("the RADOS Gateway", self._gateway_answers)

        self.access_key = "AK" + secrets.token_hex(9).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self._ceph(["radosgw-admin", "user", "create", "--uid=test", "--display-name=test",
                    f"--access-key={self.access_key}", f"--secret-key={self.secret_key}"])
        with open(os.path.join(folder, "gateway.json"), "w") as f:
            json.dump({"endpoint": self.endpoint, "access_key": self.access_key,
                       "secret_key": self.secret_key, "region": self.region}, f)

    def stop(self):
        """Stops every daemon and removes the folder unless asked to keep it.
        SIGKILL at once: the cluster's data is thrown away, and an OSD asked
        to stop politely waits seconds for a monitor that may be gone."""
        if self._client is not None:
            self._client.close()
            self._client = None
        pids = self.pids()
        for pid in pids.values():
            _signal(pid, signal.SIGKILL)
        for pid in pids.values():
            _wait_gone(pid, 10)
        if not self._keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def kill_gateway(self):
        """SIGKILLs radosgw (a gateway that dies mid-recording); the monitor and
        OSD stay up. Returns once the process is gone."""
        pid = self.pids().get("client.rgw.a")
        if pid is None:
            raise RuntimeError("radosgw has no pid file")
        _signal(pid, signal.SIGKILL)
        _wait_gone(pid, 10)

    def restart_gateway(self):
        """Starts radosgw again after kill_gateway(), on the same port, with the
        same users and objects (they live in the OSD)."""
        self._ceph(["radosgw", "-n", "client.rgw.a"])
        self._wait("the RADOS Gateway", self._gateway_answers)

    # --- for tests ----------------------------------------------------------

    def env(self):
        """AWS_* variables for a child process that should use this gateway;
        the shared config/credentials files are pointed at nothing, so the
        developer's own ~/.aws cannot interfere."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_CONFIG_FILE": os.devnull,
        }

    def s3_client(self):
        """A boto3 S3 client for this gateway (one per gateway, closed at stop)."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self):
        import boto3
        from botocore.config import Config
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))

    def create_bucket(self, name):
        self.s3_client().create_bucket(Bucket=name)

    def list_keys(self, bucket, prefix=""):
        client = self.s3_client()
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def download_prefix(self, bucket, prefix, local_dir):
        """Copies every object under `prefix/` into local_dir (keys relative to
        the prefix become paths), for readers that need a filesystem. Returns
        the list of keys copied (relative to the prefix)."""
        client = self.s3_client()
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        copied = []
        for key in self.list_keys(bucket, prefix):
            relative = key[len(prefix):]
            target = os.path.join(local_dir, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            client.download_file(bucket, key, target)
            copied.append(relative)
        return copied

    # --- internals ----------------------------------------------------------

    def pids(self):
        """{daemon name: pid} from the pid files in run/."""
        pids = {}
        run = os.path.join(self.folder, "run")
        if os.path.isdir(run):
            for name in os.listdir(run):
                if name.endswith(".pid"):
                    try:
                        with open(os.path.join(run, name)) as f:
                            pids[name[:-4]] = int(f.read().strip())
                    except (OSError, ValueError):
                        pass
        return pids

    def _ceph_env(self):
        return {**without_sanitizers(os.environ), "CEPH_CONF": self.conf}

    def _run(self, args, env):
        result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result.stdout

    def _ceph(self, args):
        return self._run(args, self._ceph_env())

    def _gateway_answers(self):
        try:
            with urllib.request.urlopen(self.endpoint + "/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answers, even if with an error
        except OSError:
            return False

    def _wait(self, what, ready):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.2)
        logs = ""
        log_dir = os.path.join(self.folder, "log")
        for name in sorted(os.listdir(log_dir)):
            with open(os.path.join(log_dir, name), errors="replace") as f:
                logs += f"\n--- {name} (end) ---\n" + f.read()[-3000:]
        raise RuntimeError(f"{what} did not come up within {START_TIMEOUT_S} s in {self.folder}{logs}")


def _stop_on_exit(gateway):
    """Daemons outlive the process that started them: stop them also when
    the test is ended by a signal (meson's timeout sends SIGTERM) or exits
    without reaching its teardown. Stopping twice is harmless."""
    atexit.register(gateway.stop)
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone once reaped; daemons are not our children.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_gone(pid, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(f"usage: {argv[0]} start|stop DIR", file=sys.stderr)
        return 2
    folder = os.path.abspath(argv[2])
    if argv[1] == "start":
        os.makedirs(folder, exist_ok=True)
        gateway = CephGateway(folder, keep_folder=True, stop_at_exit=False)
        try:
            gateway.start()
        except BaseException:
            gateway.stop()
            raise
        print(f"endpoint   {gateway.endpoint}")
        print(f"region     {gateway.region}")
        print(f"access key {gateway.access_key}")
        print(f"secret key {gateway.secret_key}")
        print(f"for a shell: export " + " ".join(f"{k}={v}" for k, v in gateway.env().items()))
        print(f"stop with: {argv[0]} stop {folder}")
    else:
        gateway = CephGateway(folder, keep_folder=True, stop_at_exit=False)
        gateway.stop()
        # The folder was made by `start`: remove the cluster's files too.
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
