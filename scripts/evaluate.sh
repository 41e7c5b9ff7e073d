#!/usr/bin/env bash
# Accuracy of segmentation and measurement against phantom truth: generates the phantom set for
# each seed, analyses every case through its DICOM file and prints the table of targets.
#   scripts/evaluate.sh [TENDO] [N] SEED...
# Defaults: TENDO=build/apps/tendo/tendo, N=40, seeds 101 202 303.
set -euo pipefail
tendo=${1:-build/apps/tendo/tendo}
n=${2:-40}
shift $(( $# > 2 ? 2 : $# )) || true
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(101 202 303)
for seed in "${seeds[@]}"; do
    echo "## seed $seed, $n cases"
    "$tendo" evaluate --seed "$seed" --n "$n" --markdown
    echo
done
