#!/usr/bin/env python3
"""Checks that a `tendo score` output folder holds nothing half-written: every results.jsonl line
parses as a result object, results.csv/errors.csv/skipped.csv are well-formed CSV with their
header, every PNG under masks/ and overlays/ decodes completely (chunk CRCs, zlib stream, size),
no temporary file is left, and tendo.sqlite passes PRAGMA integrity_check.
With --killed the folder is one a SIGKILL stopped: a killed process cannot remove the temporary
file it was writing ("<name>.tmp.<pid>"), so those are allowed (the next run removes them); every
other check still holds.
Usage: check_outputs.py [--killed] DIR. Prints one line per problem; exit 1 if any."""
import csv
import json
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import zlib


def png_problem(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    pos, idat, header, ended = 8, b"", None, False
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            return "chunk cut short"
        if zlib.crc32(kind + body) & 0xFFFFFFFF != struct.unpack(">I", crc)[0]:
            return "bad CRC in " + kind.decode("latin-1")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            ended = True
            break
        pos += 12 + length
    if not header or not ended:
        return "no IHDR or IEND"
    width, height, depth, colour = header[:4]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None or depth != 8:
        return "unexpected PNG format"
    try:
        raw = zlib.decompress(idat)
    except zlib.error as error:
        return "pixel data does not decompress: %s" % error
    if len(raw) != height * (1 + width * channels):
        return "pixel data size %d, expected %d" % (len(raw), height * (1 + width * channels))
    return None


def main(folder, killed=False):
    problems = []
    jsonl = os.path.join(folder, "results.jsonl")
    if os.path.exists(jsonl):
        with open(jsonl, "rb") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict) or "file" not in obj or "status" not in obj:
                        problems.append("results.jsonl line %d: not a result object" % number)
                except ValueError as error:
                    problems.append("results.jsonl line %d: %s" % (number, error))
    for name, first in (("results.csv", "file"), ("errors.csv", "file"), ("skipped.csv", "file")):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            rows = list(csv.reader(handle))
        if not rows or rows[0][0] != first:
            problems.append(name + ": no header")
            continue
        width = len(rows[0])
        for number, row in enumerate(rows[1:], 2):
            if len(row) != width:
                problems.append("%s line %d: %d cells, header has %d" % (name, number, len(row), width))
    for sub in ("masks", "overlays"):
        for root, _, files in os.walk(os.path.join(folder, sub)):
            for name in files:
                path = os.path.join(root, name)
                if killed and ".tmp." in name:
                    continue
                problem = png_problem(path) if name.endswith(".png") else "unexpected file"
                if problem:
                    problems.append("%s: %s" % (os.path.relpath(path, folder), problem))
    for root, _, files in os.walk(folder):
        for name in files:
            if ".tmp." in name and not killed:
                problems.append("temporary file left: " + os.path.relpath(os.path.join(root, name), folder))
    store = os.path.join(folder, "tendo.sqlite")
    if os.path.exists(store):
        # Checked on a copy (with its write-ahead log, as a reopening tendo would see it): the
        # folder itself is left exactly as the run left it.
        with tempfile.TemporaryDirectory() as scratch:
            for suffix in ("", "-wal"):
                if os.path.exists(store + suffix):
                    shutil.copyfile(store + suffix, os.path.join(scratch, "tendo.sqlite" + suffix))
            connection = sqlite3.connect(os.path.join(scratch, "tendo.sqlite"))
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            connection.close()
        if verdict != "ok":
            problems.append("tendo.sqlite: integrity_check says " + verdict)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    killed = "--killed" in arguments
    sys.exit(main([a for a in arguments if a != "--killed"][0], killed))
