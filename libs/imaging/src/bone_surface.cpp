#include "segmentation_detail.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tendo {

namespace detail {

BoneSurface bone_surface_on(const cv::Mat& smooth, const cv::Mat& tissue_mask, const TissueLevels& levels,
                            double px_per_mm_y, const cv::Mat& imaged_extent) {
    BoneSurface bone;
    const int rows = smooth.rows;
    const int cols = smooth.cols;
    bone.row_per_col.assign(static_cast<std::size_t>(cols), -1);
    if (rows < 8 || cols < 8)
        return bone;

    const double level = std::max(1.0, levels.p99);
    const ColumnSums sums(smooth);
    const int gap = std::max(1, static_cast<int>(std::lround(0.6 * px_per_mm_y)));
    const int depth = std::max(gap + 2, static_cast<int>(std::lround(5.0 * px_per_mm_y)));

    // Score of "bright surface with shadow below" per pixel; a beam's bone is where it peaks.
    cv::Mat score(rows, cols, CV_32FC1, cv::Scalar(-1.0f));
    // A shadow is read down to the bottom of the imaged extent: the lit tissue itself ends where
    // a full-width shadow begins.
    const cv::Mat& extent = imaged_extent.empty() ? tissue_mask : imaged_extent;
    std::vector<int> tissue_bottom(static_cast<std::size_t>(cols), -1);
    for (int x = 0; x < cols; ++x)
        for (int y = rows - 1; y >= 0; --y)
            if (extent.at<unsigned char>(y, x)) {
                tissue_bottom[static_cast<std::size_t>(x)] = y;
                break;
            }
    // The tuberosity lies well below the skin (more than 6 mm deep); the skin line over dark fat
    // would otherwise look like a bone surface.
    std::vector<int> tissue_top(static_cast<std::size_t>(cols), rows);
    const int shallow = static_cast<int>(std::lround(6.0 * px_per_mm_y));
    for (int x = 0; x < cols; ++x)
        for (int y = 0; y < rows; ++y)
            if (tissue_mask.at<unsigned char>(y, x)) {
                tissue_top[static_cast<std::size_t>(x)] = y + shallow;
                break;
            }
    for (int y = 0; y < rows; ++y) {
        const float* s = smooth.ptr<float>(y);
        const unsigned char* m = tissue_mask.ptr<unsigned char>(y);
        float* out = score.ptr<float>(y);
        for (int x = 0; x < cols; ++x) {
            if (!m[x] || y < tissue_top[static_cast<std::size_t>(x)])
                continue;
            const int bottom = tissue_bottom[static_cast<std::size_t>(x)] + 1;
            const int y0 = y + gap;
            const int y1 = std::min(bottom, y + depth);
            if (y1 - y0 < std::max(2, depth / 5))
                continue; // too close to the bottom to see a shadow
            const double below = sums.mean(x, y0, y1);
            out[x] = static_cast<float>((s[x] - 2.0 * below) / level);
        }
    }

    // Longest-best path across beams: each column either continues the surface (moving at most
    // `step` rows) or starts it afresh; a column pays `lambda` so only bone-like beams join.
    const float lambda = 0.25f;
    const int step = 6;
    const float bend = 0.02f;
    cv::Mat acc(rows, cols, CV_32FC1, cv::Scalar(0));
    cv::Mat from(rows, cols, CV_32SC1, cv::Scalar(-1));
    float best = 0.0f;
    cv::Point best_at(-1, -1);
    for (int x = 0; x < cols; ++x) {
        for (int y = 0; y < rows; ++y) {
            const float sc = score.at<float>(y, x);
            if (sc <= -1.0f) {
                acc.at<float>(y, x) = -1e9f;
                continue;
            }
            float prev_best = 0.0f;
            int prev_row = -1;
            if (x > 0)
                for (int d = -step; d <= step; ++d) {
                    const int py = y + d;
                    if (py < 0 || py >= rows)
                        continue;
                    const float v = acc.at<float>(py, x - 1) - bend * static_cast<float>(std::abs(d));
                    if (v > prev_best) {
                        prev_best = v;
                        prev_row = py;
                    }
                }
            const float value = sc - lambda + prev_best;
            acc.at<float>(y, x) = value;
            from.at<int>(y, x) = prev_row;
            if (value > best) {
                best = value;
                best_at = cv::Point(x, y);
            }
        }
    }
    if (best_at.x < 0)
        return bone;
    std::vector<int> path_rows;
    int x = best_at.x;
    int y = best_at.y;
    double total = 0.0;
    int last = x;
    while (x >= 0 && y >= 0) {
        bone.row_per_col[static_cast<std::size_t>(x)] = y;
        total += score.at<float>(y, x);
        last = x;
        const int py = from.at<int>(y, x);
        y = py;
        --x;
    }
    bone.first_col = last;
    bone.last_col = best_at.x;
    const int length = bone.last_col - bone.first_col + 1;
    // Move each beam's peak up to the cortical surface: the strongest rise just above the peak.
    const int reach = std::max(1, static_cast<int>(std::lround(0.8 * px_per_mm_y)));
    for (int c = bone.first_col; c <= bone.last_col; ++c) {
        int& row = bone.row_per_col[static_cast<std::size_t>(c)];
        int best_row = row;
        float best_rise = 0.0f;
        for (int r = std::max(1, row - reach); r <= row; ++r) {
            const float rise = smooth.at<float>(r, c) - smooth.at<float>(r - 1, c);
            if (rise > best_rise) {
                best_rise = rise;
                best_row = r;
            }
        }
        row = best_row;
    }
    bone.strength = std::clamp(total / std::max(1, length), 0.0, 1.0);
    // A cortex is far brighter than the soft tissue and casts a shadow: compare the surface with
    // the median tissue level and with what lies below it, in absolute grey terms. A thickened
    // tendon can fill a third of the tissue and raise its median to near the cortex's half; a
    // surface among the brightest echoes (0.9 of the 99th percentile) over a shadow this dark (an
    // acoustic shadow, not merely darker tissue) is bone whatever the median. Not a dimmer line
    // over black: the noise at the bottom of a deep, high-gain image ends that way.
    constexpr double kDarkShadowFraction = 0.15;
    constexpr double kBrightestEchoFraction = 0.9;
    {
        const double tissue_median = levels.median;
        double surface = 0.0, below = 0.0;
        int n = 0;
        for (int c = bone.first_col; c <= bone.last_col; ++c) {
            const int r = bone.row_per_col[static_cast<std::size_t>(c)];
            const int peak = std::min(rows - 1, r + std::max(1, static_cast<int>(std::lround(0.2 * px_per_mm_y))));
            surface += smooth.at<float>(peak, c);
            below += sums.mean(c, std::min(rows, peak + gap), std::min(rows, peak + depth));
            ++n;
        }
        surface /= std::max(1, n);
        below /= std::max(1, n);
        const bool over_dark_shadow =
            below <= kDarkShadowFraction * surface && surface >= kBrightestEchoFraction * level;
        const bool far_brighter_than_tissue = surface >= 1.8 * tissue_median || over_dark_shadow;
        if (!far_brighter_than_tissue || surface < 0.7 * level || below > 0.5 * surface)
            bone.strength = 0.0;
    }
    if (length < 3 * std::max(1.0, px_per_mm_y) || bone.strength < 0.3) {
        // Too short or too weak to be the tuberosity.
        std::fill(bone.row_per_col.begin(), bone.row_per_col.end(), -1);
        bone.first_col = 0;
        bone.last_col = -1;
        bone.strength = 0.0;
    }
    return bone;
}

} // namespace detail

BoneSurface find_bone_surface(const cv::Mat& grey, const TissueArea& tissue) {
    cv::Mat g32;
    grey.convertTo(g32, CV_32F);
    cv::GaussianBlur(g32, g32, cv::Size(0, 0), 2.0);
    // Without spacing the bone finder assumes the typical spacing for its depth window.
    return detail::bone_surface_on(g32, tissue.mask, detail::tissue_levels(g32, tissue.mask), 1.0 / detail::kAssumedSpacingMm);
}

} // namespace tendo
