#!/usr/bin/env bash
# Command regression for `tendo compare`: a results folder of two patients, both sides, three
# visits (one visit scanned twice, one scan uncalibrated, one without a patient id) with overlay
# images, compared with a clinical CSV. Checks compare.csv, the refusal to write into a foreign
# folder, and opens index.html in headless Chromium: the screenshot must not be blank and the
# page must log no console error. On failure the work folder is kept and its path printed.
# Usage: compare_report_test.sh TENDO_BINARY PNG_STATS_BINARY SAMPLES_DIR
set -uo pipefail
tendo=$1
png_stats=$2
samples=$3
work=$(mktemp -d)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# result FILE PATIENT DATE SIDE CALIBRATED THICKNESS VASCULAR OHBERG HYPO
result() {
  local patient=null
  [[ -n $2 ]] && patient="\"$2\""
  printf '{"file":"%s","sop_instance_uid":"1.2.826.0.1.3680043.9.7.%s","patient_id":%s,"study_date":"%s",' \
    "$1" "$RANDOM$RANDOM" "$patient" "$3"
  printf '"laterality":"%s","view":"longitudinal","frames":1,"frame":0,"spacing_mm":[0.1,0.1],"calibrated":%s,' "$4" "$5"
  printf '"status":"ok","warnings":[],"error":null,"thickness_mm":{"max":%s,"mean":%s,"at_reference":%s,"profile":[]},' \
    "$6" "$6" "$6"
  printf '"csa_mm2":null,"tendon_area_mm2":40.0,"echogenicity":{"mean":90,"sd":20,"normalized":1.1,"hypoechoic_fraction":%s,"coherence":0.6},' "$9"
  printf '"neovascularity":{"doppler":true,"vascular_fraction":%s,"vessel_count":3,"vessels_in_tendon":2,"ohberg_grade":%s,"frame":0},' "$7" "$8"
  printf '"confidence":0.9,"pipeline_version":"test"}\n'
}
mkdir -p "$work/scored/overlays"
{
  result a1.dcm PHT01 2026-01-12 R true 8.4 0.22 3 0.30
  result a2.dcm PHT01 2026-01-12 L true 6.1 0.01 0 0.05
  result b1.dcm PHT01 2026-03-09 R true 7.6 0.15 2 0.22
  result b2.dcm PHT01 2026-03-09 R true 7.8 0.13 2 0.21
  result b3.dcm PHT01 2026-03-09 L true 6.0 0.00 0 0.05
  result c1.dcm PHT01 2026-05-04 R true 6.9 0.05 1 0.12
  result c2.dcm PHT01 2026-05-04 L true 6.1 0.01 0 0.04
  result c3.dcm PHT01 2026-05-04 R false 99 0.04 1 0.12
  result d1.dcm PHT02 2026-02-02 L true 7.9 0.18 3 0.25
  result d2.dcm PHT02 2026-04-20 L true 8.2 0.20 3 0.27
  result x1.dcm "" 2026-02-02 L true 5.0 0.10 1 0.10
} > "$work/scored/results.jsonl"
overlay_source=$(ls "$samples"/*.dcm | head -1)
for stem in a1 a2 b1 b3 c1 c2 d1 d2; do
  "$tendo" frames "$overlay_source" --out "$work/scored/overlays/$stem.png" 2> /dev/null ||
    fail "tendo frames could not make the stand-in overlay"
done
cat > "$work/visits.csv" <<'CSV'
patient,date,side,pain_nrs,visa_h
PHT01,2026-01-12,R,7,38
PHT01,2026-03-09,R,4,55
PHT01,2026-05-04,R,2,74
PHT02,2026-02-02,L,5,50
CSV

"$tendo" compare "$work/scored" --clinical "$work/visits.csv" --out "$work/report" 2> "$work/err"
code=$?
[[ $code == 0 ]] || fail "compare: exit $code, expected 0: $(cat "$work/err")"
csv=$work/report/compare.csv
# header + (3 visits R + 3 visits L + 2 visits PHT02 L) x 6 metrics
[[ $(wc -l < "$csv") == $((1 + 8 * 6)) ]] || fail "compare.csv has $(wc -l < "$csv") lines, expected 49"
# Right side, visit 2 (median of 7.6 and 7.8): -0.7 mm from baseline is not beyond the 0.7 mm MDC.
grep -q '^PHT01,R,longitudinal,2,2026-03-09,thickness_max_mm,mm,2,7.7000,7.6000,7.8000,-0.7000,-0.7000,0.70,no,no,6.0000,1.7000,yes,4.0,55,' "$csv" ||
  fail "visit 2 thickness row wrong: $(grep '2026-03-09,thickness_max_mm' "$csv")"
# Visit 3: the uncalibrated 99 mm scan is left out of the thickness (n 1), -1.5 mm and -0.8 mm are beyond the MDC.
grep -q '^PHT01,R,longitudinal,3,2026-05-04,thickness_max_mm,mm,1,6.9000,6.9000,6.9000,-1.5000,-0.8000,0.70,yes,yes,' "$csv" ||
  fail "visit 3 thickness row wrong: $(grep 'R,longitudinal,3,2026-05-04,thickness_max_mm' "$csv")"
# ...but counts for the vascular fraction (median of 0.05 and 0.04): -0.175 beyond 0.08.
grep -q '^PHT01,R,longitudinal,3,2026-05-04,vascular_fraction,fraction,2,0.0450,0.0400,0.0500,-0.1750,-0.0950,0.08,yes,yes,' "$csv" ||
  fail "visit 3 vascular row wrong: $(grep 'R,longitudinal,3,2026-05-04,vascular_fraction' "$csv")"
grep -q '^x1.dcm,no patient id,no' "$work/report/excluded.csv" || fail "x1.dcm not listed as excluded"
grep -q '^c3.dcm,uncalibrated' "$work/report/excluded.csv" || fail "c3.dcm not listed as uncalibrated"
grep -q '<script' "$work/report/index.html" && fail "index.html holds a script"
grep -Eo '(src|href)="[a-z]+:' "$work/report/index.html" | grep -v 'src="data:' && fail "index.html loads something"
[[ $(grep -o 'data:image/png;base64,' "$work/report/index.html" | wc -l) == 8 ]] || fail "expected 8 overlay thumbnails"

# A folder holding something else is refused (exit 2) and left as it was.
mkdir -p "$work/foreign" && echo keep > "$work/foreign/notes.txt"
"$tendo" compare "$work/scored" --out "$work/foreign" 2> "$work/err"
code=$?
[[ $code == 2 ]] || fail "compare into a foreign folder: exit $code, expected 2"
[[ -e $work/foreign/compare.csv ]] && fail "compare wrote into a foreign folder"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "chromium not installed (scripts/setup.sh installs it): skipped the browser check" >&2
  ((failures == 0)) && { rm -rf "$work"; exit 77; }
else
  profile=$(mktemp -d)
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --window-size=1200,1600 --screenshot="$work/shot.png" \
    "file://$work/report/index.html" > "$work/chromium.out" 2> "$work/chromium.err"
  code=$?
  rm -rf "$profile"
  [[ $code == 0 ]] || fail "chromium: exit $code: $(tail -5 "$work/chromium.err")"
  # Chromium 156 logs page console output as "INFO:CONSOLE:<line>" (errors included), older ones as
  # "ERROR:CONSOLE" or "CONSOLE(": the page has no script, so any console line is a failure (a
  # blocked load, a Content-Security-Policy violation, a script error).
  grep -E 'Uncaught|:CONSOLE|CONSOLE\(' "$work/chromium.err" && fail "console messages on the page"
  if [[ -s $work/shot.png ]]; then
    # TENDO_SCREENSHOT_OUT=docs/images/compare_report.png keeps the screenshot for the docs.
    [[ -n ${TENDO_SCREENSHOT_OUT:-} ]] && cp "$work/shot.png" "$TENDO_SCREENSHOT_OUT"
    read -r cols rows levels drawn < <("$png_stats" "$work/shot.png")
    [[ $cols == 1200 && $rows == 1600 ]] || fail "screenshot is ${cols}x${rows}, expected 1200x1600"
    # A blank page has one grey level; plots, text and thumbnails give many and cover >5 % of it.
    ((levels > 50)) || fail "screenshot has only $levels grey levels"
    awk -v d="$drawn" 'BEGIN { exit !(d > 0.05) }' || fail "screenshot is nearly blank ($drawn drawn)"
  else
    fail "chromium wrote no screenshot"
  fi
fi

if ((failures > 0)); then
  echo "$failures failure(s); evidence kept in $work" >&2
  exit 1
fi
rm -rf "$work"
echo "compare report: all checks passed"
