#pragma once

#include "tendo/imaging/spacing.hpp"
#include "tendo/imaging/ultrasound_region.hpp"
#include "tendo/imaging/view.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

// Finding things in one displayed frame: the tissue area, the Doppler colour, the bone surface and
// the tendon. Every coordinate is a pixel of the displayed frame; cv::Point is x = col, y = row.
// Every function takes const inputs and returns new Mats; none throws for unusual images (an image
// without a tendon gives View::none and a warning).
namespace tendo {

/// The part of the frame that shows tissue (measurements.md, "Regions of the frame").
struct TissueArea {
    /// CV_8UC1, frame-sized, 255 = tissue. Text, rulers, colour bars and body markers are 0.
    cv::Mat mask;
    /// Bounding rectangle of `mask`.
    cv::Rect bounds;
    /// True when the area came from the file's 2D tissue region rather than from the pixels.
    bool from_regions = false;
    /// True when the area found in the image is fan-shaped (curvilinear probe).
    bool fan = false;
};

/// The tissue area: the largest valid 2D tissue region when the file has one, else the largest
/// connected non-black area of the image (rectangle or fan), with thin text and ruler marks removed.
/// `pixels` is CV_8UC1 or CV_8UC3 (BGR).
TissueArea find_tissue_area(const cv::Mat& pixels, const std::vector<UltrasoundRegion>& regions);

/// Doppler colour separated from the grey image.
struct DopplerSeparation {
    /// CV_8UC1, frame-sized, 255 = colour pixel (measurements.md "Colour pixel"), only inside the
    /// tissue area. All zero for grey frames.
    cv::Mat colour_mask;
    /// CV_8UC1 grey (BT.601 luma) of the frame.
    cv::Mat grey;
    /// The colour-flow box from the file's regions or found in the image, if any.
    std::optional<cv::Rect> box;
    /// Number of colour pixels in `colour_mask`.
    int colour_pixels = 0;
    /// True when the frame shows Doppler colour (a colour-flow region, or colour clusters).
    bool doppler = false;
};

/// Chroma threshold of a colour pixel: max(|R-G|, |R-B|, |G-B|) must exceed this. JPEG YBR_422
/// smear on grey edges stays well below it.
inline constexpr int kColourChromaThreshold = 40;

/// Separates Doppler colour from grey. Rejects chroma smear on bright grey edges (chroma small
/// relative to the threshold, or a thin fringe along a strong luma edge), grey box outlines and
/// isolated flash specks (single pixels).
DopplerSeparation separate_doppler(const cv::Mat& pixels, const TissueArea& tissue,
                                   const std::vector<UltrasoundRegion>& regions);

/// The colour of `colour_mask` (CV_8UC1) that lies in the image: components whose surroundings
/// in `grey` are mostly lit, or that touch `tendon_mask` (may be empty; flow in the tendon may run
/// into a shadow). A colour bar drawn beside the image sits on the black screen, and an area found
/// in the image (without a colour-flow region) can take it in.
cv::Mat colour_in_image(const cv::Mat& colour_mask, const cv::Mat& grey, const cv::Mat& tendon_mask = {});

/// The cortical surface of the ischial tuberosity: a bright line with acoustic shadow below.
struct BoneSurface {
    /// Row of the surface per column of the frame, -1 where no bone was found.
    std::vector<int> row_per_col;
    /// Columns [first_col, last_col] where the surface was found; empty when first_col > last_col.
    int first_col = 0;
    int last_col = -1;
    /// 0-1: how clearly a bright line with shadow below was found.
    double strength = 0.0;

    bool found() const { return first_col <= last_col; }
};

/// Finds the bone surface by dynamic programming across columns (one row per beam), scoring
/// brightness at the surface and darkness (shadow) below it. `grey` CV_8UC1.
BoneSurface find_bone_surface(const cv::Mat& grey, const TissueArea& tissue);

/// Optional user hints (the viewer's correction tools, `--roi`).
struct SegmentationHints {
    /// Search the tendon only inside this rectangle.
    std::optional<cv::Rect> roi;
    /// A point inside the tendon.
    std::optional<cv::Point> seed;
};

/// The tendon found in one frame.
struct TendonSegmentation {
    View view = View::none;
    /// CV_8UC1, frame-sized, 255 = tendon; inside the tissue area and above the bone surface.
    cv::Mat mask;
    /// Longitudinal: superficial and deep borders, one point per column, left to right.
    std::vector<cv::Point> superficial_border;
    std::vector<cv::Point> deep_border;
    /// Transverse: the closed outline of the cross-section.
    std::vector<cv::Point> contour;
    /// The bone surface under the tendon (one point per column where found).
    std::vector<cv::Point> bone_surface;
    /// CV_8UC1, frame-sized, 255 where a calcification's acoustic shadow falls; empty when there
    /// is none. The grey there is not the tendon's own.
    cv::Mat calcific_shadow;
    /// CV_8UC1, frame-sized, 255 where the tissue area is imaged: within each row's lit span, the
    /// black beside a fan and marks drawn beside the image (a ruler, a focus arrow) left out. A
    /// measurement across the tendon that leaves it is cut by the view. Empty when the search
    /// outlined nothing (measurements then read the tissue area's edge instead).
    cv::Mat imaged;
    /// Where the tendon meets the bone (longitudinal), if in view.
    std::optional<cv::Point> insertion;
    /// 0-1: how much the segmentation can be trusted.
    double confidence = 0.0;
    /// Short lowercase sentences ("tendon partly out of view", "heavy shadow", ...).
    std::vector<std::string> warnings;
    /// The figures the view and confidence were decided from (name, value), for diagnostics.
    std::vector<std::pair<std::string, double>> features;
};

/// Finds the tendon in `grey` (CV_8UC1) within `tissue`, ignoring `colour_mask` pixels (CV_8UC1,
/// may be empty). `spacing_mm` lets sizes be given in mm (a typical spacing is assumed for sizes
/// only when it is absent; no measurement uses it).
TendonSegmentation segment_tendon(const cv::Mat& grey, const TissueArea& tissue, const cv::Mat& colour_mask,
                                  const std::optional<Spacing>& spacing_mm, const SegmentationHints& hints = {});

/// Fibre-orientation coherence from the structure tensor, per pixel (CV_32FC1, 0-1), with the
/// tensor smoothed over `sigma_px`.
cv::Mat fibre_coherence(const cv::Mat& grey, double sigma_px);

} // namespace tendo
