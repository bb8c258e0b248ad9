#!/usr/bin/env bash
# Installs, builds and runs every test, in three stages (docs/testing.md):
#   normal    the whole meson suite in ./build
#   sanitize  the whole suite again in ./build-asan, built with
#             AddressSanitizer + UndefinedBehaviorSanitizer
#   valgrind  the gst-check programs (suite gst-check) of ./build under
#             valgrind --leak-check=full
# The last line is "N passed, N failed, N skipped", summed over the stages;
# the exit status is non-zero if anything failed in any stage.
#   bash scripts/test.sh             every stage
#   bash scripts/test.sh --quick     the normal suite only
#   bash scripts/test.sh [--quick] NAME...   only these tests (normal and
#                                    sanitize stages; valgrind runs its suite)
set -uo pipefail
cd "$(dirname "$0")/.."

quick=false
if [ "${1:-}" = --quick ]; then quick=true; shift; fi

bash scripts/setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

total_passed=0 total_failed=0 total_skipped=0
status=0

# Adds one meson test log to the totals and prints the stage's line.
count_stage() {  # stage, testlog.json, meson's exit status, seconds, extra failures
  local counts
  counts=$(/usr/bin/python3 - "$2" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(passed, failed, skipped)
PY
)
  local passed failed skipped
  read -r passed failed skipped <<<"$counts"
  failed=$((failed + $5))
  # meson failed without a failed test (build error, no log): count it.
  if [ "$3" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  [ "$failed" -eq 0 ] || status=1
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  echo "== stage $1: $passed passed, $failed failed, $skipped skipped ($4 s)"
}

# Stage 1: the normal suite, first so ordinary failures show up fast.
start=$SECONDS
rm -f build/meson-logs/testlog.json
meson test -C build --print-errorlogs --num-processes 2 "$@"
count_stage normal build/meson-logs/testlog.json $? $((SECONDS - start)) 0

if ! $quick; then
  # Stage 2: everything again, instrumented. Same options as ./build.
  start=$SECONDS
  built=0
  if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Daravis=enabled -Db_sanitize=address,undefined -Db_lundef=false || built=$?
  fi
  [ $built -ne 0 ] || ninja -C build-asan || built=$?
  reports=build-asan/sanitizer-reports
  rm -rf "$reports" build-asan/meson-logs/testlog-sanitize.json
  mkdir -p "$reports"
  result=$built
  if [ $built -eq 0 ]; then
    meson test -C build-asan --setup sanitize --print-errorlogs --num-processes 2 "$@"
    result=$?
  fi
  # Reports of child processes (gst-launch-1.0, python3) whose exit status
  # a test may have expected to be a failure.
  report_count=0
  for report in "$reports"/*; do
    [ -e "$report" ] || continue
    report_count=$((report_count + 1))
    echo "---- sanitizer report $report:"
    /usr/bin/python3 scripts/symbolize_sanitizer_report.py "$report" | head -n 80
  done
  count_stage sanitize build-asan/meson-logs/testlog-sanitize.json $result $((SECONDS - start)) $report_count

  # Stage 3: the gst-check programs under valgrind.
  start=$SECONDS
  rm -f build/meson-logs/testlog-valgrind.json
  meson test -C build --setup valgrind --suite gst-check --print-errorlogs --num-processes 2
  count_stage valgrind build/meson-logs/testlog-valgrind.json $? $((SECONDS - start)) 0
fi

echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
