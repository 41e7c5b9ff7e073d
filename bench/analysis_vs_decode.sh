#!/usr/bin/env bash
# Whole analysis of one 800x600 frame against decoding the same frame, on one core (issue:
# segmentation and measurement, "Speed"). Prints a Markdown table: the median and the fastest
# repetition of each, in ms a frame, and the analysis / decode ratio of the medians.
# Repetitions of the different benchmarks are interleaved in random order, so a machine whose
# speed drifts during the run slows all of them alike: the ratio holds where the milliseconds
# wander (on a shared virtual machine they do, by ±25 % and more).
# Usage: bench/analysis_vs_decode.sh BUILD_DIR [REPETITIONS]   (default 10)
set -euo pipefail
bench=$1/bench/tendo_analysis_bench
repetitions=${2:-10}
[[ -x $bench ]] || { echo "analysis_vs_decode.sh: $bench not built" >&2; exit 2; }
json=$(mktemp /tmp/tendo_analysis_vs_decode.XXXXXX.json)
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter='BM_(Decode|Analyze)/' --benchmark_repetitions="$repetitions" \
  --benchmark_enable_random_interleaving=true --benchmark_min_time=0.2 \
  --benchmark_format=json > "$json"
python3 - "$json" <<'EOF'
import json, statistics, sys

runs = {}
report = json.load(open(sys.argv[1]))
for b in report["benchmarks"]:
    if b.get("run_type") == "iteration":
        runs.setdefault(b["run_name"], []).append(b["real_time"])  # milliseconds (Unit kMillisecond)

def ms(name):
    times = runs[name]
    return statistics.median(times), min(times)

rows = [
    ("longitudinal, JPEG YBR_422", "BM_Analyze/jpeg_ybr422", "BM_Decode/jpeg_ybr422"),
    ("transverse, JPEG YBR_422", "BM_Analyze/jpeg_ybr422_transverse", "BM_Decode/jpeg_ybr422"),
    ("longitudinal, RGB", "BM_Analyze/rgb", "BM_Decode/rgb"),
]
context = report["context"]
print(f"{len(runs['BM_Decode/jpeg_ybr422'])} repetitions each, interleaved; {context['num_cpus']} CPUs at "
      f"{context['mhz_per_cpu']} MHz, load average {', '.join(f'{x:.2f}' for x in context['load_avg'])}")
print()
print("| frame | analysis ms (median / fastest) | decode ms (median / fastest) | analysis / decode | ≤ 10 ms |")
print("|---|---:|---:|---:|---|")
for label, analysis, decode in rows:
    a_med, a_min = ms(analysis)
    d_med, d_min = ms(decode)
    verdict = "met" if a_med <= 10.0 else "missed"
    print(f"| {label} | {a_med:.2f} / {a_min:.2f} | {d_med:.2f} / {d_min:.2f} | {a_med / d_med:.2f} | {verdict} |")
EOF
