#!/usr/bin/env python3
"""The simplest thing a researcher would write instead of tendo score: read each file with pydicom,
take the first frame, Otsu-threshold it with OpenCV and report the bright fraction. No
segmentation, no calibration, no Doppler: only a floor for the cost of decode + one image op.
Usage: python_baseline.py FILE...  (prints files, failures and seconds as one JSON line)"""
import json
import sys
import time

import cv2
import numpy as np
import pydicom


def score(path):
    dataset = pydicom.dcmread(path)
    pixels = dataset.pixel_array
    frames = int(getattr(dataset, "NumberOfFrames", 1) or 1)
    frame = pixels[0] if frames > 1 else pixels
    if frame.ndim == 3:
        if dataset.PhotometricInterpretation.startswith("YBR"):
            frame = pydicom.pixel_data_handlers.util.convert_color_space(frame, dataset.PhotometricInterpretation, "RGB")
        grey = cv2.cvtColor(frame.astype(np.uint8), cv2.COLOR_RGB2GRAY)
    else:
        grey = frame.astype(np.uint8)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(np.count_nonzero(mask)) / mask.size


def main():
    files = sys.argv[1:]
    failures = 0
    start = time.perf_counter()
    for path in files:
        try:
            score(path)
        except Exception as error:  # a baseline: count and go on, as a quick script would
            failures += 1
            print(f"{path}: {error}", file=sys.stderr)
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(files), "failures": failures, "seconds": round(seconds, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
