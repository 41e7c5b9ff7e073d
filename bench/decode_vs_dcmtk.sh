#!/usr/bin/env bash
# Decode speed per transfer syntax: tendo against DCMTK's own command-line decoder on the same files.
#   tendo in-process    ms/frame from tendo_decode_bench (decode only, scan already open)
#   tendo frames        whole process: start, open, decode frame 0, write PNG
#   dcmj2pnm/dcml2pnm   the same whole-process job by DCMTK's tool (+F 1 --write-png)
# Usage: bench/decode_vs_dcmtk.sh [BUILD_DIR] [RUNS]   (writes bench/results/decode.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
runs=${2:-10}
data=$root/tests/data/dicom-real
tendo=$build/apps/tendo/tendo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/bench/results"

"$build/bench/tendo_decode_bench" --benchmark_filter='^decode/' --benchmark_format=json \
  --benchmark_min_time=0.2 > "$work/bench.json" 2> /dev/null

mean_ms() { # mean wall ms of RUNS runs of a command
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" > /dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000))
}

: > "$work/rows.tsv"
for file in "$data"/*.dcm; do
  name=$(basename "$file" .dcm)
  syntax=$(/usr/bin/python3 -c "import json,sys; print([f for f in json.load(open('$data/facts.json'))['files'] if f['file']=='$name.dcm'][0]['transfer_syntax_uid'])")
  case $syntax in
    1.2.840.10008.1.2.4.80 | 1.2.840.10008.1.2.4.81) tool=dcml2pnm ;;
    1.2.840.10008.1.2.4.90 | 1.2.840.10008.1.2.4.91) tool="" ;; # DCMTK has no JPEG 2000 decoder
    *) tool=dcmj2pnm ;;
  esac
  tendo_us=$(mean_ms "$tendo" frames "$file" --out "$work/t.png" --force)
  dcmtk_us=""
  if [[ -n $tool ]]; then
    if "$tool" +F 1 --write-png "$file" "$work/d.png" > /dev/null 2>&1; then
      dcmtk_us=$(mean_ms "$tool" +F 1 --write-png "$file" "$work/d.png")
    else
      tool="$tool fails"
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$syntax" "$tendo_us" "${tool:-none}" "${dcmtk_us:-}" >> "$work/rows.tsv"
done

/usr/bin/python3 - "$work/bench.json" "$work/rows.tsv" "$runs" <<'PY' | tee "$root/bench/results/decode.md"
import json, sys
bench = {b["name"].split("/", 1)[1]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
runs = sys.argv[3]
print("# Decode speed: tendo vs DCMTK\n")
print(f"Whole-process times are the mean of {runs} runs; in-process decode from tendo_decode_bench.\n")
print("| file | transfer syntax | frames | tendo decode ms/frame (in process) | tendo frames ms (process) | DCMTK tool | DCMTK ms (process) | tendo / DCMTK |")
print("|---|---|---:|---:|---:|---|---:|---:|")
ratios = []
for line in open(sys.argv[2]):
    name, syntax, tendo_us, tool, dcmtk_us = line.rstrip("\n").split("\t")
    b = bench.get(name, {})
    decode_ms = b.get("real_time", float("nan"))
    frames = int(b.get("frames", 0))
    tendo_ms = int(tendo_us) / 1000
    if dcmtk_us:
        dcmtk_ms = int(dcmtk_us) / 1000
        ratio = tendo_ms / dcmtk_ms
        ratios.append(ratio)
        print(f"| {name} | {syntax} | {frames} | {decode_ms:.2f} | {tendo_ms:.1f} | {tool} | {dcmtk_ms:.1f} | {ratio:.2f} |")
    elif tool.endswith("fails"):
        print(f"| {name} | {syntax} | {frames} | {decode_ms:.2f} | {tendo_ms:.1f} | {tool} (cannot decode it) | | |")
    else:
        print(f"| {name} | {syntax} | {frames} | {decode_ms:.2f} | {tendo_ms:.1f} | none (no JPEG 2000 in DCMTK) | | |")
if ratios:
    print(f"\nWorst tendo/DCMTK ratio {max(ratios):.2f}, median {sorted(ratios)[len(ratios)//2]:.2f} over {len(ratios)} files.")
PY
