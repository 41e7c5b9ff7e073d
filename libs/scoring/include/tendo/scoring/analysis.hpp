#pragma once

#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/segmentation.hpp"
#include "tendo/imaging/spacing.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace tendo {
class Scan;
}

// From a loaded scan to the numbers of measurements.md. cv::Point is x = col, y = row of the
// displayed frame.
namespace tendo::scoring {

struct AnalysisOptions {
    /// Spacing when the file has none (`--spacing DX,DY`); never overrides the file's.
    std::optional<Spacing> user_spacing_mm;
    /// Distance from the bony insertion of `thickness_mm.at_reference` (`--reference-mm`).
    double reference_mm = 10.0;
    /// Search the tendon only inside this rectangle (`--roi X,Y,W,H`).
    std::optional<cv::Rect> roi;
    /// A point known to be inside the tendon (viewer correction).
    std::optional<cv::Point> seed;
};

/// Thickness line drawn on overlays: from `a` to `b` (pixels), `length_mm` long.
struct ThicknessLine {
    cv::Point2d a;
    cv::Point2d b;
    double length_mm = 0.0;
};

/// A counted vessel (measurements.md "Vessel").
struct Vessel {
    cv::Rect bounds;
    int pixels = 0;
    bool in_tendon = false;
};

/// Everything the analysis of one scan produced, for the CLI, batch scoring and the viewer.
struct ScanAnalysis {
    ScanResult result;
    /// The analysed frame (measurements.md "Cine loops").
    Frame frame;
    TendonSegmentation segmentation;
    TissueArea tissue;
    /// CV_8UC1, 255 = Doppler colour pixel in the tissue area.
    cv::Mat colour_mask;
    /// CV_8UC1 grey of the analysed frame.
    cv::Mat grey;
    /// CV_8UC1, 255 = scanner graphics (the Doppler box outline), left out of echogenicity.
    cv::Mat graphics_mask;
    std::optional<Spacing> spacing_mm;
    /// Centreline (longitudinal), pixel coordinates, every 0.2 mm of arc.
    std::vector<cv::Point2d> centreline;
    /// The thickest cross-section (max) and the one at the reference distance, when known.
    std::optional<ThicknessLine> max_line;
    std::optional<ThicknessLine> reference_line;
    /// Vessels counted (touching the mask or within 2 mm of it).
    std::vector<Vessel> vessels;
    /// The options the analysis ran with (remeasure reuses them).
    AnalysisOptions options;
};

/// Analyses a scan: picks the analysed frame, segments, measures. Fills result identity fields
/// from the scan's info. Throws tendo::Error only for frames that cannot be decoded.
ScanAnalysis analyze_scan(const Scan& scan, const AnalysisOptions& options, Reporter& reporter);

/// Analyses one already decoded frame (tests, benchmarks). `regions` are the file's ultrasound
/// regions (may be empty); `spacing_mm` nullopt means uncalibrated.
ScanAnalysis analyze_frame(const Frame& frame, const std::vector<UltrasoundRegion>& regions,
                           const std::optional<Spacing>& spacing_mm, const AnalysisOptions& options);

/// The thickness max of one frame of a loop and nothing else (the cine median's other frames):
/// the frame is segmented in `tissue`, the image area of the loop's analysed frame. nullopt when
/// no tendon is found or the scan is uncalibrated.
std::optional<double> cine_frame_thickness_max_mm(const Frame& frame, const TissueArea& tissue,
                                                  const std::vector<UltrasoundRegion>& regions,
                                                  const std::optional<Spacing>& spacing_mm, const AnalysisOptions& options);

/// Opens and analyses `path`. Never throws for bad input: an unreadable file gives
/// error_result(path, reason).
ScanResult analyze_file(const std::filesystem::path& path, const AnalysisOptions& options, Reporter& reporter);

/// Re-measures after the user edited the mask (CV_8UC1, frame-sized, non-zero = tendon). The view
/// stays as analysed unless it was none (then longitudinal is assumed when the mask is wider than
/// tall, else transverse). Borders, centreline and every number are recomputed from the mask.
ScanAnalysis remeasure(const ScanAnalysis& analysis, const cv::Mat& edited_mask);

/// The analysed frame (BGR) with the tendon outline, the thickness line(s), the counted vessels
/// and the main numbers drawn on it. CV_8UC3, frame-sized.
cv::Mat render_overlay(const ScanAnalysis& analysis);

} // namespace tendo::scoring
