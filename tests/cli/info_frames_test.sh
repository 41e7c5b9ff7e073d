#!/usr/bin/env bash
# Command regression for `tendo info` and `tendo frames` on the real and malformed samples:
# exit codes, one stderr line per failure naming the file, JSON fields, frames as displayed.
# Usage: info_frames_test.sh TENDO_BINARY TEST_DATA_DIR
set -uo pipefail
tendo=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Every malformed file but the bad region: exit 1, exactly one stderr line "error: <file>: <reason>".
for file in "$data"/dicom-bad/*.dcm; do
  name=$(basename "$file")
  [[ $name == bad_region.dcm ]] && continue
  timeout 20 "$tendo" info --json "$file" > "$work/out" 2> "$work/err"
  code=$?
  [[ $code == 1 ]] || fail "$name: exit $code, expected 1"
  [[ $(wc -l < "$work/err") == 1 ]] || fail "$name: expected one stderr line, got: $(cat "$work/err")"
  grep -q "^error: $file: " "$work/err" || fail "$name: stderr does not name the file: $(cat "$work/err")"
  grep -q '"ok":false' "$work/out" || fail "$name: JSON does not say ok false"
done

# The bad region: loads, warns, and is uncalibrated (never a made-up spacing).
"$tendo" info --json "$data/dicom-bad/bad_region.dcm" > "$work/out" 2> "$work/err"
code=$?
[[ $code == 0 ]] || fail "bad_region.dcm: exit $code, expected 0"
grep -q "^warning: .*bad_region.dcm: ultrasound region 0 is invalid and ignored" "$work/err" || fail "bad_region.dcm: no warning"
grep -q '"spacing_mm":null' "$work/out" || fail "bad_region.dcm: spacing_mm is not null"
grep -q '"spacing_source":"none"' "$work/out" || fail "bad_region.dcm: spacing_source is not none"

# A batch with good and bad files: exit 1, the good ones still reported.
"$tendo" info --json "$data/dicom-real/us_rgb_rle_logiq700.dcm" "$data/dicom-bad/empty.dcm" \
  "$data/dicom-real/us_mono_jpeg_lossless_regions_epiq.dcm" > "$work/out" 2> "$work/err"
code=$?
[[ $code == 1 ]] || fail "mixed batch: exit $code, expected 1"
[[ $(grep -c '"ok":true' "$work/out") == 2 ]] || fail "mixed batch: the two good files are not both reported"

# Every real file: exit 0 with --decode (every frame decoded).
"$tendo" info --json --decode "$data"/dicom-real/*.dcm > "$work/out" 2> "$work/err"
code=$?
[[ $code == 0 ]] || fail "real files: exit $code: $(cat "$work/err")"
[[ $(grep -c '"ok":true' "$work/out") == $(ls "$data"/dicom-real/*.dcm | wc -l) ]] || fail "real files: not all ok"

# frames: the decoded frame as displayed, never overwriting without --force.
"$tendo" frames "$data/dicom-real/us_rgb_rle_logiq700.dcm" --frame 0 --out "$work/frame.png" || fail "frames: exit $?"
[[ -s "$work/frame.png" ]] || fail "frames: no PNG written"
cp "$work/frame.png" "$work/before.png"
"$tendo" frames "$data/dicom-real/us_mono_jpeg_lossless_regions_epiq.dcm" --out "$work/frame.png" 2> "$work/err"
code=$?
[[ $code == 2 ]] || fail "frames onto an existing file: exit $code, expected 2"
cmp -s "$work/frame.png" "$work/before.png" || fail "frames overwrote an existing file without --force"
"$tendo" frames "$data/dicom-real/us_mf_palette_rle_echo.dcm" --frame 10 --out "$work/f10.png" 2> "$work/err"
code=$?
[[ $code == 1 ]] || fail "frames past the last frame: exit $code, expected 1"
grep -q "out of range" "$work/err" || fail "frames past the last frame: $(cat "$work/err")"
[[ ! -e "$work/f10.png" ]] || fail "frames past the last frame wrote a file"

# Usage errors: exit 2.
"$tendo" info 2> /dev/null; code=$?; [[ $code == 2 ]] || fail "info without files: exit $code, expected 2"
"$tendo" info --spacing 0,-1 "$data/dicom-real/us_rgb_rle_logiq700.dcm" > /dev/null 2>&1; code=$?
[[ $code == 2 ]] || fail "negative --spacing: exit $code, expected 2"
"$tendo" info --json --spacing 0.2,0.3 "$data/dicom-real/us_rgb_rle_logiq700.dcm" > "$work/out" 2> /dev/null
grep -q '"spacing_mm":\[0.2,0.3\],"spacing_source":"user"' "$work/out" || fail "--spacing not used for an uncalibrated file"

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "info/frames command checks passed"
