"""What a CephGateway is doing, for a reader who must tell a stalled gateway
from a stalled client when an S3 request fails.

    print(gateway_summary(gateway))   # one line: memstore use, daemons' memory
    print(gateway_health(gateway))    # the full report, for a failure

Everything is read from the daemons' admin sockets, /proc and `ss`, which
answer even when the cluster does not; only `ceph health detail` asks the
monitor, under a timeout. Signs of a stalled gateway:
  - RADOS ops the gateway has waited on for seconds ("paused" ones wait for
    a full or paused cluster: writes stop there while reads still pass);
  - ops blocked in the OSD;
  - HTTP connections in CLOSE-WAIT on the gateway's port: the client gave up
    and closed, the gateway is still inside the request;
  - a daemon gone, or memstore near its full ratio (95 %), or its count of
    used bytes wrapped below zero (see memstore_wrapped).
"""
import datetime
import json
import os
import subprocess
import urllib.parse

from ceph_gateway import without_sanitizers

WAITING_TOO_LONG_S = 10  # a RADOS op on loopback takes milliseconds
LOG_LINES = 15
# Warnings this cluster always has: auth is off, and it runs no manager.
ALWAYS_WARNED = {"AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED", "MGR_DOWN"}


def _run(args, gateway, timeout_s=20):
    env = {**without_sanitizers(os.environ), "CEPH_CONF": gateway.conf}
    try:
        result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout_s,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"no answer within {timeout_s} s"
    if result.returncode != 0:
        return None, (result.stderr.strip() or f"exit status {result.returncode}")[-300:]
    return result.stdout, None


def _admin_socket(gateway, daemon, *command):
    """The daemon's answer to an admin socket command, as JSON, or (None, why)."""
    socket = os.path.join(gateway.folder, "run", f"{daemon}.asok")
    out, problem = _run(["ceph", "--admin-daemon", socket, *command], gateway)
    if out is None:
        return None, problem
    try:
        return json.loads(out), None
    except ValueError:
        return None, "not JSON: " + out[:200]


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def memstore_use(gateway):
    """(used bytes, total bytes) of the in-memory OSD, as it reports them to
    the monitor (its full ratio applies to these), or None."""
    dump, _ = _admin_socket(gateway, "osd.0", "perf", "dump", "osd")
    if not dump:
        return None
    return dump["osd"]["stat_bytes_used"], dump["osd"]["stat_bytes"]


def memstore_wrapped(use):
    """Ceph 16's memstore keeps its used-bytes count in a plain integer that
    the OSD's op threads update at once; lost updates can take it below
    zero, where it wraps: the OSD then reports itself full and stops every
    write, while reads still pass. CephGateway runs one op thread so that
    it does not happen; this says so if it does. Returns by how many bytes
    the count is below zero, or 0."""
    used, total = use
    return 2**64 - used if used > total else 0


def _describe_use(use):
    if use is None:
        return "memstore use unknown"
    wrapped = memstore_wrapped(use)
    if wrapped:
        return f"memstore's used-bytes count WRAPPED below zero by {wrapped} bytes (the OSD thinks it is full)"
    return f"memstore {use[0] / 1e6:.3f} of {use[1] / 1e6:.0f} MB used"


def gateway_summary(gateway):
    """One line: memstore use and the daemons' resident memory."""
    parts = [_describe_use(memstore_use(gateway))]
    for daemon, pid in sorted(gateway.pids().items()):
        rss = _rss_mb(pid)
        parts.append(f"{daemon} {'gone' if rss is None else f'{rss} MB RSS'}")
    return "gateway: " + ", ".join(parts)


def _waited_s(op):
    """How long the gateway has waited on a RADOS op. `age` counts from the
    last send, so an op never sent (paused) has none: its mtime, stamped
    when the gateway submitted it, says instead (writes carry one)."""
    if op.get("attempts", 0) > 0:
        return float(op.get("age", 0))
    try:
        submitted = datetime.datetime.strptime(op.get("mtime", ""), "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return 0.0
    return max(0.0, (datetime.datetime.now(datetime.timezone.utc) - submitted).total_seconds())


def _gateway_rados_ops(gateway, stalls):
    requests, problem = _admin_socket(gateway, "client.rgw.a", "objecter_requests")
    if requests is None:
        stalls.append("the gateway's admin socket does not answer")
        return [f"  gateway's RADOS ops: unknown ({problem})"]
    ops = requests.get("ops", [])
    if not ops:
        return ["  gateway's RADOS ops: none waiting"]
    paused = sum(1 for op in ops if op.get("paused"))
    oldest = max(ops, key=_waited_s)
    waited = _waited_s(oldest)
    if waited >= WAITING_TOO_LONG_S:
        stalls.append(f"the gateway has waited {waited:.0f} s on a RADOS op")
    if paused:
        stalls.append(f"{paused} of the gateway's RADOS ops are paused (a full or paused cluster)")
    return [f"  gateway's RADOS ops: {len(ops)} waiting, {paused} paused; the oldest, {waited:.1f} s: "
            f"{' '.join(oldest.get('osd_ops', []))} on {oldest.get('object_id')}"]


def _osd_ops(gateway, stalls):
    blocked, problem = _admin_socket(gateway, "osd.0", "dump_blocked_ops")
    if blocked is None:
        stalls.append("the OSD's admin socket does not answer")
        return [f"  OSD ops: unknown ({problem})"]
    lines = [f"  OSD ops blocked longer than {blocked.get('complaint_time')} s: {blocked.get('num_blocked_ops')}"]
    for op in blocked.get("ops", [])[:3]:
        lines.append(f"    {op.get('age', 0):.0f} s: {op.get('description')}")
    if blocked.get("num_blocked_ops"):
        stalls.append(f"{blocked['num_blocked_ops']} ops are blocked in the OSD")
    return lines


def _connections(gateway, stalls):
    port = urllib.parse.urlsplit(gateway.endpoint).port
    out, problem = _run(["ss", "-tnH", "state", "all", f"sport = :{port}"], gateway)
    if out is None:
        return [f"  HTTP connections: unknown ({problem})"]
    states = {}
    for line in out.splitlines():
        state = line.split()[0]
        states[state] = states.get(state, 0) + 1
    if states.get("CLOSE-WAIT"):
        stalls.append(f"{states['CLOSE-WAIT']} connections in CLOSE-WAIT: clients gave up on requests "
                      "the gateway never answered")
    listed = ", ".join(f"{n} {state.lower()}" for state, n in sorted(states.items()))
    return [f"  HTTP connections on port {port}: {listed or 'none'}"]


def _log_tail(gateway, name):
    path = os.path.join(gateway.folder, "log", f"{name}.log")
    try:
        with open(path, errors="replace") as f:
            f.seek(max(0, os.path.getsize(path) - 64 * 1024))
            lines = f.read().splitlines()[-LOG_LINES:]
    except OSError as error:
        return [f"  --- {name}.log: {error}"]
    return [f"  --- {name}.log, last {len(lines)} lines ---"] + ["  " + line[:300] for line in lines]


def gateway_health(gateway):
    """A report of several lines, starting with a verdict: which signs of a
    stalled gateway it found, or that it found none (then suspect the client)."""
    stalls = []
    body = ["  " + gateway_summary(gateway)]
    pids = gateway.pids()
    for daemon in ("mon.a", "osd.0", "client.rgw.a"):
        if _rss_mb(pids.get(daemon, -1)) is None:
            stalls.append(f"{daemon} is not running")
    use = memstore_use(gateway)
    if use and memstore_wrapped(use):
        stalls.append(_describe_use(use))
    elif use and use[0] >= 0.85 * use[1]:
        stalls.append(f"memstore is {100 * use[0] / use[1]:.0f} % full (nearfull 85 %, full 95 %)")
    health, problem = _run(["ceph", "health", "detail"], gateway, timeout_s=30)
    body += ["  ceph health detail: " + (problem or "")] + ["    " + line for line in (health or "").splitlines()]
    if health and not health.startswith("HEALTH_OK"):
        checks = [line.split()[1].rstrip(":") for line in health.splitlines()[1:] if line.startswith("[")]
        serious = [c for c in checks if c not in ALWAYS_WARNED]
        if serious:
            stalls.append("ceph health reports " + ", ".join(serious))
    body += _gateway_rados_ops(gateway, stalls)
    body += _osd_ops(gateway, stalls)
    body += _connections(gateway, stalls)
    body += _log_tail(gateway, "client.rgw.a")
    body += _log_tail(gateway, "osd.0")
    if stalls:
        verdict = "the GATEWAY stalled: " + "; ".join(stalls)
    else:
        verdict = "the gateway looks healthy (nothing waiting, nothing blocked): suspect the CLIENT"
    return "\n".join([f"gateway health ({gateway.folder}): {verdict}"] + body)
