#pragma once

#include "tendo/imaging/scan_info.hpp"
#include "tendo/scoring/analysis.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Corrections a user made to a tendon mask, stored beside the scan in `<file>.tendo.json` (the
// "sidecar"). The DICOM file is never modified. The viewer writes sidecars; `tendo score` and
// `tendo analyze` apply them when present. docs/viewer.md describes the format.
//
// Coordinates are continuous pixel coordinates of the displayed frame: pixel (col, row) covers
// [col, col + 1) x [row, row + 1), its centre is (col + 0.5, row + 0.5); cv::Point2d is x = col,
// y = row.
namespace tendo::scoring {

/// One edit of the mask. Edits apply in order, each to the result of the previous one.
struct MaskEdit {
    enum class Kind {
        /// Sets to tendon every pixel whose centre is within `radius_px` of the stroke `points`
        /// (the polyline through them; a single point paints a disc).
        paint,
        /// Like paint, but sets the pixels to not-tendon.
        erase,
        /// Replaces the whole mask by the closed polygon `points` (the outline after the user
        /// dragged its control points): pixels whose centre is inside the polygon or less
        /// than 0.5 px from its boundary (a polygon along pixel edges adds no extra row).
        outline,
    };
    Kind kind = Kind::paint;
    /// Brush radius in pixels (paint and erase).
    double radius_px = 0.0;
    std::vector<cv::Point2d> points;

    bool operator==(const MaskEdit&) const = default;
};

std::string to_string(MaskEdit::Kind kind);

/// Everything a sidecar holds.
struct Corrections {
    /// Identity of the scan the edits were made on, checked before applying them.
    std::optional<std::string> sop_instance_uid;
    int rows = 0;
    int cols = 0;
    /// The analysed frame the edits apply to (0-based).
    int frame = 0;
    std::vector<MaskEdit> edits;

    bool operator==(const Corrections&) const = default;
};

/// Current format version written by write_sidecar.
inline constexpr int kSidecarVersion = 1;

/// `<scan_file>.tendo.json`: the scan's full file name with ".tendo.json" appended.
std::filesystem::path sidecar_path(const std::filesystem::path& scan_file);

nlohmann::json to_json(const Corrections& corrections);
/// Parses a sidecar object. Throws tendo::Error "<source>: <reason>" when it is malformed or has an
/// unknown version.
Corrections corrections_from_json(const nlohmann::json& object, const std::string& source);

/// Reads the sidecar of `scan_file`: nullopt when there is none; throws tendo::Error naming the
/// sidecar when it exists but cannot be read or parsed.
std::optional<Corrections> read_sidecar(const std::filesystem::path& scan_file);

/// Writes the sidecar of `scan_file` atomically (temporary file, then rename). An empty edit list
/// removes the sidecar instead. Throws tendo::Error naming the sidecar on failure.
void write_sidecar(const std::filesystem::path& scan_file, const Corrections& corrections);

/// Throws tendo::Error "<sidecar>: made for another scan (...)" when `corrections` were not made
/// on the scan described by `info` (frame size or SOP instance UID differ, frame out of range).
void check_corrections_match(const Corrections& corrections, const ScanInfo& info);

/// Applies `edits` in order to `mask` (CV_8UC1, non-zero = tendon) and returns the new mask
/// (CV_8UC1, 255 = tendon, 0 elsewhere). The input is not modified.
cv::Mat apply_edits(const cv::Mat& mask, const std::vector<MaskEdit>& edits);

/// Control points of the mask's outline for editing: the outer boundary of its largest connected
/// part, through boundary pixel centres, simplified so that no boundary pixel is further than
/// `tolerance_px` from the polygon. Empty when the mask is empty.
std::vector<cv::Point2d> outline_control_points(const cv::Mat& mask, double tolerance_px = 1.5);

/// The analysis with the user's corrections applied: apply_edits() on the analysed frame's mask,
/// then remeasure() (whose result carries a warning that the mask was edited by hand, so a corrected
/// number is never mistaken for an automatic one). No edits: `analysis` unchanged. Throws tendo::Error naming
/// the sidecar of `scan_file` when the corrections were made on another frame than the analysed one.
ScanAnalysis apply_corrections(const ScanAnalysis& analysis, const Corrections& corrections,
                               const std::filesystem::path& scan_file);

} // namespace tendo::scoring
