#!/usr/bin/env python3
"""Writes tests/data/limits/huge_frames_claim.dcm: a small JPEG cine (three 200 x 200 frames from
`tendo phantom --seed 5 --encoding jpeg_ybr422 --doppler colour --rows 200 --cols 200 --frames 3`)
whose header claims 12000 x 12000 pixels per frame. Every check of the loader passes (288 MB per
frame is under its 512 MB cap, each frame has its fragment); analysing it would need ~2.7 GB.
Usage: make_limits.py PHANTOM.dcm OUT.dcm

huge_capture.png (132 bytes) was written by hand: an IHDR claiming 18000 x 18000 RGB (972 MB, under
stb's own 1 GB header check), one compressed row, IEND; the loader must refuse it from the header."""
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1])
ds.Rows = 12000
ds.Columns = 12000
ds.save_as(sys.argv[2])
