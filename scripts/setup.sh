#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages, the pinned npm test readers),
# then configures and builds into ./build. Quick when run again: apt and npm
# are only touched when something is missing, and ninja rebuilds only changes.
#
# It says what it does on stderr, a line when a step starts and one when it
# ends, with its time ("setup: packages done in 12 s"); stdout stays empty.
# The commands' own output goes to a log, whose end is shown if a step fails.
# When another apt or dpkg is running (a fresh machine's automatic upgrades)
# it waits for it, up to 10 minutes, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  meson ninja-build pkg-config g++ libglib2.0-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libblosc-dev nlohmann-json3-dev libgtest-dev
  # codecs zstd and gzip (libzstd, zlib)
  libzstd-dev zlib1g-dev
  # run
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-base-apps
  # the other elements of the documented pipelines: autovideosink (README,
  # docs/elements/acqsrc.md) and v4l2src (README); it also brings videocrop,
  # videoflip and videobox for cropping and turning frames before zarrsink
  gstreamer1.0-plugins-good
  # independent readers used by the tests and benchmarks
  python3-zarr python3-numcodecs python3-numpy python3-jsonschema
  python3-gi gir1.2-gstreamer-1.0
  procps
  # memory checks of scripts/test.sh (ASan/UBSan runtimes come with g++)
  valgrind
  # GenICam cameras
  libaravis-dev aravis-tools libusb-1.0-0-dev  # aravis-0.8.pc requires libusb-1.0.pc
  # S3 object storage: libcurl signs requests (SigV4), libxml2 reads S3's XML answers
  libcurl4-openssl-dev libxml2-dev
  # S3 tests: a single-node Ceph cluster with a RADOS Gateway on loopback, and S3 clients
  ceph-mon ceph-osd radosgw ceph-common uuid-runtime python3-boto3 curl s3cmd
)

exec 3>&2  # the user's stderr, for the lines said while a step's output goes to the log
log=$(mktemp "${TMPDIR:-/tmp}/gst-zarr-setup.XXXXXX")
trap 'rm -f "$log"' EXIT

# Runs `"$@"` as the step NAME: its output into the log; a line on stderr
# when it starts and when it ends; on failure the end of the log, kept.
step() {  # NAME, what is done, command...
  local name=$1 what=$2 start=$SECONDS status=0
  shift 2
  echo "setup: $name: $what ..." >&2
  # A subshell with its own -e: inside `if` or `||`, bash would ignore it.
  set +e
  (set -e; "$@") >>"$log" 2>&1
  status=$?
  set -e
  if [ $status -ne 0 ]; then
    echo "setup: $name failed after $((SECONDS - start)) s; the end of its output (all of it in $log):" >&2
    tail -n 40 "$log" >&2
    trap - EXIT
    exit $status
  fi
  echo "setup: $name done in $((SECONDS - start)) s" >&2
}

# apt's and dpkg's locks, where this machine's apt keeps them.
eval "$(apt-config shell lists Dir::State::lists/d archives Dir::Cache::archives/d status Dir::State::status/f)"
lock_files=("$(dirname "$status")/lock-frontend" "$(dirname "$status")/lock" "${lists}lock" "${archives}lock")

# Whether another process holds one of them. /proc/locks lists every lock by
# device and inode, apt's fcntl locks as well as flock's (flock(1) itself
# cannot see fcntl locks, and fuser only says who has the file open).
package_manager_busy() {
  local file major minor inode
  for file in "${lock_files[@]}"; do
    read -r major minor inode < <(stat -c '%Hd %Ld %i' "$file" 2>/dev/null) || continue
    grep -q " $(printf '%02x:%02x:%s' "$major" "$minor" "$inode") " /proc/locks && return 0
  done
  return 1
}

# apt-get, after any other apt or dpkg has finished (10 minutes at most).
# DPkg::Lock::Timeout covers one starting in between, but apt-get update
# does not wait for the lock of the package lists: hence the wait here.
apt_get() {
  local deadline=$((SECONDS + 600))
  if package_manager_busy; then
    echo "setup: waiting for another package manager (up to 10 min)..." >&3
    while package_manager_busy; do
      if [ $SECONDS -ge $deadline ]; then
        echo "setup: another package manager still holds its lock after 10 min" >&3
        return 1
      fi
      sleep 1
    done
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 "$@"
}

install_packages() {
  apt_get update
  apt_get install -y --no-install-recommends "$@"
}

missing=()
for p in "${packages[@]}"; do
  state=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$state" = installed ] || missing+=("$p")
done
# The Zarr v3 reader of the tests (zarrita) needs node and npm.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  step packages "installing ${#missing[@]} missing (${missing[*]})" install_packages "${missing[@]}"
fi

# zarrita itself, pinned by tests/js/package-lock.json.
if [ ! -f tests/js/node_modules/.package-lock.json ] ||
   [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  step npm "installing the test readers of tests/js" npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

# Aravis is required here (the option is 'auto' for other builders) so a
# missing package fails loudly instead of dropping hardware support.
if [ ! -f build/build.ninja ]; then
  step configure "meson setup build" meson setup build -Daravis=enabled
elif [ ${#missing[@]} -gt 0 ]; then
  step configure "meson setup --reconfigure build" meson setup --reconfigure build -Daravis=enabled
fi
if ninja -C build -n 2>/dev/null | grep -q "no work to do"; then
  echo "setup: build up to date" >&2
else
  step build "ninja -C build" ninja -C build
fi
