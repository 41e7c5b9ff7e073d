#!/usr/bin/env bash
# Command regression for `tendo export-sr`: scores the bundled real samples (none shows a hamstring
# tendon: nothing to report) and two phantom scans of the follow-up samples, exports one TID 1500 SR per
# scored scan and runs dciodvfy (dicom3tools) on each: no "Error" line is allowed. Also exports
# from a results folder whose scanned files are gone (patient and date then come from the result).
# Guards the SR being accepted by PACS-side validators, not only by DCMTK that wrote it.
# Usage: export_sr_test.sh TENDO_BINARY SAMPLES_DIR
set -uo pipefail
tendo=$1
samples=$2
work=$(mktemp -d)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

if ! command -v dciodvfy > /dev/null; then
  echo "dciodvfy not installed (dicom3tools, scripts/setup.sh): skipped" >&2
  rm -rf "$work"
  exit 77
fi

"$tendo" score "$samples"/*.dcm "$samples"/followup/PHT-001_L_v1_*.dcm --out "$work/scored" 2> "$work/score.err"
code=$?
[[ $code == 0 || $code == 1 ]] || fail "score: exit $code: $(cat "$work/score.err")"
# Scans where a tendon was found (view not none) have values to report.
scored=$(grep -v '"view":"none"' "$work/scored/results.jsonl" | grep -c '"status":"\(ok\|warning\)"')
"$tendo" export-sr "$work/scored" --out "$work/sr" 2> "$work/export.err"
code=$?
[[ $code == 0 ]] || fail "export-sr: exit $code: $(cat "$work/export.err")"
written=$(ls "$work"/sr/*.sr.dcm 2> /dev/null | wc -l)
[[ $written == "$scored" ]] || fail "export-sr wrote $written reports for $scored scored scans"
((written >= 2)) || fail "export-sr wrote $written reports: the two phantom scans have a tendon to report"

# The same results with the scanned files out of reach.
mkdir -p "$work/moved"
sed 's#"file":"[^"]*/\([^"/]*\)"#"file":"gone/\1"#' "$work/scored/results.jsonl" > "$work/moved/results.jsonl"
"$tendo" export-sr "$work/moved" --out "$work/sr_moved" 2> "$work/export_moved.err"
code=$?
[[ $code == 0 ]] || fail "export-sr (files gone): exit $code: $(cat "$work/export_moved.err")"

for file in "$work"/sr/*.sr.dcm "$work"/sr_moved/*.sr.dcm; do
  [[ -e $file ]] || continue
  dciodvfy "$file" > "$work/vfy.out" 2>&1
  if grep -q '^Error' "$work/vfy.out"; then
    fail "$(basename "$file"): dciodvfy: $(grep '^Error' "$work/vfy.out" | head -5)"
  fi
  grep -Eq 'Enhanced ?SR|Comprehensive ?SR' "$work/vfy.out" || fail "$(basename "$file"): dciodvfy did not see an SR: $(head -3 "$work/vfy.out")"
done
# A report of a scan still on disk names its image in the image library and keeps its patient.
first=$(ls "$work"/sr/*.sr.dcm | head -1)
if [[ -n $first ]]; then
  dsrdump "$first" > "$work/dump.txt" 2>&1 || fail "dsrdump cannot read $first"
  grep -q 'Image Library' "$work/dump.txt" || fail "no image library in $first"
  grep -q 'Imaging Measurement Report' "$work/dump.txt" || fail "not a measurement report: $first"
fi

if ((failures > 0)); then
  echo "$failures failure(s); evidence kept in $work" >&2
  exit 1
fi
rm -rf "$work"
echo "export-sr: $written reports, dciodvfy found no error"
