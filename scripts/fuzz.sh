#!/usr/bin/env bash
# Builds the libFuzzer target (clang, ASan + UBSan) in build-fuzz/ and fuzzes the loader and the
# analysis for SECONDS (default 600) on one core at the lowest priority.
#   scripts/fuzz.sh 600
# The run starts from tests/fuzz/corpus; new inputs go to build-fuzz/corpus (the checked-in corpus
# stays small: refresh it with FUZZ_MERGE=1, which keeps only inputs that add coverage).
# Crashes, leaks, timeouts (> 10 s) and out-of-memory (> 2 GB) inputs land in
# build-fuzz/artifacts/; fuzzing goes on after each one. Any artifact makes the script exit 1.
# Environment: BUILD_DIR (build-fuzz), FUZZ_CORPUS (work corpus), FUZZ_ARTIFACTS, FUZZ_MERGE=1.
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
# -fork=1: one worker process, restarted after a crash, so a long run reports every finding.
nice -n 19 "$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=200000 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$root/tests/fuzz/corpus"

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
