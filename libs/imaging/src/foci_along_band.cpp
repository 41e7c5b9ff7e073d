#include "tendon_finders.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace tendo::detail {

namespace {

/// How far along the band tendon-level tissue may lie on either side of a focus: a focus up to this
/// long is taken in whole, a longer one over its middle (the rest is left to the border paths).
constexpr double kSpanAlongBandMm = 30.0;
/// Tendon tissue is thicker than a bright line: levels are averaged over this much across the band
/// before they count as tendon, so a paratenon or a muscle septum alone does not enclose anything.
constexpr double kAcrossBandMm = 1.0;
/// A focus inside the tendon has tendon tissue under it within this depth; muscle has none.
constexpr double kTendonBelowMm = 4.0;
/// The blur of the cortex's echo over the last rows above the bone is not tendon.
constexpr double kAboveBoneMm = 1.5;

} // namespace

void fill_foci_along_band(cv::Mat& levels, const cv::Mat& smooth, const Work& w,
                          const std::vector<int>& centre, int x0, int n, int reach, double split) {
    const int rows = smooth.rows;
    const int depth = 2 * reach + 1;
    const cv::Mat searched = w.searched(cv::Rect(x0, 0, n, rows)); // the band's columns only
    // The band straightened: column i is the frame's column x0 + i shifted so that the band's
    // centre lies on row `reach`, and rows run along the band instead of along the image.
    auto frame_row = [&](int i, int r) { return centre[static_cast<std::size_t>(x0 + i)] - reach + r; };
    cv::Mat along(depth, n, CV_32FC1, cv::Scalar(0.0f));
    cv::Mat inside(depth, n, CV_8UC1, cv::Scalar(0));
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < depth; ++r) {
            const int y = frame_row(i, r);
            if (y < 0 || y >= rows)
                continue;
            along.at<float>(r, i) = smooth.at<float>(y, x0 + i);
            inside.at<unsigned char>(r, i) = searched.at<unsigned char>(y, i);
        }
    cv::Mat tendon_level;
    cv::GaussianBlur(along, tendon_level, cv::Size(0, 0), std::max(1.0, w.px_x), kAcrossBandMm * w.px_y);
    tendon_level.setTo(0.0f, inside == 0);
    tendon_level.setTo(0.0f, tendon_level < split);
    const cv::Mat enclosing = brightest_on_both_sides(tendon_level, mm_to_px(kSpanAlongBandMm, w.px_x));

    const int below_px = mm_to_px(kTendonBelowMm, w.px_y);
    const int above_bone_px = mm_to_px(kAboveBoneMm, w.px_y);
    for (int i = 0; i < n; ++i) {
        const int limit = w.limit[static_cast<std::size_t>(x0 + i)];
        int tendon_below = -1; // the nearest row at or below r holding tendon-level tissue
        for (int r = depth - 1; r >= reach; --r) {
            const int y = frame_row(i, r);
            const bool in_frame = y >= 0 && y < rows && inside.at<unsigned char>(r, i);
            if (in_frame && along.at<float>(r, i) >= split && y + above_bone_px < limit)
                tendon_below = r;
            if (!in_frame || tendon_below < 0 || tendon_below - r > below_px)
                continue;
            float& level = levels.at<float>(y, x0 + i);
            level = std::max(level, enclosing.at<float>(r, i));
        }
    }
}

} // namespace tendo::detail
