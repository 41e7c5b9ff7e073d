#include "segmentation_detail.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace tendo::detail {

namespace {

/// Mean of the CV_32FC1 `values` over the non-zero `usable` (CV_8UC1) pixels of columns [x0, x1)
/// and rows [y0, y1), clipped to the image; a negative value when there are none.
double usable_mean(const cv::Mat& values, const cv::Mat& usable, int x0, int x1, int y0, int y1) {
    x0 = std::max(0, x0);
    x1 = std::min(values.cols, x1);
    double sum = 0.0;
    int n = 0;
    for (int y = std::max(0, y0); y < std::min(values.rows, y1); ++y) {
        const float* v = values.ptr<float>(y);
        const unsigned char* ok = usable.ptr<unsigned char>(y);
        for (int x = x0; x < x1; ++x)
            if (ok[x]) {
                sum += v[x];
                ++n;
            }
    }
    return n > 0 ? sum / n : -1.0;
}

} // namespace

cv::Mat calcific_shadows(const cv::Mat& smooth, const std::vector<int>& top, const std::vector<int>& limit,
                         const cv::Mat& searched, const TissueLevels& levels, double px_per_mm_x,
                         double px_per_mm_y) {
    CV_Assert(smooth.type() == CV_32FC1);
    // A calcification reflects about as much as the cortex, which holds the tissue's top
    // percentile: a spot 0.65 of the way from the searched tissue's mean to that level counts (at
    // the percentile itself, spots on images with much cortex in view were missed; half-way, the
    // bright rim of a hypoechoic tendon at low gain passed). Its shadow is darker than 0.65 of that
    // mean (partial shadows of small spots are about half of it) and than 0.75 of the tissue
    // beside the spot at the same depth.
    const double tissue_mean = cv::mean(smooth, searched)[0];
    const auto bright = static_cast<float>(tissue_mean + 0.65 * (levels.p99 - tissue_mean));
    const double dark = 0.65 * tissue_mean;
    // A calcification is a spot: a bright structure wider than kMaxSpotMm (a fascia) casts no
    // shadow of this kind, and a shadow narrower than kMinShadowMm is below a beam's resolution
    // (a dark speckle under a bright one).
    constexpr double kMaxSpotMm = 8.0;
    constexpr double kMinShadowMm = 0.5;
    const cv::Mat spots = (smooth >= bright) & searched;
    const int max_spot_px = static_cast<int>(std::lround(kMaxSpotMm * px_per_mm_x));
    // The bright run along the row through (x, y): its first and last column.
    auto run_at = [&](int x, int y) {
        const unsigned char* row = spots.ptr<unsigned char>(y);
        int x0 = x, x1 = x;
        while (x0 > 0 && row[x0 - 1] && x1 - x0 <= max_spot_px)
            --x0;
        while (x1 + 1 < spots.cols && row[x1 + 1] && x1 - x0 <= max_spot_px)
            ++x1;
        return std::pair{x0, x1};
    };

    cv::Mat shadow = cv::Mat::zeros(smooth.size(), CV_8UC1);
    const int gap = std::max(1, static_cast<int>(std::lround(0.3 * px_per_mm_y)));
    const int probe = std::max(3, static_cast<int>(std::lround(1.5 * px_per_mm_y)));
    auto column_mean = [&](int x, int y0, int y1) {
        double sum = 0.0;
        for (int y = y0; y < y1; ++y)
            sum += smooth.at<float>(y, x);
        return sum / (y1 - y0);
    };
    // Beside the spot the beam is not blocked: a shadow is darker than the tissue there at the
    // same depth (a hypoechoic tendon under its bright rim is as dark beside the rim's lowest
    // point as below it).
    const int beside_gap = std::max(1, static_cast<int>(std::lround(0.3 * px_per_mm_x)));
    const int beside_span = std::max(2, static_cast<int>(std::lround(1.0 * px_per_mm_x)));
    // Rows top down, so that each column's first shadow is the one taken (a spot inside a shadow
    // is not another calcification's).
    std::vector<unsigned char> shadowed(static_cast<std::size_t>(smooth.cols), 0);
    for (int y = 0; y + 1 < smooth.rows; ++y) {
        const unsigned char* here = spots.ptr<unsigned char>(y);
        const unsigned char* below = spots.ptr<unsigned char>(y + 1);
        for (int x = 0; x < smooth.cols; ++x) {
            const auto column = static_cast<std::size_t>(x);
            const int y_end = limit[column];
            if (!here[x] || shadowed[column] || y < top[column] || y >= y_end || (y + 1 < y_end && below[x]))
                continue;
            // The last bright row of a spot: a calcification's shadow is dark from just below it
            // down to the bone (the beam's energy is reflected at the spot).
            const int start = y + 1 + gap;
            if (start + probe > y_end || column_mean(x, start, start + probe) >= dark)
                continue;
            const auto [x0, x1] = run_at(x, y);
            if (x1 - x0 + 1 > max_spot_px)
                continue;
            const double below_spot = column_mean(x, start, y_end);
            const double beside = std::max(
                usable_mean(smooth, searched, x0 - beside_gap - beside_span, x0 - beside_gap, start, y_end),
                usable_mean(smooth, searched, x1 + 1 + beside_gap, x1 + 1 + beside_gap + beside_span, start,
                            y_end));
            if (below_spot >= dark || below_spot >= 0.75 * beside)
                continue;
            shadow.col(x).rowRange(y + 1, y_end).setTo(255);
            shadowed[column] = 1;
        }
    }
    // Neighbouring shadowed columns are one shadow; one narrower than a beam is dropped.
    const int min_shadow_px = static_cast<int>(std::ceil(kMinShadowMm * px_per_mm_x));
    for (int x = 0; x < smooth.cols;) {
        if (!shadowed[static_cast<std::size_t>(x)]) {
            ++x;
            continue;
        }
        int end = x;
        while (end < smooth.cols && shadowed[static_cast<std::size_t>(end)])
            ++end;
        if (end - x < min_shadow_px)
            shadow.colRange(x, end).setTo(0);
        x = end;
    }
    return shadow;
}

cv::Mat shadows_filled(const cv::Mat& smooth, const cv::Mat& shadow, const cv::Mat& searched,
                       double px_per_mm_x) {
    cv::Mat filled = smooth.clone();
    // The grey beside a shadow is read a little away from its edge (the penumbra) over about a
    // millimetre.
    const int margin = std::max(1, static_cast<int>(std::lround(0.3 * px_per_mm_x)));
    const int span = std::max(2, static_cast<int>(std::lround(1.0 * px_per_mm_x)));
    cv::Mat usable = searched & ~shadow;
    for (int y = 0; y < smooth.rows; ++y) {
        const unsigned char* in_shadow = shadow.ptr<unsigned char>(y);
        float* out = filled.ptr<float>(y);
        for (int x = 0; x < smooth.cols;) {
            if (!in_shadow[x]) {
                ++x;
                continue;
            }
            int end = x;
            while (end < smooth.cols && in_shadow[end])
                ++end;
            const double left = usable_mean(smooth, usable, x - margin - span, x - margin, y, y + 1);
            const double right = usable_mean(smooth, usable, end + margin, end + margin + span, y, y + 1);
            if (left >= 0.0 || right >= 0.0) {
                const double a = left >= 0.0 ? left : right;
                const double b = right >= 0.0 ? right : left;
                for (int i = x; i < end; ++i) {
                    const double t = (i - x + 0.5) / (end - x);
                    out[i] = static_cast<float>((1.0 - t) * a + t * b);
                }
            }
            x = end;
        }
    }
    return filled;
}

} // namespace tendo::detail
