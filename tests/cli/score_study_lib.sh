# Shared by the tendo score command tests: builds a study folder like a PACS export.
# make_study MAKE_SET DATA_DIR STUDY_DIR: 200 synthetic scans in nested folders (some without an
# extension, some without the DICOM preamble), an SR, an encapsulated PDF, a presentation state, a
# DICOMDIR, three real scans under other names (one of them twice, same content), every malformed
# file of tests/data/dicom-bad, a PDF, a text file and a nested folder of copies.
make_study() {
  local make_set=$1 data=$2 study=$3
  "$make_set" "$study" 200
  mkdir -p "$study/real/nested/deeper" "$study/bad"
  cp "$data/dicom-real/us_mono_jpeg_lossless_regions_epiq.dcm" "$study/real/IMG_EPIQ"
  cp "$data/dicom-real/sc_rgb_jpeg_lossless.dcm" "$study/real/capture.dcm"
  cp "$data/dicom-real/us_mf_palette_rle_regions_cx50.dcm" "$study/real/nested/deeper/cx50_loop"
  cp "$data/dicom-real/sc_rgb_jpeg_lossless.dcm" "$study/real/nested/deeper/capture_copy"
  cp "$data"/dicom-bad/*.dcm "$study/bad/"
  printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%%%EOF\n' > "$study/real/referral.pdf"
  printf 'scanned on the GE, probe L12\n' > "$study/real/nested/notes.txt"
}

# json_files FILE: the "file" value of every line of a results.jsonl, one per line.
json_files() { sed -E 's/.*"file":"([^"]*)".*/\1/' "$1"; }

# csv_files FILE: the first column of a CSV without its header (paths here hold no commas).
csv_files() { tail -n +2 "$1" | cut -d, -f1; }

fail() { echo "FAIL: $*" >&2; exit 1; }
