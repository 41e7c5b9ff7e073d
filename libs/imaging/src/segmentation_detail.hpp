#pragma once

#include "tendo/imaging/segmentation.hpp"

#include <opencv2/core/mat.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>

// Helpers shared by the bone, texture and tendon finders. Private to tendo_imaging.
namespace tendo::detail {

/// Grey at or below this is the screen's black background beside the image (the tissue area is
/// found above it; colour on it is not flow).
inline constexpr int kBackgroundGrey = 8;

/// Sizes of structures are given in mm; without a calibration this spacing turns them into pixels
/// (it never reaches a measurement).
inline constexpr double kAssumedSpacingMm = 0.08;

/// Per-column cumulative sums of a CV_32FC1 image: mean over rows [y0, y1) of column x in O(1).
class ColumnSums {
public:
    explicit ColumnSums(const cv::Mat& image);
    double sum(int x, int y0, int y1) const {
        y0 = std::clamp(y0, 0, rows_);
        y1 = std::clamp(y1, 0, rows_);
        if (y1 <= y0)
            return 0.0;
        return column(x)[y1] - column(x)[y0];
    }
    double mean(int x, int y0, int y1) const { return y1 > y0 ? sum(x, y0, y1) / (y1 - y0) : 0.0; }
    /// Column x's rows + 1 running sums: the sum over rows [y0, y1) is `c[y1] - c[y0]`, unchecked.
    const double* column(int x) const { return &sums_[static_cast<std::size_t>(x) * static_cast<std::size_t>(rows_ + 1)]; }

private:
    int rows_ = 0;
    std::vector<double> sums_; // per column, rows + 1 running sums (columns are read down their length)
};

/// Grey levels of a smoothed image over its tissue, gathered once for the finders that compare
/// against them.
struct TissueLevels {
    double median = 0.0;
    double p98 = 0.0;
    double p99 = 0.0;
};
TissueLevels tissue_levels(const cv::Mat& smooth, const cv::Mat& tissue_mask);

/// Bone surface on a smoothed CV_32FC1 image with a CV_8UC1 tissue mask and its levels;
/// `px_per_mm_y` converts depths in mm to rows. Rows are the first row of bone (the cortical
/// surface).
BoneSurface bone_surface_on(const cv::Mat& smooth, const cv::Mat& tissue_mask, const TissueLevels& levels,
                            double px_per_mm_y, const cv::Mat& imaged_extent = {});

/// Value at the given percentile (0-100) of the CV_32FC1 image over the non-zero mask pixels.
double percentile(const cv::Mat& image, const cv::Mat& mask, double pct);
/// Value at the given percentile (0-100) of `values` (0 when empty). nth_element reorders them
/// but keeps the same set, so one gathering serves several calls.
double percentile_of(std::vector<float>& values, double pct);

/// Per pixel, the lower of the brightest values of `levels` (CV_32FC1) within `span_px` to its left
/// and within `span_px` to its right on its row (0 beyond the image).
cv::Mat brightest_on_both_sides(const cv::Mat& levels, int span_px);

/// How `enclosed_foci_filled` smooths a row's levels over about a millimetre before comparing them.
enum class RowSmoothing {
    /// From the non-zero `searched` pixels only: nothing beside the searched area spreads in.
    within_searched,
    /// Over the whole row, then cut to the searched pixels: what lies just beside the searched
    /// area (the cortex beside a bone) spreads about two millimetres into it.
    whole_row,
};

/// Each pixel raised to the lower of the brightest levels within `span_px` to its left and to its
/// right on its row (levels smoothed along the row over about a millimetre, `px_per_mm_x`, as
/// `smoothing` says; only non-zero `searched` pixels count as brighter tissue, so bone and the
/// view's edge never do): a dark stretch shorter than the span with brighter tissue at both ends
/// reads as that tissue.
cv::Mat enclosed_foci_filled(const cv::Mat& smooth, const cv::Mat& searched, int span_px, double px_per_mm_x,
                             RowSmoothing smoothing);

/// `enclosed_foci_filled` across the rows and down the columns at once, levels smoothed within the
/// searched area: a pixel is raised to the lower of the two readings, so only a dark patch with
/// brighter tissue on all four sides (within `span_x_px` along its row and `span_y_px` down its
/// column) reads as that tissue.
cv::Mat enclosed_foci_filled_2d(const cv::Mat& smooth, const cv::Mat& searched, int span_x_px, int span_y_px,
                                double px_per_mm_x, double px_per_mm_y);

/// Acoustic shadows of calcifications above the bone (CV_8UC1, 255 in shadow): the column below a
/// spot far brighter than the `searched` tissue (CV_8UC1) that is dark, and darker than the tissue
/// beside the spot, from just below the spot down to `limit` (one past the last searchable row
/// per column; `top` the first, -1 none): spots at most 8 mm wide, shadows at least 0.5 mm wide.
/// Columns are taken as beams (true of linear probes; a curvilinear probe's beams diverge by a
/// few degrees over a tendon's depth).
cv::Mat calcific_shadows(const cv::Mat& smooth, const std::vector<int>& top, const std::vector<int>& limit,
                         const cv::Mat& searched, const TissueLevels& levels, double px_per_mm_x,
                         double px_per_mm_y);
/// `smooth` with each row's run of shadowed pixels replaced by the grey interpolated between the
/// unshadowed `searched` tissue either side of it (the tissue the shadow hides, as well as it can
/// be told).
cv::Mat shadows_filled(const cv::Mat& smooth, const cv::Mat& shadow, const cv::Mat& searched, double px_per_mm_x);

/// The imaged part of the tissue area (CV_8UC1, frame-sized): `tissue_mask` within each row's lit
/// span of `grey` (lightly smoothed, from the first to the last pixel reaching 3), the span's ends
/// straightened over 25 rows. A region's rectangle or an area found through a closing reaches past
/// a fan's edge and into the black before a ruler, where the black would read as hypoechoic
/// tendon; dark speckle and shadows inside the image stay.
cv::Mat imaged_area(const cv::Mat& tissue_mask, const cv::Mat& grey);

/// Whether the edge of the `imaged` area (`imaged_area`) cuts what is measured of the tendon
/// `mask`: a cross-section meeting any edge (its area and width are cut), a band meeting the top
/// or the bottom (its thickness is cut). A band running on past the view's side is the usual
/// longitudinal view, not a cut; nor is an edge along the `bone_surface` (frame points), where
/// the bone's black shadow ends a row.
bool measurement_cut_by_view(const cv::Mat& mask, const cv::Mat& imaged, const std::vector<cv::Point>& bone_surface,
                             View view);

/// Structure tensor components (CV_32FC1 each), smoothed with a Gaussian of `sigma_px`.
struct StructureTensor {
    cv::Mat jxx, jyy, jxy;
};
StructureTensor structure_tensor(const cv::Mat& image32, double sigma_px);
/// Coherence (0-1) from the tensor.
cv::Mat coherence_of(const StructureTensor& tensor);
/// How much the local structure runs horizontally (-1 vertical .. 1 horizontal).
cv::Mat horizontal_alignment_of(const StructureTensor& tensor);

} // namespace tendo::detail
