#!/usr/bin/env bash
# tendo score --shard I/N on the same study, then tendo merge: the merged folder equals one
# unsharded run byte for byte (results.jsonl, results.csv, errors.csv, skipped.csv, masks), whatever
# the order the shard folders are given in; incomplete or mixed shard sets are refused (exit 2).
# Usage: score_shards_test.sh TENDO MAKE_BATCH_SET TEST_DATA_DIR
set -euo pipefail
tendo=$1 make_set=$2 data=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/score_study_lib.sh"

work=$(mktemp -d /tmp/tendo_score_shards.XXXXXX)
keep=1
trap '[[ $keep == 1 ]] && echo "evidence kept in $work" >&2 || rm -rf "$work"' EXIT
cd "$work"
make_study "$make_set" "$data" study
# Pseudonyms and masks go through the shards too.
opts=(--masks --pseudonymize "shard test key")

"$tendo" score study --out whole --jobs 2 "${opts[@]}" 2> whole.log || [[ $? == 1 ]] || fail "unsharded run failed"
for i in 1 2 3; do
  "$tendo" score study --out shard$i --shard $i/3 --jobs 2 "${opts[@]}" 2> shard$i.log || [[ $? == 1 ]] \
    || fail "shard $i failed: $(tail -2 shard$i.log)"
done
# The shards split the inputs without overlap.
cat shard{1,2,3}/results.jsonl | sort > shard_lines.txt
sort whole/results.jsonl > whole_lines.txt
cmp -s shard_lines.txt whole_lines.txt || fail "the shards' results are not a partition of the whole run"

"$tendo" merge shard3 shard1 shard2 --out merged 2> merge.log || [[ $? == 1 ]] || fail "merge failed: $(cat merge.log)"
for f in results.jsonl results.csv errors.csv skipped.csv; do
  cmp -s whole/$f merged/$f || fail "merged $f differs from the unsharded run"
done
diff -r whole/masks merged/masks > /dev/null || fail "merged masks differ"
grep -q 'PAT-' merged/results.jsonl && fail "a raw patient id in the merged results"

set +e
"$tendo" merge shard1 shard3 --out partial 2> partial.log
code=$?
set -e
[[ $code == 2 ]] && grep -q 'missing shard' partial.log || fail "an incomplete set of shards was merged (exit $code)"
"$tendo" score study/real --out other --shard 2/3 2> /dev/null || true
set +e
"$tendo" merge shard1 other shard3 --out mixed 2> /dev/null
code=$?
set -e
[[ $code == 2 ]] || fail "shards of different runs were merged (exit $code)"

keep=0
echo "ok: 3 shards merged = one run ($(wc -l < whole/results.jsonl) results)"
