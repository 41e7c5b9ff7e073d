#!/usr/bin/env bash
# Batch scoring speed and memory (issue: batch scoring). Prints a Markdown table.
#   files/s of `tendo score` on 100 phantom scans with --jobs 1 and --jobs 2 (fresh output folders),
#   the decode-only time of the same files (`tendo info --decode`), their ratio,
#   peak RSS of `tendo score --jobs 2` on a cine-heavy set (/usr/bin/time -v),
#   and a Python baseline (pydicom decode + OpenCV Otsu threshold, bench/python_baseline.py).
# Wall times depend on what else runs on the machine: the CPU seconds (user + sys) are given too.
# Usage: bench/score_throughput.sh TENDO [WORK_DIR]   (the baseline needs python3-pydicom and python3-opencv, and
#   python3-pil and python3-gdcm for pydicom to decode JPEG, JPEG lossless and JPEG-LS; scripts/setup.sh installs them)
set -euo pipefail
tendo=$(readlink -f "$1")
work=${2:-$(mktemp -d /tmp/tendo_score_bench.XXXXXX)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$work"
cd "$work"

# timed LABEL COMMAND...: runs COMMAND, appends "LABEL wall_s cpu_s max_rss_kb" to times.txt.
timed() {
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" -a -o times.txt "$@" > /dev/null 2> "$label.log" || [[ $? == 1 ]]
}
field() { awk -v l="$1" -v f="$2" '$1 == l {print $f}' times.txt | tail -1; }
cpu() { awk -v l="$1" '$1 == l {printf "%.2f", $3 + $4}' times.txt | tail -1; }

rm -f times.txt
[[ -d set100 ]] || "$tendo" phantom --out set100 --n 100 --seed 4242 > /dev/null
[[ -d cine ]] || "$tendo" phantom --out cine --n 4 --seed 4343 --frames 150 > /dev/null
files=(set100/*.dcm)
cine_files=(cine/*.dcm)
n=${#files[@]}

timed decode "$tendo" info --decode --json "${files[@]}"
rm -rf out1 out2 out_cine
timed jobs1 "$tendo" score "${files[@]}" --out out1 --jobs 1
timed jobs2 "$tendo" score "${files[@]}" --out out2 --jobs 2
timed cine "$tendo" score "${cine_files[@]}" --out out_cine --jobs 2
python=/usr/bin/python3
if "$python" -c 'import pydicom, cv2' 2> /dev/null; then
  timed python "$python" "$here/python_baseline.py" "${files[@]}"
fi

rate() { awk -v n="$n" -v s="$1" 'BEGIN {printf "%.1f", n / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cine_bytes=$(du -cb "${cine_files[@]}" | tail -1 | cut -f1)
cine_frames=$("$tendo" info --json "${cine_files[@]}" | sed -E 's/.*"frames":([0-9]+).*/\1/' | awk '{s += $1} END {print s}')
echo "| measure | value |"
echo "|---|---|"
echo "| files | $n phantom scans (tendo phantom --n 100 --seed 4242), $(du -sh set100 | cut -f1) |"
echo "| decode only (tendo info --decode) | $(field decode 2) s wall, $(cpu decode) s CPU |"
echo "| score --jobs 1 | $(field jobs1 2) s wall ($(rate "$(field jobs1 2)") files/s), $(cpu jobs1) s CPU |"
echo "| score --jobs 2 | $(field jobs2 2) s wall ($(rate "$(field jobs2 2)") files/s), $(cpu jobs2) s CPU |"
echo "| speed-up 2 jobs vs 1 (wall) | $(ratio "$(field jobs1 2)" "$(field jobs2 2)") |"
echo "| score --jobs 1 / decode only (wall) | $(ratio "$(field jobs1 2)" "$(field decode 2)") |"
echo "| score / decode only (CPU) | $(ratio "$(cpu jobs1)" "$(cpu decode)") |"
echo "| cine set | ${#cine_files[@]} loops, $cine_frames frames, $((cine_bytes / 1048576)) MB |"
echo "| peak RSS, score --jobs 2 on the cine set | $(($(field cine 5) / 1024)) MB ($(field cine 2) s wall) |"
if [[ -n $(field python 2) ]]; then
  echo "| Python pydicom + OpenCV threshold | $(field python 2) s wall ($(rate "$(field python 2)") files/s), $(cpu python) s CPU; $(tail -1 python.log) |"
  echo "| tendo score --jobs 1 / Python (wall) | $(ratio "$(field jobs1 2)" "$(field python 2)") |"
fi
echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; work dir $work"
