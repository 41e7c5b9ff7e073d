#!/usr/bin/env python3
"""Where the segmented borders lie against the phantom's true ones, column by column.

Reads folders written by `tendo evaluate --seed S --n N --out DIR` (cases.jsonl, case_NNNN.mask.png,
case_NNNN.truth.png) and prints medians and quartiles, in mm:
  longitudinal (cases with Dice >= 0.9): bottom and top offsets within 8 mm of the insertion and
    over the middle 100 columns, and how far the mask's tip stops short of the true tip;
  transverse (Dice >= 0.8): top and bottom offsets over the middle half of the width.
Positive means: top above the true top, bottom above the true bottom, tip short of the true tip.

Usage: border_offsets.py DIR [DIR...]
"""
import json
import sys
from pathlib import Path

import cv2
import numpy as np


def rows_of(mask, x):
    ys = np.flatnonzero(mask[:, x])
    return (ys[0], ys[-1]) if ys.size else None


def longitudinal(case, truth, mask, spacing, out):
    cols = np.flatnonzero(truth.any(axis=0))
    mask_cols = np.flatnonzero(mask.any(axis=0))
    if mask_cols.size == 0:
        return
    left = case["spec"].get("insertion_on_left", True)
    tip = cols[0] if left else cols[-1]
    mask_tip = mask_cols[0] if left else mask_cols[-1]
    out["tip short"].append((mask_tip - tip if left else tip - mask_tip) * spacing)
    span = int(8.0 / spacing)
    near = range(tip, tip + span) if left else range(tip - span + 1, tip + 1)
    middle = range((cols[0] + cols[-1]) // 2 - 50, (cols[0] + cols[-1]) // 2 + 50)
    for name, columns in (("insertion 8 mm", near), ("middle", middle)):
        for x in columns:
            if not 0 <= x < truth.shape[1]:
                continue
            t, m = rows_of(truth, x), rows_of(mask, x)
            if t and m:
                out[f"{name}: top high"].append((t[0] - m[0]) * spacing)
                out[f"{name}: bottom high"].append((t[1] - m[1]) * spacing)


def transverse(truth, mask, spacing, out):
    cols = np.flatnonzero(truth.any(axis=0))
    quarter = (cols[-1] - cols[0]) // 4
    for x in range(cols[0] + quarter, cols[-1] - quarter):
        t, m = rows_of(truth, x), rows_of(mask, x)
        if t and m:
            out["transverse: top high"].append((t[0] - m[0]) * spacing)
            out["transverse: bottom high"].append((t[1] - m[1]) * spacing)


def main(dirs):
    out = {}
    for name in ("tip short", "insertion 8 mm: top high", "insertion 8 mm: bottom high", "middle: top high",
                 "middle: bottom high", "transverse: top high", "transverse: bottom high"):
        out[name] = []
    for d in map(Path, dirs):
        for line in (d / "cases.jsonl").read_text().splitlines():
            case = json.loads(line)
            view = case["truth"]["view"]
            dice = case.get("dice") or 0.0
            if view not in ("longitudinal", "transverse") or dice < (0.9 if view == "longitudinal" else 0.8):
                continue
            truth = cv2.imread(str(d / f"{case['case']}.truth.png"), cv2.IMREAD_GRAYSCALE) > 0
            mask = cv2.imread(str(d / f"{case['case']}.mask.png"), cv2.IMREAD_GRAYSCALE) > 0
            spacing = case["spec"]["spacing_mm"][1]
            if view == "longitudinal":
                longitudinal(case, truth, mask, spacing, out)
            else:
                transverse(truth, mask, spacing, out)
    for name, values in out.items():
        if values:
            q1, med, q3 = np.percentile(values, [25, 50, 75])
            print(f"{name:30} n={len(values):6}  median {med:+.3f} mm  (IQR {q1:+.3f} to {q3:+.3f})")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
