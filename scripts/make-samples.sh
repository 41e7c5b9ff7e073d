#!/bin/sh
# Regenerates data/samples/followup/: a synthetic follow-up study made with `tendo phantom`.
# 2 patients x left/right x 3 visits over 6 months, longitudinal + transverse each visit. The
# tendinopathic side improves with rehabilitation (fewer vessels, smaller hypoechoic fraction,
# thickness almost unchanged); the other side stays healthy. Same seed per patient/side/view, so
# the anatomy is the same scan after scan and only the disease (and scanner settings) change.
#
# Usage: scripts/make-samples.sh [path/to/tendo]   (default: build/apps/tendo/tendo)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tendo=${1:-$root/build/apps/tendo/tendo}
out=$root/data/samples/followup
rm -rf "$out"
mkdir -p "$out"

dates="20260112 20260413 20260713"

# case PATIENT SIDE VIEW VISIT SEED [tendo phantom options...]
case_() {
    patient=$1 side=$2 view=$3 visit=$4 seed=$5
    shift 5
    date=$(echo $dates | cut -d' ' -f"$visit")
    stem="${patient}_${side}_v${visit}_${view}"
    "$tendo" phantom --out "$out" --seed "$seed" --stem "$stem" --patient-id "$patient" --study-date "$date" \
        --laterality "$side" --view "$view" --calcific-foci 0 --frames 1 --slope-deg 4 --curvature 0 \
        --calibration "${CAL:-regions}" "$@"
}

# Patient PHT-001: right side tendinopathic (improving), left healthy. Linear probe.
for v in 1 2 3; do
    hypo=$(echo "0.34 0.21 0.09" | cut -d' ' -f$v)
    vin=$(echo "6 3 1" | cut -d' ' -f$v)
    thick=$(echo "9.4 9.2 9.0" | cut -d' ' -f$v)
    gain=$(echo "0 2 -1" | cut -d' ' -f$v)
    case_ PHT-001 R longitudinal $v 1101 --thickness-mm "$thick" --hypoechoic-fraction "$hypo" --doppler colour \
        --vessels-in "$vin" --vessels-around 1 --vessels-away 1 --flow 1.2 --encoding jpeg_ybr422 \
        --geometry linear --frequency-mhz 11 --spacing-mm 0.07,0.07 --gain-db "$gain" --insertion left
    case_ PHT-001 R transverse $v 1102 --thickness-mm "$thick" --hypoechoic-fraction "$hypo" --doppler none \
        --encoding jpeg_ybr422 --geometry linear --frequency-mhz 11 --spacing-mm 0.07,0.07 --gain-db "$gain"
    case_ PHT-001 L longitudinal $v 1201 --thickness-mm 6.1 --hypoechoic-fraction 0 --doppler power \
        --vessels-in 0 --vessels-around 0 --vessels-away 1 --encoding jpeg_ybr422 --geometry linear \
        --spacing-mm 0.07,0.07 --gain-db "$gain" --insertion left
    CAL=pixel_spacing case_ PHT-001 L transverse $v 1202 --thickness-mm 6.1 --hypoechoic-fraction 0 --doppler none \
        --encoding mono2 --geometry linear --frequency-mhz 11 --spacing-mm 0.07,0.07 --gain-db "$gain" \
        --rows 480 --cols 640
done

# Patient PHT-002: left side tendinopathic (improving), right healthy. Curvilinear probe, one cine.
for v in 1 2 3; do
    hypo=$(echo "0.42 0.30 0.16" | cut -d' ' -f$v)
    vin=$(echo "8 5 2" | cut -d' ' -f$v)
    thick=$(echo "11.0 10.8 10.5" | cut -d' ' -f$v)
    frames=1
    [ "$v" = 1 ] && frames=8
    "$tendo" phantom --out "$out" --seed 2101 --stem "PHT-002_L_v${v}_longitudinal" --patient-id PHT-002 \
        --study-date "$(echo $dates | cut -d' ' -f$v)" --laterality L --view longitudinal --calcific-foci 1 \
        --frames "$frames" --slope-deg -6 --curvature 0.002 --calibration regions --thickness-mm "$thick" --hypoechoic-fraction "$hypo" \
        --doppler colour --vessels-in "$vin" --vessels-around 1 --vessels-away 0 --flow 1.5 \
        --encoding jpeg_ybr422 --geometry curvilinear --frequency-mhz 6 --spacing-mm 0.1,0.1 --insertion right
    case_ PHT-002 L transverse $v 2102 --thickness-mm "$thick" --hypoechoic-fraction "$hypo" --doppler colour \
        --vessels-in "$vin" --vessels-around 1 --encoding palette --geometry curvilinear --frequency-mhz 6 --spacing-mm 0.1,0.1
    case_ PHT-002 R longitudinal $v 2201 --thickness-mm 6.8 --hypoechoic-fraction 0 --doppler none \
        --encoding rle --geometry curvilinear --frequency-mhz 6 --spacing-mm 0.1,0.1 --insertion right \
        --rows 480 --cols 640
    case_ PHT-002 R transverse $v 2202 --thickness-mm 6.8 --hypoechoic-fraction 0 --doppler none \
        --encoding jpeg_ybr422 --geometry curvilinear --frequency-mhz 6 --spacing-mm 0.1,0.1
done
du -sh "$out"
