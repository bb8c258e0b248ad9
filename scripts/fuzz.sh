#!/usr/bin/env bash
# Fuzzes the metadata JSON path (tests/fuzz/metadata_fuzzer.cc) with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer for SECONDS
# (default 600), then merges the inputs that reach new code into
# tests/fuzz/corpus (commit them: CI replays that corpus). A crash leaves its
# input in build-fuzz/artifacts/ and the command fails.
#   bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (apt-get install clang-14 libclang-rt-14-dev)"; exit 1; }
done

# Its own build dir: everything compiled by clang with coverage for libFuzzer.
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-14 CXX=clang++-14 meson setup build-fuzz \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args=-fsanitize=fuzzer-no-link -Daravis=disabled -Dtests=enabled
fi
ninja -C build-fuzz tests/fuzz/metadata_fuzzer

fuzzer=build-fuzz/tests/fuzz/metadata_fuzzer
found=build-fuzz/found      # new inputs of this run
mkdir -p "$found" build-fuzz/artifacts
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

status=0
"$fuzzer" "$found" tests/fuzz/corpus \
  -dict=tests/fuzz/json.dict -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix=build-fuzz/artifacts/ || status=$?

# Keep only what adds coverage to the committed corpus.
"$fuzzer" -merge=1 tests/fuzz/corpus "$found" 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
echo "fuzz: corpus has $(ls tests/fuzz/corpus | wc -l) files ($(du -sh tests/fuzz/corpus | cut -f1))"
if [ $status -ne 0 ]; then
  echo "fuzz: FAILED (exit $status); the crashing input is in build-fuzz/artifacts/"
fi
exit $status
