#!/bin/sh
# Regression: every phantom encoding is a valid DICOM US object (dciodvfy prints no "Error" line).
# Usage: dciodvfy_check.sh TENDO_BINARY WORK_DIR
set -eu
tendo=$1
work=$2
if ! command -v dciodvfy >/dev/null 2>&1; then
    echo "dciodvfy not installed; skipped"
    exit 0
fi
rm -rf "$work"
mkdir -p "$work"
status=0
i=0
for spec in "rgb regions colour 1" "mono2 pixel_spacing none 1" "jpeg_ybr422 regions power 1" \
            "rle none none 1" "palette regions colour 3" "rgb regions colour 4"; do
    set -- $spec
    i=$((i + 1))
    stem="v${i}_$1_$2"
    "$tendo" phantom --out "$work" --seed $((100 + i)) --encoding "$1" --calibration "$2" --doppler "$3" \
        --frames "$4" --vessels-in 2 --rows 300 --cols 400 --spacing-mm 0.14,0.14 --stem "$stem"
    if dciodvfy "$work/$stem.dcm" 2>&1 | grep -E "^Error" >"$work/$stem.errors"; then
        echo "$stem.dcm: dciodvfy errors:"
        cat "$work/$stem.errors"
        status=1
    fi
done
# Same seed and options, same bytes (JPEG included).
"$tendo" phantom --out "$work/again" --seed 103 --encoding jpeg_ybr422 --calibration regions --doppler power \
    --frames 1 --vessels-in 2 --rows 300 --cols 400 --spacing-mm 0.14,0.14 --stem v3_jpeg_ybr422_regions
for ext in dcm truth.json mask.png vessels.png; do
    if ! cmp -s "$work/v3_jpeg_ybr422_regions.$ext" "$work/again/v3_jpeg_ybr422_regions.$ext"; then
        echo "v3_jpeg_ybr422_regions.$ext: differs between two runs with the same seed"
        status=1
    fi
done
[ $status -eq 0 ] && echo "all phantom encodings pass dciodvfy; output is deterministic"
exit $status
