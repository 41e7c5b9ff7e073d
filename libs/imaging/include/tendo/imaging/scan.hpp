#pragma once

#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/scan_info.hpp"
#include "tendo/imaging/spacing.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace tendo {

class Reporter;
class FrameSource;

/// How to open a scan.
struct OpenOptions {
    /// Spacing to use when the file carries none (`--spacing DX,DY`); never overrides the file.
    std::optional<Spacing> user_spacing_mm;
};

/// An opened ultrasound scan: DICOM (any supported transfer syntax and photometric) or a plain
/// PNG/JPEG screen capture. Metadata is read and checked on open; frames are decoded on demand,
/// one at a time, so a long cine never sits whole in memory.
///
/// Thread safety: frame() may be called from several threads; calls are serialised internally.
class Scan {
public:
    /// Opens and validates `path`. Throws DicomError (unreadable, malformed, truncated, pixel
    /// description inconsistent with the pixel data) or UnsupportedEncoding (transfer syntax,
    /// photometric or bit depth tendo cannot decode). Every message starts with the file name.
    /// Warnings (invalid regions, quirks) go to `reporter` and into info().warnings.
    static Scan open(const std::filesystem::path& path, const OpenOptions& options, Reporter& reporter);

    Scan(Scan&&) noexcept;
    Scan& operator=(Scan&&) noexcept;
    ~Scan();

    const ScanInfo& info() const { return info_; }
    int frame_count() const { return info_.frames; }

    /// Decodes frame `index` (0-based). Throws FrameIndexError for an index outside [0, frames),
    /// DicomError for corrupt compressed data (decoder warnings count as corruption: a partly
    /// decoded frame is never returned).
    Frame frame(int index) const;

private:
    Scan(ScanInfo info, std::unique_ptr<FrameSource> source);

    ScanInfo info_;
    std::unique_ptr<FrameSource> source_;
};

/// True when the file starts like DICOM: the "DICM" marker at offset 128, or (for old files
/// without a preamble) a plausible group-0002/0008 element at offset 0.
bool looks_like_dicom(const std::filesystem::path& path);

} // namespace tendo
