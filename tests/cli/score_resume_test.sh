#!/usr/bin/env bash
# tendo score on a 200+ file study: every input lands in results.jsonl or skipped.csv exactly once,
# errors.csv lists exactly the failed ones, and a run killed with SIGKILL (twice, at different
# points) and then resumed gives the same bytes as an uninterrupted run, with no leftovers.
# Usage: score_resume_test.sh TENDO MAKE_BATCH_SET TEST_DATA_DIR
set -euo pipefail
tendo=$1 make_set=$2 data=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/score_study_lib.sh"
command -v sqlite3 > /dev/null || fail "sqlite3 not installed (scripts/setup.sh installs it)"

work=$(mktemp -d /tmp/tendo_score_resume.XXXXXX)
keep=0
trap '[[ $keep == 1 ]] && echo "evidence kept in $work" >&2 || rm -rf "$work"' EXIT
cd "$work"
make_study "$make_set" "$data" study
total=$(find study -type f | wc -l)
[[ $total -ge 200 ]] || fail "study has only $total files"

# 1. An uninterrupted run.
set +e
"$tendo" score study --out whole --jobs 2 --masks 2> whole.log
code=$?
set -e
keep=1
[[ $code == 1 ]] || fail "exit code $code, expected 1 (the bad files fail): $(tail -3 whole.log)"
grep -q '^scored .* files' whole.log || fail "no summary line on stderr"
grep -q $'\r' whole.log && fail "progress bar drawn although stderr is not a terminal"

# Every input exactly once in results.jsonl or skipped.csv.
find study -type f | LC_ALL=C sort > expected.txt
{ json_files whole/results.jsonl; csv_files whole/skipped.csv; } | LC_ALL=C sort > seen.txt
diff expected.txt seen.txt > /dev/null || fail "inputs and outputs differ: $(diff expected.txt seen.txt | head -5)"
[[ -z $(LC_ALL=C sort seen.txt | uniq -d) ]] || fail "an input is listed twice"
# errors.csv lists exactly the results with status error.
grep '"status":"error"' whole/results.jsonl | sed -E 's/.*"file":"([^"]*)".*/\1/' | LC_ALL=C sort > failed.txt
csv_files whole/errors.csv | LC_ALL=C sort > errors.txt
diff failed.txt errors.txt > /dev/null || fail "errors.csv does not match the failed results"
[[ $(wc -l < failed.txt) -ge 11 ]] || fail "expected every dicom-bad file but bad_region.dcm to fail, got $(wc -l < failed.txt)"
grep -q '^study/bad/bad_region.dcm$' failed.txt && fail "bad_region.dcm must load (invalid region ignored)"
# Skipped: the non-image objects, the DICOMDIR, the PDF and the text file; not the bad .dcm files.
for f in study/DICOMDIR study/reports/report_sr.dcm study/reports/report_pdf study/reports/annotation_pr.dcm \
         study/real/referral.pdf study/real/nested/notes.txt; do
  grep -q "^$f," whole/skipped.csv || fail "$f not skipped"
done
[[ $(csv_files whole/skipped.csv | wc -l) == 6 ]] || fail "unexpected skips: $(cat whole/skipped.csv)"
# Results in listing order (byte order of paths within the folder).
json_files whole/results.jsonl > order.txt
LC_ALL=C sort -c order.txt || fail "results.jsonl is not in input order"
# One mask per scored (non-error) scan.
scored=$(grep -vc '"status":"error"' whole/results.jsonl)
[[ $(find whole/masks -name '*.png' | wc -l) == "$scored" ]] || fail "mask count differs from scored count"

# 2. A run killed with SIGKILL twice, then resumed.
count_done() { sqlite3 "file:killed/tendo.sqlite?mode=ro" "SELECT count(*) FROM inputs WHERE outcome != 'pending'" 2> /dev/null || echo 0; }
run_and_kill() { # $1: kill once this many inputs are done; extra args to tendo score
  local at=$1; shift
  "$tendo" score study --out killed --jobs 2 --masks "$@" 2> /dev/null &
  local pid=$!
  # The run is stopped while the store is read: it cannot run on past the mark between the read
  # and the kill, however fast scoring is or however slow the machine.
  for _ in $(seq 1 3000); do
    sleep 0.02
    kill -STOP "$pid" 2> /dev/null || break
    [[ $(count_done) -ge $at ]] && break
    kill -CONT "$pid" 2> /dev/null || break
  done
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}
run_and_kill $((total / 3))
first=$(count_done)
[[ $first -lt $total ]] || fail "first kill came too late"
set +e
"$tendo" score study --out killed --jobs 2 --masks 2> refused.log
code=$?
set -e
[[ $code == 2 ]] || fail "an interrupted folder must need --resume (exit $code)"
grep -q -- '--resume' refused.log || fail "the refusal does not mention --resume"
run_and_kill $((first + (total - first) / 2)) --resume
second=$(count_done)
[[ $second -gt $first && $second -lt $total ]] || fail "second kill not midway ($first then $second of $total)"
set +e
"$tendo" score study --out killed --jobs 2 --masks --resume 2> resumed.log
code=$?
set -e
[[ $code == 1 ]] || fail "resumed run exit code $code: $(tail -3 resumed.log)"
grep -q 'already in the store' resumed.log || fail "the resumed run re-analysed finished files"

for f in results.jsonl results.csv errors.csv skipped.csv; do
  cmp -s whole/$f killed/$f || fail "$f after kill -9 and resume differs from the uninterrupted run"
done
diff -r whole/masks killed/masks > /dev/null || fail "masks differ after kill -9 and resume"
[[ -z $(find killed -name '*.tmp.*') ]] || fail "temporary files left behind"
[[ $(sqlite3 killed/tendo.sqlite 'PRAGMA integrity_check') == ok ]] || fail "store corrupt"
[[ $(sqlite3 killed/tendo.sqlite "SELECT count(*) FROM inputs WHERE outcome = 'pending'") == 0 ]] || fail "pending inputs"

# 3. Another dataset into the same folder is refused; --force replaces it.
set +e
"$tendo" score study/real --out killed 2> /dev/null
code=$?
set -e
[[ $code == 2 ]] || fail "another dataset overwrote the folder (exit $code)"
cmp -s whole/results.jsonl killed/results.jsonl || fail "refused run changed the folder"

keep=0
echo "ok: $total inputs, killed at $first and $second, resumed to identical outputs"
