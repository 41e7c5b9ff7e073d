#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds tendo and runs its tests (ctest labels unit and regression).
# TENDO_SANITIZE=1 builds and tests with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"

if [[ "${TENDO_SANITIZE:-0}" == 1 ]]; then
  export BUILD_DIR=${BUILD_DIR:-$root/build-asan}
  bash "$root/scripts/build.sh" -DTENDO_SANITIZE=ON -DTENDO_BUILD_BENCH=OFF
else
  export BUILD_DIR=${BUILD_DIR:-$root/build}
  bash "$root/scripts/build.sh"
fi
cd "$BUILD_DIR"
ctest --output-on-failure --parallel "$(nproc)" -L 'unit|regression'
