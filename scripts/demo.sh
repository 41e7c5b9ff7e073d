#!/usr/bin/env bash
# Sets up, builds, and runs tendo's main job on the bundled samples in data/samples/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
export BUILD_DIR=${BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" > /dev/null
tendo="$BUILD_DIR/apps/tendo/tendo"
out=${DEMO_OUT:-$root/demo-output}
mkdir -p "$out"
shopt -s nullglob
samples=("$root"/data/samples/*.dcm)
echo "tendo info on ${#samples[@]} bundled samples (JSON lines in $out/info.jsonl):"
"$tendo" info --json --decode "${samples[@]}" > "$out/info.jsonl"
python3 - "$out/info.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    spacing = "x".join(f"{v:.4f}" for v in d["spacing_mm"]) + " mm" if d.get("spacing_mm") else "uncalibrated"
    print(f'  {d["file"].split("/")[-1]:48s} {d.get("photometric",""):14s} {d.get("frames",0):3d} frame(s)  {spacing:22s} {d.get("decode_ms_per_frame",0):6.1f} ms/frame')
PY
for sample in "${samples[@]}"; do
  name=$(basename "$sample" .dcm)
  "$tendo" frames "$sample" --frame 0 --out "$out/$name.frame0.png" --force
done
echo "frame 0 of each sample written to $out/"
