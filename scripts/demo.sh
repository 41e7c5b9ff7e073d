#!/usr/bin/env bash
# Sets up, builds, and runs tendo's main job on the bundled samples in data/samples/: every scan
# scored (results table, masks, overlays), then the follow-up report per patient and side.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh"
export BUILD_DIR=${BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" > /dev/null
tendo="$BUILD_DIR/apps/tendo/tendo"
out=${DEMO_OUT:-$root/demo-output}
mkdir -p "$out"

echo "scoring data/samples/ into $out/scored (results.jsonl, results.csv, masks/, overlays/):"
status=0
"$tendo" score "$root/data/samples" --out "$out/scored" --masks --overlays --resume || status=$?
if ((status > 1)); then
  exit "$status"
fi
/usr/bin/python3 - "$out/scored/results.jsonl" <<'PY'
import json, sys
def num(value, fmt):
    return format(value, fmt) if isinstance(value, (int, float)) else "-"
print(f'  {"file":40s} {"view":12s} {"thick max mm":>12s} {"hypoechoic":>10s} {"vascular":>8s} {"grade":>5s} {"conf":>5s}  status')
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f'  {r["file"].split("/")[-1][:40]:40s} {r["view"]:12s} {num(r["thickness_mm"]["max"], ".2f"):>12s} '
          f'{num(r["echogenicity"]["hypoechoic_fraction"], ".2f"):>10s} {num(r["neovascularity"]["vascular_fraction"], ".3f"):>8s} '
          f'{num(r["neovascularity"]["ohberg_grade"], "d"):>5s} {num(r["confidence"], ".2f"):>5s}  {r["status"]}')
PY
"$tendo" compare "$out/scored" --out "$out/report" --force
echo "overlays: $out/scored/overlays/   follow-up report: $out/report/index.html"
echo "(segmentation accuracy is not at its targets yet: see docs/accuracy.md before trusting a number)"
