#pragma once

#include "tendo/imaging/scan.hpp"
#include "tendo/imaging/scan_info.hpp"
#include "tendo/scoring/batch.hpp"

#include <cstdint>
#include <optional>

// Per-file resource budgets of batch scoring (`tendo score --file-timeout / --file-memory`):
// one hostile or oversized file is reported and skipped instead of stalling or exhausting a batch.
namespace tendo::scoring {

struct FileLimits {
    /// Wall-clock seconds one file may take; 0 = no limit. Checked between frames: the frame
    /// being analysed when the budget runs out is finished, then the file is given up.
    double timeout_s = 600.0;
    /// Megabytes the analysis of one file may need at its peak, estimated from the pixel
    /// description before any frame is decoded; 0 = no limit.
    std::uint64_t memory_mb = 2048;
};

/// Peak memory the analysis of one scan needs, in bytes, from its header alone: the decoded
/// frame (8-bit BGR), the decoder's buffer and the analysis' working images (about 16 bytes per
/// pixel, measured on the bundled samples), for one frame at a time (frames are decoded one by
/// one). The compressed file itself is not counted: large values stay on disk.
std::uint64_t estimated_analysis_bytes(const ScanInfo& info);

/// Wraps `analyzer` with `limits`: before any pixel is decoded, a file whose estimate exceeds
/// the memory budget gets an error result naming both figures; a file still being analysed when
/// its time budget runs out is stopped at the next frame and gets an error result. Other files
/// are untouched: the wrapped analyzer's result is returned as is. The header is read once more
/// for the estimate (Scan::open without decoding, with `open_options`); a file that cannot be
/// opened goes to `analyzer`, which reports why.
FileAnalyzer limit_file_analyzer(FileAnalyzer analyzer, const FileLimits& limits,
                                 const OpenOptions& open_options);

} // namespace tendo::scoring
