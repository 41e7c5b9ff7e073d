#!/usr/bin/env bash
# tendo score under faults: a read-only output folder, a full disk (an injected ENOSPC, and a small
# tmpfs where mounting is allowed), SIGKILL while results and PNGs are being written, SIGINT, and
# inputs deleted or changed during the run. After each: nothing already written is corrupt
# (results.jsonl lines parse, CSVs are whole, PNGs decode, PRAGMA integrity_check is ok), and a
# resume finishes the job with the same bytes as an undisturbed run.
# Usage: score_faults_test.sh TENDO MAKE_BATCH_SET ENOSPC_SHIM
set -euo pipefail
tendo=$(realpath "$1") make_set=$(realpath "$2") shim=$(realpath "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
check="python3 $here/../reliability/check_outputs.py"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v sqlite3 > /dev/null || fail "sqlite3 not installed (scripts/setup.sh installs it)"
# Under AddressSanitizer the shim is preloaded ahead of the sanitizer runtime; that is intended.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

work=$(mktemp -d /tmp/tendo_score_faults.XXXXXX)
mounted=""
mounts=()
keep=1
cleanup() {
  [[ -n $mounted ]] && umount "$mounted" 2> /dev/null || true
  for m in "${mounts[@]}"; do umount "$m" 2> /dev/null || true; done
  if [[ $keep == 1 ]]; then echo "evidence kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
cd "$work"
# Frames large enough (400 x 500, 4 frames) that a run lasts a few seconds and can be disturbed.
"$make_set" study 60 400 500 4 1 > /dev/null
find study -type f | LC_ALL=C sort > all_files.txt

args=(score study --jobs 2 --masks --overlays)
# Runs tendo itself (never through a shell function in the background: $! must be tendo's pid).
score() { "$tendo" "${args[@]}" "$@"; }
count_done() { sqlite3 "file:$1/tendo.sqlite?mode=ro" "SELECT count(*) FROM inputs WHERE outcome != 'pending'" 2> /dev/null || echo 0; }
# wait_done DIR PID N: until N inputs of the run in DIR are done (or the run ended).
wait_done() {
  for _ in $(seq 1 2400); do
    kill -0 "$2" 2> /dev/null || return 1
    [[ $(count_done "$1") -ge $3 ]] && return 0
    sleep 0.05
  done
  return 1
}
expect_intact() { # DIR WHAT [--killed]
  local problems
  problems=$($check ${3:-} "$1") || fail "$2: outputs damaged: $problems"
}
expect_same_as_whole() { # DIR WHAT
  for f in results.jsonl results.csv errors.csv skipped.csv; do
    cmp -s whole/$f "$1/$f" || fail "$2: $f differs from the undisturbed run"
  done
  diff -r whole/masks "$1/masks" > /dev/null || fail "$2: masks differ from the undisturbed run"
  diff -r whole/overlays "$1/overlays" > /dev/null || fail "$2: overlays differ from the undisturbed run"
  [[ $(sqlite3 "$1/tendo.sqlite" "SELECT count(*) FROM inputs WHERE outcome = 'pending'") == 0 ]] ||
    fail "$2: pending inputs after the resume"
}
# run_code VAR COMMAND...: runs COMMAND, stores its exit code in VAR (set -e stays on).
run_code() { local -n code_ref=$1; shift; set +e; "$@"; code_ref=$?; set -e; }

# 0. The undisturbed run everything is compared with.
run_code code score --out whole 2> whole.log
[[ $code == 0 ]] || fail "undisturbed run: exit $code: $(tail -3 whole.log)"
expect_intact whole "undisturbed run"
total=$(wc -l < whole/results.jsonl)
[[ $total -ge 60 ]] || fail "undisturbed run scored only $total files"
echo "undisturbed run: $total results"

# 1. Read-only output folder: a read-only bind mount when mounting is allowed (even root cannot
# write there), else write permission taken away (as an unprivileged user when running as root).
mkdir readonly_empty
cp -a whole readonly_done
as_user=()
ro_how=""
if [[ $(id -u) == 0 ]] && mount --bind readonly_empty readonly_empty 2> /dev/null; then
  mounts+=("$work/readonly_empty")
  mount -o remount,bind,ro readonly_empty
  mount --bind readonly_done readonly_done
  mounts+=("$work/readonly_done")
  mount -o remount,bind,ro readonly_done
  ro_how="read-only bind mount"
else
  chmod -R a-w readonly_empty readonly_done
  ro_how="no write permission"
  if [[ $(id -u) == 0 ]]; then
    chmod 755 "$work"
    chmod -R a+rX study
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as_user[@]}" "$tendo" --version > /dev/null 2>&1 || ro_how=""
    ro_how=${ro_how:+$ro_how, as nobody}
  fi
fi
if [[ -n $ro_how ]]; then
  run_code code "${as_user[@]}" "$tendo" score study --jobs 2 --masks --overlays --out readonly_empty 2> ro1.log
  [[ $code == 1 || $code == 2 ]] || fail "read-only empty folder: exit $code (a crash?): $(tail -3 ro1.log)"
  grep -q 'readonly_empty' ro1.log || fail "read-only empty folder: the message does not name the folder: $(cat ro1.log)"
  [[ -z $(ls -A readonly_empty) ]] || fail "read-only empty folder: something was written"
  run_code code "${as_user[@]}" "$tendo" score study --jobs 2 --masks --overlays --out readonly_done 2> ro2.log
  [[ $code == 1 || $code == 2 ]] || fail "read-only finished folder: exit $code (a crash?): $(tail -3 ro2.log)"
  [[ -s ro2.log ]] || fail "read-only finished folder: no message"
  # Checked writable again (SQLite needs to create its shared-memory file to read a WAL store).
  for m in "${mounts[@]}"; do umount "$m"; done
  mounts=()
  chmod -R u+w readonly_empty readonly_done
  expect_intact readonly_done "read-only finished folder"
  expect_same_as_whole readonly_done "read-only finished folder"
  echo "read-only ($ro_how): refused with exit $code: $(head -1 ro2.log)"
else
  echo "read-only: not run (root, no mount rights, and nobody cannot run $tendo)"
fi

# 2a. Disk full, injected: writes below the folder fail with ENOSPC after 400 kB.
mkdir full
run_code code env LD_PRELOAD="$shim" TENDO_FAULT_DIR="$work/full" TENDO_FAULT_ENOSPC_AFTER=400000 \
  "$tendo" score study --jobs 2 --masks --overlays --out full 2> full.log
[[ $code == 1 || $code == 2 ]] || fail "disk full: exit $code (a crash?): $(tail -3 full.log)"
grep -qi 'no space\|cannot write\|disk' full.log || fail "disk full: no clear message: $(tail -3 full.log)"
expect_intact full "disk full"
run_code code score --out full --resume 2> full_resume.log
[[ $code == 0 ]] || fail "disk full, resumed: exit $code: $(tail -3 full_resume.log)"
expect_intact full "disk full, resumed"
expect_same_as_whole full "disk full, resumed"
echo "disk full (injected ENOSPC): $(grep -v '^scored' full.log | head -1); resumed to identical outputs"

# 2b. Disk full, real: a 300 kB tmpfs, then grown to let the resume finish (needs mount rights).
mkdir tmpfs_out
if mount -t tmpfs -o size=300k tmpfs tmpfs_out 2> /dev/null; then
  mounted=$work/tmpfs_out
  run_code code score --out tmpfs_out 2> tmpfs.log
  [[ $code == 1 || $code == 2 ]] || fail "full tmpfs: exit $code (a crash?): $(tail -3 tmpfs.log)"
  expect_intact tmpfs_out "full tmpfs"
  mount -o remount,size=64m tmpfs_out
  run_code code score --out tmpfs_out --resume 2> tmpfs_resume.log
  [[ $code == 0 ]] || fail "full tmpfs, resumed: exit $code: $(tail -3 tmpfs_resume.log)"
  expect_intact tmpfs_out "full tmpfs, resumed"
  expect_same_as_whole tmpfs_out "full tmpfs, resumed"
  echo "disk full (300 kB tmpfs): $(grep -v '^scored' tmpfs.log | head -1); resumed to identical outputs"
  umount tmpfs_out
  mounted=""
else
  echo "disk full (tmpfs): not run, mounting is not permitted here"
fi

# 3. SIGKILL at three points, the last while the outputs are being written; then a resume.
for at in $((total / 4)) $((total * 3 / 4)) $total; do
  resume=()
  [[ -e killed/tendo.sqlite ]] && resume=(--resume)
  "$tendo" "${args[@]}" --out killed "${resume[@]}" 2> /dev/null &
  pid=$!
  wait_done killed "$pid" "$at" || true
  if [[ $at == "$total" ]]; then
    # All stored: the run is writing results.* and the PNGs now.
    sleep 0.05
  fi
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  # A killed run cannot remove the temporary file it was writing; the resume below must.
  expect_intact killed "SIGKILL at $at" --killed
done
run_code code score --out killed --resume 2> killed_resume.log
[[ $code == 0 ]] || fail "SIGKILL, resumed: exit $code: $(tail -3 killed_resume.log)"
expect_intact killed "SIGKILL, resumed"
expect_same_as_whole killed "SIGKILL, resumed"
echo "SIGKILL x3 then resume: identical outputs"

# 4. SIGINT: a clean stop with a message and exit 1, resumable.
"$tendo" "${args[@]}" --out interrupted 2> interrupted.log &
pid=$!
wait_done interrupted "$pid" $((total / 3)) || fail "SIGINT: the run ended before it could be interrupted"
kill -INT "$pid"
run_code code wait "$pid"
[[ $code == 1 ]] || fail "SIGINT: exit $code, expected 1: $(tail -3 interrupted.log)"
grep -q '^interrupted: .*--resume' interrupted.log || fail "SIGINT: no message saying how to finish: $(tail -3 interrupted.log)"
done_at_stop=$(count_done interrupted)
[[ $done_at_stop -lt $total ]] || fail "SIGINT: the run did not stop"
expect_intact interrupted "SIGINT"
[[ $(wc -l < interrupted/results.jsonl) -le $done_at_stop ]] || fail "SIGINT: more results than done inputs"
run_code code score --out interrupted --resume 2> interrupted_resume.log
[[ $code == 0 ]] || fail "SIGINT, resumed: exit $code: $(tail -3 interrupted_resume.log)"
expect_same_as_whole interrupted "SIGINT, resumed"
echo "SIGINT: stopped after $done_at_stop of $total, $(grep '^interrupted' interrupted.log)"

# 5. Inputs deleted, truncated and replaced while the run goes on (one file at a time).
cp -a study changing
mapfile -t later < <(find changing -type f -name 'us_*.dcm' | LC_ALL=C sort | tail -3)
"$tendo" score changing --jobs 1 --masks --overlays --out changed 2> changed.log &
pid=$!
wait_done changed "$pid" 3 || fail "changing inputs: the run ended too early"
cp "${later[0]}" saved_0.dcm
cp "${later[1]}" saved_1.dcm
rm "${later[0]}"
head -c 1000 saved_1.dcm > "${later[1]}"
cp changing/"$(cd changing && find . -type f -name 'us_*.dcm' | LC_ALL=C sort | head -1)" "${later[2]}"
run_code code wait "$pid"
[[ $code == 1 ]] || fail "changing inputs: exit $code, expected 1: $(tail -3 changed.log)"
grep -q "^${later[0]}," changed/errors.csv || fail "deleted input not in errors.csv: $(cat changed/errors.csv)"
grep -q "^${later[1]}," changed/errors.csv || fail "truncated input not in errors.csv: $(cat changed/errors.csv)"
expect_intact changed "changing inputs"
[[ $(wc -l < changed/results.jsonl) == "$total" ]] || fail "changing inputs: not every input has a result"
reported=$(grep -c -v '^file,' changed/errors.csv || true)
# Put the files back: a re-run scores exactly those again and ends like the undisturbed run.
cp saved_0.dcm "${later[0]}"
cp saved_1.dcm "${later[1]}"
cp "study/${later[2]#changing/}" "${later[2]}"
run_code code "$tendo" score changing --jobs 1 --masks --overlays --out changed 2> changed_again.log
[[ $code == 0 ]] || fail "changing inputs, re-run: exit $code: $(tail -3 changed_again.log)"
expect_intact changed "changing inputs, re-run"
for f in results.jsonl results.csv; do
  sed 's#changing/#study/#g' changed/$f | cmp -s whole/$f - || fail "changing inputs, re-run: $f differs"
done
echo "inputs deleted/truncated/replaced mid-run: $reported in errors.csv, the rest scored; a re-run completes the job"

keep=0
echo "ok: every fault left intact outputs and a resume finished the job"
