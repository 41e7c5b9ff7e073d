#pragma once

#include "tendo/imaging/spacing.hpp"
#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <optional>
#include <vector>

// The measurement maths of measurements.md on a given mask, separate from finding the tendon so
// it can be checked against hand calculations. Masks are CV_8UC1 frame-sized, non-zero = inside;
// cv::Point is x = col, y = row.
namespace tendo::scoring {

/// Longitudinal thickness along the centreline.
struct ThicknessProfile {
    /// Centreline samples (pixels), every `step_mm` of arc from the start.
    std::vector<cv::Point2d> centreline;
    std::vector<double> arc_mm;
    /// Length of the mask along the normal at each sample (mm).
    std::vector<double> thickness_mm;
    /// True when the sample's whole cross-section lies inside the imaged tissue area.
    std::vector<bool> complete;
    /// The cross-section drawn for each sample.
    std::vector<ThicknessLine> lines;
};

/// Centreline = midline between the first and last mask row per column (largest component),
/// smoothed over ~1 mm; sampled every `step_mm` of arc (lengths use dx and dy). The normal is
/// perpendicular in mm, not in pixels. When `start_near` is given, the centreline starts at the end
/// nearer to it. A sample whose normal leaves the mask out of `imaged_mask` (the imaged tissue
/// area, `TendonSegmentation::imaged`; empty: the whole frame) is not complete. Empty profile for an
/// empty mask.
ThicknessProfile longitudinal_thickness(const cv::Mat& mask, const cv::Mat& imaged_mask, const Spacing& spacing_mm,
                                        std::optional<cv::Point> start_near = std::nullopt, double step_mm = 0.2);

/// Thickness at `reference_mm` of arc from the centreline point nearest to `insertion`, moving
/// away from it; nullopt when that position is outside the profile or not complete.
std::optional<double> thickness_at_reference(const ThicknessProfile& profile, const cv::Point& insertion,
                                             const Spacing& spacing_mm, double reference_mm);

/// Where a profile is thickest: the largest mean over the complete samples within
/// ±`half_window_mm` of arc of a complete sample, so that the borders' jitter (pixel stairs,
/// speckle) does not set the maximum; nullopt when no sample is complete. The default spans about
/// three lengths over which a segmented border's jitter stays correlated (~1.5 mm).
struct ProfileMax {
    std::size_t sample = 0; ///< the window's centre
    double thickness_mm = 0.0;
};
std::optional<ProfileMax> profile_max(const ThicknessProfile& profile, double half_window_mm = 2.0);

/// The column of a mask with the most mask pixels.
struct ApExtent {
    int column = -1; ///< -1 when the mask is empty (the leftmost on a tie)
    int pixels = 0;
    double mm = 0.0; ///< pixels × dy
};

/// Transverse: the maximum antero-posterior extent, the largest count of mask pixels in one
/// column times dy (mm), and where it is.
ApExtent max_ap_extent(const cv::Mat& mask, const Spacing& spacing_mm);

/// Mask pixels × dx × dy.
double area_mm2(const cv::Mat& mask, const Spacing& spacing_mm);

/// Echogenicity over the mask's grey pixels (not colour, not `overlay`, which may be empty).
/// `normalized` needs a spacing (its reference band is 1-6 mm above the superficial border). The
/// texture (hypoechoic fraction, coherence) leaves out `shadow` (CV_8UC1, may be empty), tissue
/// the beam hardly reaches.
Echogenicity measure_echogenicity(const cv::Mat& grey, const cv::Mat& mask, const cv::Mat& colour_mask,
                                  const cv::Mat& overlay, const cv::Mat& tissue_mask,
                                  const std::optional<Spacing>& spacing_mm, const cv::Mat& shadow = cv::Mat());

/// Vessels and Öhberg grade. `spacing_mm` sets the 2 mm neighbourhood; without it vessels inside or
/// touching the mask are counted, and a vessel apart from it leaves the count (and a grade that
/// would rest on it) null.
Neovascularity measure_neovascularity(const cv::Mat& colour_mask, const cv::Mat& mask, bool doppler,
                                      const std::optional<Spacing>& spacing_mm, std::vector<Vessel>* vessels = nullptr);

/// Modified Öhberg grade from the vessel counts (measurements.md).
int ohberg_grade(int vessel_count, int vessels_in_tendon);

} // namespace tendo::scoring
