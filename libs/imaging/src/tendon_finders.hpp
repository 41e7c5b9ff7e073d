#pragma once

#include "segmentation_detail.hpp"

#include <opencv2/core/mat.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <vector>

// The tendon finders' shared types: the frame at the working resolution and what each finder
// returns. Private to tendo_imaging.
namespace tendo::detail {

/// Score of a place a path may not go.
inline constexpr float kNone = -1e9f;

/// Hypoechoic foci of tendinopathy are a few millimetres to about a centimetre long: a darker
/// stretch of a row shorter than this with brighter tissue at both ends is read as inside.
inline constexpr double kFocusSpanMm = 10.0;

/// The frame reduced to a working resolution, with everything needed to search it.
struct Work {
    double f = 1.0;          // work pixels per frame pixel
    double px_x = 12.5;      // work pixels per mm along a row
    double px_y = 12.5;      // work pixels per mm down a column
    cv::Mat grey;            // CV_32FC1, colour pixels filled from their grey neighbours
    cv::Mat tissue;          // CV_8UC1
    cv::Mat imaged;          // CV_8UC1, the tissue at least ~1.4 mm inside the imaged area
    std::vector<int> first_tissue; // first imaged tissue row per column (-1 none)
    std::vector<int> top;    // first searchable row per column, below the skin (-1 none)
    std::vector<int> limit;  // one past the last searchable row per column (bone or tissue bottom)
    TissueLevels levels;     // of the isotropically smoothed work image over `tissue`
    BoneSurface bone;
    bool calibrated = false; // the pixel spacing is known (otherwise sizes in mm are assumed)

    /// 255 where a pixel of `area` (work coordinates, inside the work image) is searchable: from
    /// its column's top to before its limit. `area`-sized, CV_8UC1.
    cv::Mat searched(const cv::Rect& area) const {
        cv::Mat out = cv::Mat::zeros(area.size(), CV_8UC1);
        for (int x = area.x; x < area.x + area.width; ++x) {
            const int y0 = std::max(area.y, top[static_cast<std::size_t>(x)]);
            const int y1 = std::min(area.y + area.height, limit[static_cast<std::size_t>(x)]);
            for (int y = y0; y < y1; ++y)
                out.at<unsigned char>(y - area.y, x - area.x) = 255;
        }
        return out;
    }
};

inline int mm_to_px(double mm, double px_per_mm) { return std::max(1, static_cast<int>(std::lround(mm * px_per_mm))); }

/// Frame coordinate of a work coordinate (pixel centres map to pixel centres).
inline double to_frame(double work, double f) { return (work + 0.5) / f - 0.5; }

struct LongCandidate {
    bool found = false;
    int x0 = 0, x1 = -1;
    std::vector<double> top_edge;    // work-row boundary (between rows) per column x0..x1
    std::vector<double> bottom_edge; // work-row boundary per column
    double contrast = 0.0;           // mean bar response along the path (0-1 of the level)
    double thickness_mm = 0.0;       // median
    double length_mm = 0.0;
    double alignment = 0.0;          // mean horizontal alignment inside the band
    double coherence = 0.0;
    double coverage = 0.0;           // fraction of the band's columns where it is clearly bright
};

struct TransCandidate {
    bool found = false;
    std::vector<cv::Point2d> contour; // work coordinates
    double contrast = 0.0;
    double width_mm = 0.0;
    double height_mm = 0.0;
    double coherence = 0.0;
    double alignment = 0.0;
    double lateral_contrast = 0.0;    // brighter than the tissue beside it at the same depth
    /// The chosen cross-section outlined again with its enclosed hypoechoic foci read as tendon
    /// (work coordinates; empty if not found): the outline to draw once the view is transverse.
    std::vector<cv::Point2d> foci_filled_contour;
};

/// Path of one border across columns [x0, x1]: maximises the summed score with at most one row
/// of change per column. `score` is rows x (x1 - x0 + 1), kNone where the border may not go.
std::vector<int> border_path(const cv::Mat& score, float bend);

/// Where a band that ran on past its insertion over the bone's crest really inserts. The band can
/// carry on from the tendon over the top of the bone beside it: a strip thinner than half the band
/// (the cortex's echo and the thin tissue over it) resting on the flat crest out to the band's end,
/// which would put the insertion at the strip's far end. Walking in from the insertion end
/// (`from_first`: `lc`'s first column) over columns thinner than half the band's median and on bone
/// within 1 mm of the end's, the insertion is the column where that run stops, if the run is at
/// least 5 mm long and the bone falls 1 mm below the crest within 3 mm further in (the crest's
/// edge). Returns the index into `lc`'s columns (the band is cut there: the strip is not tendon);
/// nothing where the band ends otherwise.
std::optional<int> crest_strip_end(const Work& w, const LongCandidate& lc, bool from_first);

/// The deep border's path as a thickness below the superficial border, per group of columns:
/// `score` is thickness (rows) x groups, kNone where the border may not go; `top_rows` the
/// superficial border's mean row per group (negative where it has none). The thickness changes by
/// at most one row a group, each row of change costing `bend`, with two exceptions: where the
/// superficial border moves by more than that between two groups (the view or a hypoechoic top
/// pushed it), the deep border may stay where it is instead of following it; and a thickness
/// marked in `pressed` (CV_8UC1, score's size: the deep border then rests on the edge of the
/// searched area, which cuts the tendon) may follow any greater one. Returns the thickness per
/// group, -1 where none is allowed.
std::vector<int> thickness_path(const cv::Mat& score, const std::vector<double>& top_rows, const cv::Mat& pressed,
                                float bend);

/// Raises `levels` (a copy of `smooth`, frame rows x columns) where a hypoechoic focus too long for
/// the row span of `enclosed_foci_filled` lies deep of a band's centre (lengthwise degeneration of a
/// thick tendon can run 20-40 mm, leaving bright tendon only over and under it): read along the
/// band (columns x0 .. x0 + n - 1, `centre` per frame column, `reach` rows either side), a darker
/// pixel with tendon-level tissue (at least `split`) on both sides along the band and under it in
/// its column counts as that level.
void fill_foci_along_band(cv::Mat& levels, const cv::Mat& smooth, const Work& w, const std::vector<int>& centre, int x0,
                          int n, int reach, double split);

/// The best band that ends at an insertion, with its superficial and deep borders; `smooth` is the
/// work image blurred along the fibres, `level` the bright tissue level.
LongCandidate find_longitudinal(const Work& w, const cv::Mat& smooth, const cv::Mat& alignment,
                                const cv::Mat& coherence, double level);

/// Whether a cross-section's outline (work coordinates) lies in `imaged` (CV_8UC1): at most 5 % of
/// its points outside. One cut by the edge of the view cannot be told from a band or a patch of
/// muscle beside one.
bool outline_in_view(const std::vector<cv::Point2d>& outline, const cv::Mat& imaged);

/// An outline's points (work coordinates) rounded to the nearest pixel, as cv::fillPoly takes them.
std::vector<cv::Point> outline_pixels(const std::vector<cv::Point2d>& outline);

/// The best cross-section resting on the bone and darker at both sides, outlined when
/// `worth_outlining(contrast, lateral_contrast)` of its best box says so (otherwise `found` is false
/// and only the two contrasts are set); `seed` (work coordinates) restricts the search to boxes
/// around it.
TransCandidate find_transverse(const Work& w, const cv::Mat& smooth, const cv::Mat& alignment,
                               const cv::Mat& coherence, double level, const std::optional<cv::Point2d>& seed,
                               const std::function<bool(double contrast, double lateral_contrast)>& worth_outlining);

} // namespace tendo::detail
