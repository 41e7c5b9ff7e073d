#!/usr/bin/env python3
"""Where the insertion is placed against the phantom's, and what that does to the thickness there.

Reads folders written by `tendo evaluate --seed S --n N --out DIR` (cases.jsonl, case_NNNN.mask.png,
case_NNNN.truth.png); only longitudinal tendons read longitudinal. Prints, in mm of the true spacing:
  insertion position: median distance from the placed insertion to the true one (the true
    centreline's insertion end), how many are more than 3 / 10 mm off, and the signed offsets of
    those within 10 mm: along the tendon (positive: towards its body) and in depth (positive: deeper);
  thickness at the reference point: its MAE by how far the insertion it is measured from is off;
  mask columns beyond the true tendon: cases with more than 2 mm at the insertion end / far end;
  thickness max over-reads >= 0.6 mm: at the mask's thickest column, whether the superficial
    border lies above the truth's or the deep one below, and how far that column is from the insertion.

Usage: insertion_errors.py DIR [DIR...]
"""
import json
import statistics
import sys
from pathlib import Path

import cv2
import numpy as np


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def thickness(block, key):
    return (block.get("thickness_mm") or {}).get(key)


def main(dirs):
    distances, along, depth, tref_by_offset = [], [], [], []
    beyond_insertion = beyond_far = longitudinal = 0
    over_reads = []
    for folder in map(Path, dirs):
        for line in open(folder / "cases.jsonl"):
            case = json.loads(line)
            if "spec" not in case or case["spec"]["view"] != "longitudinal" or case["result"]["view"] != "longitudinal":
                continue
            longitudinal += 1
            spec, truth, result = case["spec"], case["truth"], case["result"]
            dx, dy = truth["phantom"]["true_spacing_mm"]
            on_left = spec["insertion_on_left"]
            error = case.get("insertion_error_mm")
            if error is not None:
                distances.append(error)
                true_px = truth["phantom"]["true_mm"]["insertion_px"]
                found_px = case["insertion_px"]
                if error <= 10.0:
                    along.append((found_px[0] - true_px[0]) * dx * (1 if on_left else -1))
                    depth.append((found_px[1] - true_px[1]) * dy)
                read, true = thickness(result, "at_reference"), thickness(truth, "at_reference")
                if read is not None and true is not None:
                    tref_by_offset.append((error, abs(read - true)))

            true_mask = cv2.imread(str(folder / f"{case['case']}.truth.png"), cv2.IMREAD_GRAYSCALE) > 0
            mask = cv2.imread(str(folder / f"{case['case']}.mask.png"), cv2.IMREAD_GRAYSCALE) > 0
            true_cols, mask_cols = np.flatnonzero(true_mask.any(axis=0)), np.flatnonzero(mask.any(axis=0))
            if true_cols.size == 0 or mask_cols.size == 0:
                continue
            left_extra = max(0, true_cols[0] - mask_cols[0]) * dx
            right_extra = max(0, mask_cols[-1] - true_cols[-1]) * dx
            at_insertion, at_far_end = (left_extra, right_extra) if on_left else (right_extra, left_extra)
            beyond_insertion += at_insertion > 2.0
            beyond_far += at_far_end > 2.0

            read_max, true_max = thickness(result, "max"), thickness(truth, "max")
            if read_max is None or true_max is None or read_max - true_max < 0.6:
                continue
            both = np.flatnonzero(true_mask.any(axis=0) & mask.any(axis=0))
            x = both[np.argmax(mask[:, both].sum(axis=0))]
            mask_rows, true_rows = np.flatnonzero(mask[:, x]), np.flatnonzero(true_mask[:, x])
            top_above = (true_rows[0] - mask_rows[0]) * dy
            deep_below = (mask_rows[-1] - true_rows[-1]) * dy
            from_insertion = abs(x - (true_cols[0] if on_left else true_cols[-1])) * dx
            over_reads.append((read_max - true_max, f"{folder.name}#{case['case'][-2:]}", top_above, deep_below, from_insertion))

    print(f"longitudinal tendons read longitudinal: {longitudinal}; with both insertions in view: {len(distances)}")
    if distances:
        print(f"insertion position: median {statistics.median(distances):.2f} mm, "
              f"> 3 mm: {sum(d > 3 for d in distances)}, > 10 mm: {sum(d > 10 for d in distances)}")
    if along:
        print(f"  along the tendon: median {statistics.median(along):+.2f} mm (10-90 %: {quantile(along, 0.1):+.2f} to "
              f"{quantile(along, 0.9):+.2f}); depth: median {statistics.median(depth):+.2f} mm "
              f"({quantile(depth, 0.1):+.2f} to {quantile(depth, 0.9):+.2f})")
    for low, high in ((0, 1), (1, 3), (3, 10), (10, float("inf"))):
        errors = [e for d, e in tref_by_offset if low <= d < high]
        if errors:
            print(f"thickness at reference, insertion {low}-{high} mm off: {len(errors)} cases, MAE {statistics.mean(errors):.2f} mm")
    print(f"mask more than 2 mm beyond the true tendon: at the insertion end {beyond_insertion}, at the far end {beyond_far}")
    print(f"thickness max over-reads >= 0.6 mm: {len(over_reads)}")
    for excess, name, top_above, deep_below, from_insertion in sorted(over_reads, reverse=True):
        border = "superficial" if top_above > deep_below else "deep"
        print(f"  {name} +{excess:.2f} mm: {border} border ({top_above:+.2f} above / {deep_below:+.2f} below), "
              f"{from_insertion:.1f} mm from the true insertion")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
