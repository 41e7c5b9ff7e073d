#!/usr/bin/env bash
# Builds the libFuzzer target (clang, ASan + UBSan) in build-fuzz/ and fuzzes the loader and the
# analysis for SECONDS (default 600) on one core at the lowest priority.
#   scripts/fuzz.sh 600
# The run starts from tests/fuzz/corpus; new inputs go to build-fuzz/corpus (the checked-in corpus
# stays small: refresh it with FUZZ_MERGE=1, which keeps only inputs that add coverage).
# Crashes, leaks, timeouts (> 10 s) and out-of-memory (> 2 GB) inputs land in
# build-fuzz/artifacts/ (inputs slower than 10 s as slow-unit-*); fuzzing goes on after each one.
# Any crash, leak, timeout or oom artifact makes the script exit 1.
# Environment: BUILD_DIR (build-fuzz), FUZZ_CORPUS (work corpus), FUZZ_ARTIFACTS, FUZZ_TIMEOUT (10),
# FUZZ_MERGE=1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-600}
build=${BUILD_DIR:-$root/build-fuzz}
corpus=${FUZZ_CORPUS:-$build/corpus}
artifacts=${FUZZ_ARTIFACTS:-$build/artifacts}

CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$root" -B "$build" -DTENDO_FUZZ=ON -DTENDO_BUILD_TESTS=OFF \
  -DTENDO_BUILD_VIEWER=OFF -DTENDO_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_open_analyze -j"$(nproc)"
fuzzer=$build/tests/fuzz/fuzz_open_analyze

mkdir -p "$corpus" "$artifacts"
# The fuzzer writes its scratch file here; keep it off the source tree.
export TMPDIR=${TMPDIR:-/tmp}
# One process at the lowest priority. libFuzzer stops at a finding (saved in $artifacts); the
# loop starts it again for the time left, so a long run reports every finding it meets.
# -timeout is wall-clock: on a loaded machine raise FUZZ_TIMEOUT and re-time what it reports.
deadline=$((SECONDS + seconds))
runs=0
while ((SECONDS < deadline)); do
  runs=$((runs + 1))
  started=$SECONDS
  /usr/bin/time -f "fuzz run $runs: %U s user, %S s system, %M KB peak" \
    nice -n 19 "$fuzzer" -max_total_time=$((deadline - SECONDS)) -timeout="${FUZZ_TIMEOUT:-10}" \
    -report_slow_units=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=200000 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$root/tests/fuzz/corpus" || true
  ((SECONDS - started >= 5)) || { echo "fuzz: the fuzzer stopped at once; giving up" >&2; exit 2; }
done

if [[ "${FUZZ_MERGE:-0}" == 1 ]]; then
  merged=$(mktemp -d)
  "$fuzzer" -merge=1 -max_len=200000 -timeout=10 -rss_limit_mb=2048 "$merged" "$root/tests/fuzz/corpus" "$corpus"
  rm -f "$root"/tests/fuzz/corpus/*
  cp "$merged"/* "$root/tests/fuzz/corpus/"
  rm -rf "$merged"
fi

found=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "fuzz: $found finding(s) in $artifacts"
[[ "$found" == 0 ]]
