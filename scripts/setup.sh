#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages, the pinned npm test readers),
# then configures and builds into ./build. Quick when run again: apt and npm
# are only touched when something is missing, and ninja rebuilds only changes.
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

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The Zarr v3 reader of the tests (zarrita), pinned by tests/js/package-lock.json.
if ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends nodejs npm
fi
if [ ! -f tests/js/node_modules/.package-lock.json ] ||
   [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

# Aravis is required here (the option is 'auto' for other builders) so a
# missing package fails loudly instead of dropping hardware support.
if [ ! -f build/build.ninja ]; then
  meson setup build -Daravis=enabled
elif [ ${#missing[@]} -gt 0 ]; then
  meson setup --reconfigure build -Daravis=enabled
fi
ninja -C build
