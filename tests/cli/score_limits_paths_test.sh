#!/usr/bin/env bash
# tendo score with hostile inputs: output names derived from input names ("..", backslashes,
# newlines, quotes, 240-character names, duplicate stems) and a patient id holding "../" never
# put a file outside the output folder; a header claiming 12000 x 12000 frames is refused by the
# memory budget before decoding; --file-timeout and --file-memory stop files and the batch goes on.
# Usage: score_limits_paths_test.sh TENDO TEST_DATA_DIR
set -euo pipefail
tendo=$(realpath "$1") data=$(realpath "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
check="python3 $here/../reliability/check_outputs.py"
fail() { echo "FAIL: $*" >&2; exit 1; }
run_code() { local -n code_ref=$1; shift; set +e; "$@"; code_ref=$?; set -e; }

work=$(mktemp -d /tmp/tendo_score_paths.XXXXXX)
keep=1
trap '[[ $keep == 1 ]] && echo "evidence kept in $work" >&2 || rm -rf "$work"' EXIT
cd "$work"
mkdir -p box/in/a box/in/b box/in/c
# A scan with a tendon to measure (so that the SR export has something to write); copies of one
# content are analysed once.
"$tendo" phantom --out gen --seed 3 --stem scan > /dev/null
scan=$work/gen/scan.dcm
long=$(printf 'L%.0s' $(seq 1 240))
names=("a/IM1" "b/IM1" "c/IM1.dcm" "a/..dcm" "a/...dcm" "a/.hidden.dcm" "a/..\\..\\..\\escape.dcm"
       "a/C:\\temp\\evil.dcm" $'a/line\nbreak.dcm' 'a/trailing. .dcm ' 'a/x,"quoted".dcm' "a/-rf.dcm" "a/$long.dcm" "b/$long.dcm"
       "a/sp ace.dcm" "a/star*?<>|.dcm")
for name in "${names[@]}"; do cp "$scan" "box/in/$name"; done
# A patient id that looks like a path: it must not turn up as a file name anywhere.
cp "$scan" box/in/c/patient.dcm
dcmodify -nb -m "(0010,0020)=../../../evil_patient" box/in/c/patient.dcm
cp "$data/limits/huge_frames_claim.dcm" box/in/c/huge_frames_claim.dcm
inputs=$(find box/in -type f -printf x | wc -c) # names may hold line breaks
find box -path box/out -prune -o -print | LC_ALL=C sort > before.txt

run_code code "$tendo" score box/in --out box/out --masks --overlays --jobs 2 2> score.log
[[ $code == 1 ]] || fail "exit $code, expected 1 (the oversized file fails): $(tail -3 score.log)"
problems=$($check box/out) || fail "outputs damaged: $problems"
# Nothing outside box/out changed; nothing anywhere is named after the patient id.
find box -path box/out -prune -o -print | LC_ALL=C sort > after.txt
diff before.txt after.txt > /dev/null || fail "files appeared outside the output folder: $(diff before.txt after.txt)"
[[ -z $(find "$work" /tmp -maxdepth 3 -name '*evil_patient*' 2> /dev/null) ]] || fail "a file is named after the patient id"
# Only masks/ and overlays/ hold per-scan files, one plain name per scored input, all distinct.
scored=$(grep -vc '"status":"error"' box/out/results.jsonl)
[[ $scored == $((inputs - 1)) ]] || fail "$scored scored of $inputs"
for sub in masks overlays; do
  [[ $(find box/out/$sub -type f | wc -l) == "$scored" ]] || fail "$sub: $(find box/out/$sub -type f | wc -l) files for $scored scans"
  [[ -z $(find box/out/$sub -mindepth 1 -type d) ]] || fail "$sub has sub-folders"
  [[ -z $(find box/out/$sub -name '.*') ]] || fail "$sub has hidden files"
  [[ -z $(find box/out/$sub -name $'*\n*') ]] || fail "$sub has names with a line break"
  longest=$(find box/out/$sub -type f -printf '%f\n' | awk '{ print length($0) }' | sort -n | tail -1)
  [[ $longest -le 130 ]] || fail "$sub: a name of $longest characters"
done
[[ $(ls box/out) == $'errors.csv\nmasks\noverlays\nresults.csv\nresults.jsonl\nskipped.csv\ntendo.sqlite' ]] ||
  fail "unexpected files in the output folder: $(ls -A box/out)"
python3 - box/out <<'PY' || fail "results.csv mask/overlay paths leave the folder"
import csv, os, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "results.csv"), newline="")))
for row in rows:
    for column in ("mask", "overlay"):
        value = row[column]
        if row["status"] == "error":
            continue
        real = os.path.realpath(os.path.join(out, value))
        assert real.startswith(os.path.realpath(out) + "/" + column + "s/"), (column, value)
        assert os.path.isfile(real), value
PY
grep -q 'huge_frames_claim.dcm,.*12000 x 12000 pixels per frame), over the memory budget of 2048 MB' box/out/errors.csv ||
  fail "the oversized header is not reported by the memory budget: $(cat box/out/errors.csv)"

# DICOM SR export names its files the same safe way.
run_code code "$tendo" export-sr box/out --out box/sr 2> sr.log
[[ $code == 0 || $code == 1 ]] || fail "export-sr exit $code: $(tail -3 sr.log)"
find box -path box/out -prune -o -path box/sr -prune -o -print | LC_ALL=C sort > after_sr.txt
diff before.txt after_sr.txt > /dev/null || fail "export-sr wrote outside its folder: $(diff before.txt after_sr.txt)"
[[ -z $(find box/sr -name '.*' -o -name $'*\n*') ]] || fail "export-sr wrote hidden or broken names"

# Budgets: a cine over a tiny time budget and every file over a tiny memory budget are reported
# and skipped; the batch still finishes with every input accounted for.
mkdir -p budget
cp "$data/dicom-real/us_mf_palette_rle_regions_cx50.dcm" budget/cine.dcm
cp "$scan" budget/still.dcm
run_code code "$tendo" score budget --out budget_time --file-timeout 0.001 --jobs 1 2> time.log
[[ $code == 1 ]] || fail "--file-timeout: exit $code: $(tail -3 time.log)"
grep -q '^budget/cine.dcm,.*over the time budget of 0.001 s (--file-timeout)' budget_time/errors.csv ||
  fail "--file-timeout: the cine is not reported: $(cat budget_time/errors.csv)"
[[ $(wc -l < budget_time/results.jsonl) == 2 ]] || fail "--file-timeout: not every input has a result"
run_code code "$tendo" score budget --out budget_memory --file-memory 1 --jobs 1 2> memory.log
[[ $code == 1 ]] || fail "--file-memory: exit $code: $(tail -3 memory.log)"
[[ $(grep -c 'over the memory budget of 1 MB (--file-memory)' budget_memory/errors.csv) == 2 ]] ||
  fail "--file-memory: $(cat budget_memory/errors.csv)"
run_code code "$tendo" score budget --out budget_none --file-memory 0 --file-timeout 0 --jobs 1 2> none.log
[[ $code == 0 ]] || fail "no budgets: exit $code: $(tail -3 none.log)"

keep=0
echo "ok: $inputs hostile names scored inside the folder, oversized header and budgets reported"
