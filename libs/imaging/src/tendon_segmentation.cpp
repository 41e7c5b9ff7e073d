#include "segmentation_detail.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace tendo {

namespace {

using detail::ColumnSums;

constexpr float kNone = -1e9f;

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
    BoneSurface bone;
};

/// Colour pixels replaced by the mean of the grey pixels around them, so flow does not look like
/// a dark hole in the tendon.
cv::Mat fill_colour(const cv::Mat& grey, const cv::Mat& colour_mask) {
    cv::Mat g32;
    grey.convertTo(g32, CV_32F);
    if (colour_mask.empty() || cv::countNonZero(colour_mask) == 0)
        return g32;
    cv::Mat weight;
    cv::Mat not_colour = colour_mask == 0;
    not_colour.convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::Mat num, den;
    cv::boxFilter(g32.mul(weight), num, CV_32F, cv::Size(15, 15), cv::Point(-1, -1), false);
    cv::boxFilter(weight, den, CV_32F, cv::Size(15, 15), cv::Point(-1, -1), false);
    cv::Mat filled;
    cv::divide(num, cv::max(den, 1e-3f), filled);
    filled.copyTo(g32, colour_mask);
    return g32;
}

int mm_to_px(double mm, double px_per_mm) { return std::max(1, static_cast<int>(std::lround(mm * px_per_mm))); }

/// Frame coordinate of a work coordinate (pixel centres map to pixel centres).
double to_frame(double work, double f) { return (work + 0.5) / f - 0.5; }

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
};

/// Path of one border across columns [x0, x1]: maximises the summed score with at most one row
/// of change per column. `score` is rows x (x1 - x0 + 1), kNone where the border may not go.
std::vector<int> border_path(const cv::Mat& score, float bend) {
    const int rows = score.rows;
    const int cols = score.cols;
    cv::Mat acc(rows, cols, CV_32FC1, cv::Scalar(kNone));
    cv::Mat from(rows, cols, CV_32SC1, cv::Scalar(-1));
    for (int y = 0; y < rows; ++y)
        acc.at<float>(y, 0) = score.at<float>(y, 0);
    for (int x = 1; x < cols; ++x)
        for (int y = 0; y < rows; ++y) {
            const float s = score.at<float>(y, x);
            if (s <= kNone)
                continue;
            float best = kNone;
            int arg = -1;
            for (int d = -1; d <= 1; ++d) {
                const int py = y + d;
                if (py < 0 || py >= rows)
                    continue;
                const float v = acc.at<float>(py, x - 1) - (d != 0 ? bend : 0.0f);
                if (v > best) {
                    best = v;
                    arg = py;
                }
            }
            if (arg < 0 || best <= kNone / 2) {
                acc.at<float>(y, x) = s; // restart when the band jumps
                continue;
            }
            acc.at<float>(y, x) = s + best;
            from.at<int>(y, x) = arg;
        }
    // Back from the right: a column without a predecessor on the path (a restart, or a column
    // where the border may not go at all) takes its own best row; -1 where no row is allowed.
    std::vector<int> path(static_cast<std::size_t>(cols), -1);
    auto best_row = [&](int x) {
        int arg = -1;
        float best = kNone / 2;
        for (int r = 0; r < rows; ++r)
            if (acc.at<float>(r, x) > best) {
                best = acc.at<float>(r, x);
                arg = r;
            }
        return arg;
    };
    int y = -1;
    for (int x = cols - 1; x >= 0; --x) {
        if (y < 0 || acc.at<float>(y, x) <= kNone / 2)
            y = best_row(x);
        path[static_cast<std::size_t>(x)] = y;
        y = y >= 0 ? from.at<int>(y, x) : -1;
    }
    return path;
}

/// Otsu's threshold of a set of grey values: the level that maximises the between-class variance.
double otsu_split(const std::vector<float>& values) {
    if (values.empty())
        return 0.0;
    const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
    const double lo = *lo_it, hi = *hi_it;
    if (hi - lo < 1e-6)
        return lo;
    constexpr int kBins = 128;
    std::vector<double> hist(kBins, 0.0);
    for (float v : values)
        hist[static_cast<std::size_t>(std::min(kBins - 1, static_cast<int>((v - lo) / (hi - lo) * kBins)))] += 1.0;
    const double total = static_cast<double>(values.size());
    double sum_all = 0.0;
    for (int i = 0; i < kBins; ++i)
        sum_all += i * hist[static_cast<std::size_t>(i)];
    double w0 = 0.0, sum0 = 0.0, best = -1.0;
    int best_i = kBins / 2;
    for (int i = 0; i < kBins; ++i) {
        w0 += hist[static_cast<std::size_t>(i)];
        sum0 += i * hist[static_cast<std::size_t>(i)];
        const double w1 = total - w0;
        if (w0 <= 0.0 || w1 <= 0.0)
            continue;
        const double m0 = sum0 / w0, m1 = (sum_all - sum0) / w1;
        const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (between > best) {
            best = between;
            best_i = i;
        }
    }
    return lo + (best_i + 1.0) / kBins * (hi - lo);
}

LongCandidate find_longitudinal(const Work& w, const cv::Mat& smooth, const cv::Mat& alignment,
                                const cv::Mat& coherence, double level) {
    LongCandidate cand;
    const int rows = smooth.rows;
    const int cols = smooth.cols;
    const ColumnSums sums(smooth);
    // Half-widths of the bar detector in mm: tendons 2 to 12 mm thick (thinner bright bands are
    // fascia or septa).
    const std::vector<double> half_mm = {1.0, 1.3, 1.7, 2.2, 2.8, 3.5, 4.3, 5.2, 6.0};
    std::vector<int> half_px;
    for (double h : half_mm)
        half_px.push_back(mm_to_px(h, w.px_y));
    const int side_min = mm_to_px(0.8, w.px_y);

    cv::Mat response(rows, cols, CV_32FC1, cv::Scalar(0));
    cv::Mat scale(rows, cols, CV_8UC1, cv::Scalar(0));
    for (int x = 0; x < cols; ++x) {
        const int top = w.top[static_cast<std::size_t>(x)];
        const int limit = w.limit[static_cast<std::size_t>(x)];
        if (top < 0)
            continue;
        for (int y = top; y < limit; ++y) {
            float best = 0.0f;
            int arg = 0;
            for (std::size_t k = 0; k < half_px.size(); ++k) {
                const int h = half_px[k];
                const int a = y - h;
                const int b = y + h + 1;
                if (a < top || b > limit)
                    break;
                const int side = std::max(h, side_min);
                const double inside = sums.mean(x, a, b);
                const int ua = std::max(top, a - side);
                if (a - ua < side / 2)
                    break;
                const double up = sums.mean(x, ua, a);
                const int db = std::min(limit, b + side);
                double contrast = inside - up;
                if (db - b >= std::max(1, side / 3))
                    contrast = std::min(contrast, inside - sums.mean(x, b, db));
                // Thicker bars are favoured a little so a thin bright line inside does not win.
                const float v = static_cast<float>(contrast / level * std::pow(half_mm[k] / 2.2, 0.25));
                if (v > best) {
                    best = v;
                    arg = static_cast<int>(k);
                }
            }
            response.at<float>(y, x) = best;
            scale.at<unsigned char>(y, x) = static_cast<unsigned char>(arg);
        }
    }

    // Best-scoring run of columns. With a bone in view the run must start at the insertion: a
    // column where the bar's deep edge rests on the bone (within 1.5 mm); it then runs away from
    // the bone (either direction) and ends where the band fades. Without bone it may start anywhere.
    const float lambda = 0.05f;
    const int step = std::max(1, static_cast<int>(std::lround(0.15 * w.px_y / std::max(0.1, w.px_x / w.px_y))));
    const float bend = 0.004f;
    const int near_bone = mm_to_px(1.5, w.px_y);
    // The insertion: the band's deep edge rests on the bone and the band ends there: just beyond
    // its end either the bone rises across the band's centre, or the tissue at the band's depth
    // is clearly darker (a band that runs on past this column has not inserted here).
    const int beyond_gap = mm_to_px(0.5, w.px_x);
    const int beyond_len = mm_to_px(2.0, w.px_x);
    auto can_start = [&](int y, int x, int direction) {
        if (!w.bone.found())
            return true;
        const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (b < 0)
            return false;
        const int h = half_px[scale.at<unsigned char>(y, x)];
        const int deep = y + h;
        if (deep > b || b - deep > near_bone)
            return false;
        const int far_x = x - direction * (beyond_gap + beyond_len);
        if (far_x < 0 || far_x >= cols)
            return false; // the end is at the edge of the view: the insertion is not in view
        const int inside_top = std::max(w.top[static_cast<std::size_t>(x)], y - h);
        const double inside = sums.mean(x, inside_top, std::max(inside_top + 1, deep + 1));
        double beyond = 0.0;
        int n = 0;
        for (int k = beyond_gap; k <= beyond_gap + beyond_len; ++k) {
            const int bx = x - direction * k;
            if (!w.imaged.at<unsigned char>(std::clamp(y, 0, rows - 1), bx))
                return false; // the end is at the edge of the imaged area
            const int b_beyond = w.bone.row_per_col[static_cast<std::size_t>(bx)];
            if (b_beyond >= 0 && b_beyond <= y)
                return true; // the bone rises across the band
            const int y0 = std::max(w.top[static_cast<std::size_t>(bx)], y - h);
            const int y1 = std::min(w.limit[static_cast<std::size_t>(bx)], deep + 1);
            if (y1 > y0) {
                beyond += sums.mean(bx, y0, y1);
                ++n;
            }
        }
        return n > 0 && (inside - beyond / n) / level >= 0.15;
    };
    std::vector<int> centre(static_cast<std::size_t>(cols), -1);
    std::vector<int> half;
    double contrast_sum = 0.0;
    int first = 0, last = -1;
    int insertion_side = 1; // +1: the insertion is at the first column
    float overall = 0.0f;
    for (int direction : {1, -1}) {
        cv::Mat acc(rows, cols, CV_32FC1, cv::Scalar(kNone));
        cv::Mat from(rows, cols, CV_32SC1, cv::Scalar(-1));
        float best = 0.0f;
        cv::Point best_at(-1, -1);
        for (int i = 0; i < cols; ++i) {
            const int x = direction > 0 ? i : cols - 1 - i;
            const int px = x - direction;
            for (int y = 0; y < rows; ++y) {
                const float r = response.at<float>(y, x);
                if (r <= 0.0f)
                    continue;
                float prev = can_start(y, x, direction) ? 0.0f : kNone;
                int arg = -1;
                if (px >= 0 && px < cols)
                    for (int d = -step; d <= step; ++d) {
                        const int py = y + d;
                        if (py < 0 || py >= rows)
                            continue;
                        const float v = acc.at<float>(py, px) - bend * static_cast<float>(std::abs(d));
                        if (v > prev) {
                            prev = v;
                            arg = py;
                        }
                    }
                if (prev <= kNone / 2)
                    continue;
                const float value = r - lambda + prev;
                acc.at<float>(y, x) = value;
                from.at<int>(y, x) = arg;
                if (value > best) {
                    best = value;
                    best_at = cv::Point(x, y);
                }
            }
        }
        if (best_at.x < 0 || best <= overall)
            continue;
        overall = best;
        std::fill(centre.begin(), centre.end(), -1);
        half.clear();
        contrast_sum = 0.0;
        int x = best_at.x;
        int y = best_at.y;
        int end = x;
        while (x >= 0 && x < cols && y >= 0) {
            centre[static_cast<std::size_t>(x)] = y;
            end = x;
            y = from.at<int>(y, x);
            x -= direction;
        }
        first = std::min(end, best_at.x);
        last = std::max(end, best_at.x);
        insertion_side = direction;
    }
    if (last < first)
        return cand;
    // A weak stretch at the insertion end is tissue the band ran on into (muscle over the bone
    // beyond the insertion): the band starts where it is clearly bright again, if it rests on the
    // bone there too.
    if (w.bone.found() && last - first >= 4) {
        std::vector<float> along;
        for (int x = first; x <= last; ++x)
            along.push_back(response.at<float>(centre[static_cast<std::size_t>(x)], x));
        std::vector<float> sorted_along = along;
        const auto k90 = static_cast<std::ptrdiff_t>(0.9 * (sorted_along.size() - 1));
        std::nth_element(sorted_along.begin(), sorted_along.begin() + k90, sorted_along.end());
        const float weak = 0.5f * sorted_along[static_cast<std::size_t>(k90)];
        const int window = mm_to_px(1.0, w.px_x);
        const int n_along = last - first + 1;
        auto window_mean = [&](int i) {
            const int a = insertion_side > 0 ? i : std::max(0, i - window + 1);
            const int b = insertion_side > 0 ? std::min(n_along, i + window) : i + 1;
            return std::accumulate(along.begin() + a, along.begin() + b, 0.0f) / static_cast<float>(b - a);
        };
        for (int k = 0; k < n_along / 2; ++k) {
            const int i = insertion_side > 0 ? k : n_along - 1 - k;
            if (window_mean(i) < weak)
                continue;
            const int x = first + i;
            const int c = centre[static_cast<std::size_t>(x)];
            const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
            const int deep = c + half_px[scale.at<unsigned char>(c, x)];
            if (k > 0 && b >= 0 && deep <= b && b - deep <= near_bone) {
                if (insertion_side > 0)
                    first = x;
                else
                    last = x;
            }
            break;
        }
    }
    for (int x = first; x <= last; ++x) {
        const int y = centre[static_cast<std::size_t>(x)];
        contrast_sum += response.at<float>(y, x);
        half.push_back(half_px[scale.at<unsigned char>(y, x)]);
    }
    cand.x0 = first;
    cand.x1 = last;
    const int n = cand.x1 - cand.x0 + 1;
    if (n < 3)
        return cand;
    cand.contrast = contrast_sum / n;
    {
        std::vector<float> along;
        for (int x = cand.x0; x <= cand.x1; ++x)
            along.push_back(response.at<float>(centre[static_cast<std::size_t>(x)], x));
        std::vector<float> sorted_along = along;
        const auto k90 = static_cast<std::ptrdiff_t>(0.9 * (sorted_along.size() - 1));
        std::nth_element(sorted_along.begin(), sorted_along.begin() + k90, sorted_along.end());
        const float strong = sorted_along[static_cast<std::size_t>(k90)];
        cand.coverage = static_cast<double>(std::count_if(along.begin(), along.end(), [&](float v) { return v >= 0.5f * strong; })) /
                        static_cast<double>(along.size());
    }
    std::nth_element(half.begin(), half.begin() + static_cast<std::ptrdiff_t>(half.size() / 2), half.end());
    const int hm = half[half.size() / 2];

    // Borders: the strongest dark-to-bright rise above the centre and bright-to-dark fall below,
    // each a smooth path. The deep border may sit on the bone when no dark gap separates them.
    const int reach = static_cast<int>(std::lround(1.8 * hm + 0.6 * w.px_y));
    // The bar detector may lock on a bright part of a tendon whose deep part is hypoechoic: the
    // deep border is searched down to the thickest tendon's depth below the centre.
    const int deep_reach = std::max(reach, mm_to_px(9.0, w.px_y));
    const int inner = std::max(1, static_cast<int>(std::lround(0.25 * hm)));
    const int rk = mm_to_px(0.4, w.px_y);
    const int near_gap = mm_to_px(0.3, w.px_y);
    const int far_gap = near_gap + mm_to_px(1.2, w.px_y);
    // Region term: the grey level half-way between the band and the tissue above it; a border
    // that takes in tissue darker than this loses, one that leaves out brighter tissue loses too.
    // Region term: Otsu's split of the grey levels around the band (tendon against the tissue
    // around it); a border that takes in darker tissue loses, one that leaves out brighter loses.
    std::vector<float> around;
    for (int i = 0; i < n; ++i) {
        const int cx = cand.x0 + i;
        const int c = centre[static_cast<std::size_t>(cx)];
        const int y0 = std::max(w.top[static_cast<std::size_t>(cx)], c - reach);
        const int y1 = std::min(w.limit[static_cast<std::size_t>(cx)], c + deep_reach + 1);
        for (int y = y0; y < y1; ++y)
            around.push_back(smooth.at<float>(y, cx));
    }
    const double split = otsu_split(around);
    const double region_weight = 1.0 / (level * w.px_y); // grey above the split, summed per mm of depth
    cv::Mat top_score(rows, n, CV_32FC1, cv::Scalar(kNone));
    cv::Mat bottom_score(rows, n, CV_32FC1, cv::Scalar(kNone));
    std::vector<float> top_strength;
    for (int i = 0; i < n; ++i) {
        const int cx = cand.x0 + i;
        const int c = centre[static_cast<std::size_t>(cx)];
        const int top = w.top[static_cast<std::size_t>(cx)];
        const int limit = w.limit[static_cast<std::size_t>(cx)];
        float strongest = 0.0f;
        // A border is a bright line (the paratenon) and/or a step from the darker tissue outside
        // to the brighter tendon inside; fibrils inside the tendon are lines without the step.
        auto mean_rows = [&](int a, int b) { return sums.mean(cx, std::max(top, a), std::min(limit, b)); };
        // The windows above the border may read the skin margin (imaged, only not searched), but
        // not beyond the image: where they would, no edge is seen.
        const int imaged_top = w.first_tissue[static_cast<std::size_t>(cx)];
        auto mean_above = [&](int a, int b) { return sums.mean(cx, std::max(imaged_top, a), std::min(limit, b)); };
        for (int yy = std::max(top + 1, c - reach); yy <= c - inner; ++yy) {
            const bool above_seen = yy - far_gap >= imaged_top;
            const double ridge = above_seen ? std::max(0.0, smooth.at<float>(yy, cx) - 0.5 * (mean_above(yy - rk - 1, yy - rk + 1) + mean_rows(yy + rk, yy + rk + 2))) : 0.0;
            const double step = above_seen ? mean_rows(yy + near_gap, yy + far_gap) - mean_above(yy - far_gap, yy - near_gap) : 0.0;
            const float v = static_cast<float>((ridge + step) / level);
            const double region = split > 0.0 ? (sums.sum(cx, yy, c + 1) - split * (c + 1 - yy)) * region_weight : 0.0;
            top_score.at<float>(yy, i) = v + static_cast<float>(region);
            strongest = std::max(strongest, v);
        }
        top_strength.push_back(strongest);
        for (int yy = c + inner; yy <= std::min(limit - 1, c + deep_reach); ++yy) {
            // Windows below the border that the searched area cuts off (at the bone or the
            // image's bottom) hold nothing to compare with: no edge is seen there (the bone's own
            // edge is scored below, only where no darker gap lies over it).
            const bool below_seen = yy + far_gap <= limit;
            const double ridge = below_seen ? std::max(0.0, smooth.at<float>(yy, cx) - 0.5 * (mean_rows(yy - rk - 1, yy - rk + 1) + mean_rows(yy + rk, yy + rk + 2))) : 0.0;
            const double step = below_seen ? mean_rows(yy - far_gap, yy - near_gap) - mean_rows(yy + near_gap, yy + far_gap) : 0.0;
            const double region = split > 0.0 ? (sums.sum(cx, c, yy + 1) - split * (yy + 1 - c)) * region_weight : 0.0;
            bottom_score.at<float>(yy, i) = static_cast<float>((ridge + step) / level + region);
        }
    }
    std::vector<float> sorted = top_strength;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const float typical_edge = sorted[sorted.size() / 2];
    for (int i = 0; i < n; ++i) {
        const int cx = cand.x0 + i;
        const int limit = w.limit[static_cast<std::size_t>(cx)];
        // Resting on the bone, the cortex is the deep edge, worth most of a typical edge; the
        // tissue taken in above it still counts, so a darker gap over the bone is not taken in.
        const int c = centre[static_cast<std::size_t>(cx)];
        if (!w.bone.found() || w.bone.row_per_col[static_cast<std::size_t>(cx)] < 0 || limit - 1 <= c ||
            bottom_score.at<float>(limit - 1, i) <= kNone)
            continue;
        const double region = split > 0.0 ? (sums.sum(cx, c, limit) - split * (limit - c)) * region_weight : 0.0;
        bottom_score.at<float>(limit - 1, i) =
            std::max(bottom_score.at<float>(limit - 1, i), 0.6f * typical_edge + static_cast<float>(region));
    }
    // Both borders are smooth anatomical boundaries: a row of change costs a twentieth of a
    // typical edge (a tenth for the thickness).
    const std::vector<int> top_path = border_path(top_score, 0.05f);
    // The deep border as the superficial one plus a thickness that changes slowly along the
    // tendon (by at most one work row per millimetre): a hypoechoic focus or a dark patch inside
    // the tendon cannot pull it up. Below the bone the score is that of resting on the bone, so
    // the thickness need not follow the bone's rise at the insertion (the mask is cut there).
    std::vector<int> bottom_path;
    {
        for (int i = 0; i < n; ++i) {
            const int cx = cand.x0 + i;
            const int limit = w.limit[static_cast<std::size_t>(cx)];
            const int c = centre[static_cast<std::size_t>(cx)];
            if (!w.bone.found() || w.bone.row_per_col[static_cast<std::size_t>(cx)] < 0 || limit < 1)
                continue;
            const float on_bone = bottom_score.at<float>(limit - 1, i);
            if (on_bone <= kNone)
                continue;
            for (int yy = limit; yy <= std::min(rows - 1, c + deep_reach); ++yy)
                bottom_score.at<float>(yy, i) = on_bone;
        }
        const int max_thick = reach + deep_reach + 2;
        const int group = std::max(1, static_cast<int>(std::lround(w.px_x)));
        const int groups = (n + group - 1) / group;
        cv::Mat by_thickness(max_thick, groups, CV_32FC1, cv::Scalar(kNone));
        for (int gi = 0; gi < groups; ++gi)
            for (int k = 1; k < max_thick; ++k) {
                double sum = 0.0;
                int valid = 0;
                for (int i = gi * group; i < std::min(n, (gi + 1) * group); ++i) {
                    const int t = top_path[static_cast<std::size_t>(i)];
                    if (t < 0 || t + k >= rows || bottom_score.at<float>(t + k, i) <= kNone)
                        continue;
                    sum += bottom_score.at<float>(t + k, i);
                    ++valid;
                }
                if (valid > 0)
                    by_thickness.at<float>(k, gi) = static_cast<float>(sum / valid * group);
            }
        const std::vector<int> thick_path = border_path(by_thickness, 0.1f * static_cast<float>(group));
        for (int i = 0; i < n; ++i) {
            const int t = top_path[static_cast<std::size_t>(i)];
            // Linear between the group centres.
            const double at = (i + 0.5) / group - 0.5;
            const int g0 = std::clamp(static_cast<int>(std::floor(at)), 0, groups - 1);
            const int g1 = std::min(groups - 1, g0 + 1);
            const double u = std::clamp(at - g0, 0.0, 1.0);
            const int k0 = thick_path[static_cast<std::size_t>(g0)];
            const int k1 = thick_path[static_cast<std::size_t>(g1)] < 0 ? k0 : thick_path[static_cast<std::size_t>(g1)];
            if (t < 0 || k0 < 0) {
                bottom_path.push_back(-1);
                continue;
            }
            const int limit = w.limit[static_cast<std::size_t>(cand.x0 + i)];
            bottom_path.push_back(std::min(limit - 1, t + static_cast<int>(std::lround((1.0 - u) * k0 + u * k1))));
        }
    }
    // Columns at the band's ends where a border is pressed against the edge of the searched area
    // (the skin margin, or the image's bottom where no bone ends the column; both slant at a
    // fan's edge) show a tendon the view cuts: their borders are the view's, not the tendon's,
    // and up to 3 mm of them are left out at each end.
    auto cut_by_view = [&](int i) {
        const int cx = cand.x0 + i;
        const int t = top_path[static_cast<std::size_t>(i)];
        const int b = bottom_path[static_cast<std::size_t>(i)];
        const bool no_bone = w.bone.row_per_col[static_cast<std::size_t>(cx)] < 0;
        return t < 0 || t <= w.top[static_cast<std::size_t>(cx)] + 1 ||
               (no_bone && b >= w.limit[static_cast<std::size_t>(cx)] - 1);
    };
    // A border path that jumps between two columns restarted there: the stretch beyond the jump
    // was pushed off the tendon's border by the edge of the searched area.
    auto jump = [&](int i, int j) {
        return std::abs(top_path[static_cast<std::size_t>(i)] - top_path[static_cast<std::size_t>(j)]) > 1;
    };
    const int max_cut = std::min(mm_to_px(3.0, w.px_x), n / 4);
    int lo = 0, hi = n - 1;
    for (int i = 0; i < max_cut; ++i)
        if (cut_by_view(i) || jump(i, i + 1))
            lo = i + 1;
    for (int i = n - 1; i > n - 1 - max_cut; --i)
        if (cut_by_view(i) || jump(i, i - 1))
            hi = i - 1;
    if (hi - lo + 1 < 3)
        return cand;
    std::vector<double> thick;
    double align_sum = 0.0, coh_sum = 0.0;
    int inside = 0;
    for (int i = lo; i <= hi; ++i) {
        const int cx = cand.x0 + i;
        const int c = centre[static_cast<std::size_t>(cx)];
        int t = top_path[static_cast<std::size_t>(i)];
        int b = bottom_path[static_cast<std::size_t>(i)];
        // A column where a border search found nothing keeps the detector's own bar (cut by the
        // bone at the insertion).
        if (t < 0 || t >= c)
            t = std::max(w.top[static_cast<std::size_t>(cx)], c - hm);
        if (b <= c || b >= rows)
            b = std::max(c + 1, std::min(w.limit[static_cast<std::size_t>(cx)] - 1, c + hm));
        cand.top_edge.push_back(t);
        // Resting on the bone: the border is the cortical surface itself.
        cand.bottom_edge.push_back(b == w.limit[static_cast<std::size_t>(cx)] - 1 && w.bone.row_per_col[static_cast<std::size_t>(cx)] >= 0 ? b + 0.5 : b);
        thick.push_back((b - t + 1) / w.px_y);
        for (int yy = t; yy <= b; ++yy) {
            align_sum += alignment.at<float>(yy, cx);
            coh_sum += coherence.at<float>(yy, cx);
            ++inside;
        }
    }
    std::nth_element(thick.begin(), thick.begin() + static_cast<std::ptrdiff_t>(thick.size() / 2), thick.end());
    cand.thickness_mm = thick[thick.size() / 2];
    cand.x1 = cand.x0 + hi;
    cand.x0 += lo;
    cand.length_mm = (hi - lo + 1) / w.px_x;
    cand.alignment = inside > 0 ? align_sum / inside : 0.0;
    cand.coherence = inside > 0 ? coh_sum / inside : 0.0;
    cand.found = true;
    return cand;
}

/// Mean of the box [x0, x1) x [y0, y1) from an integral image (CV_64F), 0 if empty.
double box_sum(const cv::Mat& integral, int x0, int y0, int x1, int y1) {
    x0 = std::clamp(x0, 0, integral.cols - 1);
    x1 = std::clamp(x1, 0, integral.cols - 1);
    y0 = std::clamp(y0, 0, integral.rows - 1);
    y1 = std::clamp(y1, 0, integral.rows - 1);
    if (x1 <= x0 || y1 <= y0)
        return 0.0;
    return integral.at<double>(y1, x1) - integral.at<double>(y0, x1) - integral.at<double>(y1, x0) +
           integral.at<double>(y0, x0);
}

double bilinear(const cv::Mat& image, double x, double y) {
    x = std::clamp(x, 0.0, image.cols - 1.001);
    y = std::clamp(y, 0.0, image.rows - 1.001);
    const int x0 = static_cast<int>(x);
    const int y0 = static_cast<int>(y);
    const double fx = x - x0;
    const double fy = y - y0;
    const float* r0 = image.ptr<float>(y0);
    const float* r1 = image.ptr<float>(y0 + 1);
    return (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x0 + 1]) + fy * ((1 - fx) * r1[x0] + fx * r1[x0 + 1]);
}

TransCandidate find_transverse(const Work& w, const cv::Mat& smooth, const cv::Mat& alignment,
                               const cv::Mat& coherence, double level, const std::optional<cv::Point2d>& seed) {
    TransCandidate cand;
    const int rows = smooth.rows;
    const int cols = smooth.cols;
    // Searchable pixels only (tissue above the bone): others count as absent in the box sums.
    cv::Mat allowed = cv::Mat::zeros(rows, cols, CV_32FC1);
    for (int x = 0; x < cols; ++x)
        for (int y = std::max(0, w.top[static_cast<std::size_t>(x)]); y < w.limit[static_cast<std::size_t>(x)]; ++y)
            allowed.at<float>(y, x) = 1.0f;
    // Calcifications and specular spots are far brighter than any soft tissue: clipped at the
    // tissue's 99th percentile they cannot make a small box look like a tendon on their own.
    const auto clip_level = static_cast<float>(detail::percentile(smooth, w.tissue, 99.0));
    cv::Mat clipped = cv::min(smooth, clip_level);
    cv::Mat ii, ia;
    cv::integral(clipped.mul(allowed), ii, CV_64F);
    cv::integral(allowed, ia, CV_64F);
    auto mean_of = [&](int x0, int y0, int x1, int y1, double min_fraction) -> std::optional<double> {
        const double n = box_sum(ia, x0, y0, x1, y1);
        if (n < min_fraction * std::max(1, (x1 - x0) * (y1 - y0)) || n < 1.0)
            return std::nullopt;
        return box_sum(ii, x0, y0, x1, y1) / n;
    };
    // Candidate cross-sections: boxes of several half-widths and half-heights (flat ovals are
    // common) resting on the bone surface: the box's bottom within 1 mm into and 2 mm above it.
    // A cross-section is brighter than the tissue above it and than the tissue at its sides; a
    // band cut lengthways is as bright at its sides, so it scores nothing here.
    const std::vector<double> half_width_mm = {2.5, 3.5, 5.0, 6.5, 8.5, 11.0};
    const std::vector<double> half_height_mm = {1.3, 1.9, 2.6, 3.4, 4.4, 5.6};
    const int stride = std::max(1, mm_to_px(0.3, w.px_x));
    const int gap_step = std::max(1, mm_to_px(0.3, w.px_y));
    double best = 0.0;
    cv::Point best_at(-1, -1);
    double best_a_mm = 0.0, best_b_mm = 0.0, best_lateral = 0.0, best_split = 0.0;
    for (double a_mm : half_width_mm)
        for (double b_mm : half_height_mm) {
            if (b_mm > a_mm)
                continue;
            const int a = mm_to_px(a_mm, w.px_x);
            const int b = mm_to_px(b_mm, w.px_y);
            const int side = std::max(a / 2, mm_to_px(2.0, w.px_x));
            const int gap = mm_to_px(0.5, w.px_x);
            for (int x = 0; x < cols; x += stride) {
                if (seed && std::abs(x - seed->x) / w.px_x > a_mm)
                    continue;
                const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
                if (bone_row < 0)
                    continue;
                for (int bottom = bone_row - mm_to_px(2.0, w.px_y); bottom <= bone_row + mm_to_px(1.0, w.px_y); bottom += gap_step) {
                    const int y = bottom - b;
                    if (seed && std::abs(y - seed->y) / w.px_y > b_mm)
                        continue;
                    const auto inside = mean_of(x - a, y - b, x + a + 1, y + b + 1, 0.8);
                    const auto above = mean_of(x - a, y - 3 * b - 1, x + a + 1, y - b - gap, 0.5);
                    const auto left = mean_of(x - a - gap - side, y - b, x - a - gap, y + b + 1, 0.9);
                    const auto right = mean_of(x + a + 1 + gap, y - b, x + a + 1 + gap + side, y + b + 1, 0.9);
                    // Both sides must be in view: a bright patch cut by the edge of the view cannot
                    // be told from a band.
                    if (!inside || !above || !left || !right)
                        continue;
                    const double sides = 0.5 * (*left + *right);
                    const double lateral = (*inside - sides) / level;
                    const double v = 0.5 * ((*inside - *above) / level + lateral) * std::pow(a_mm * b_mm / 12.0, 0.2);
                    if (v > best) {
                        best = v;
                        best_at = cv::Point(x, y);
                        best_a_mm = a_mm;
                        best_b_mm = b_mm;
                        best_lateral = lateral;
                        best_split = 0.5 * (*inside + sides);
                    }
                }
            }
        }
    if (best_at.x < 0)
        return cand;
    cand.contrast = best;
    cand.lateral_contrast = best_lateral;

    // The box with the best contrast lies inside the cross-section (a box fills an ellipse's middle
    // only): the ellipse itself is the one around it whose rim separates brighter inside from darker
    // outside best, with its lowest point on the bone.
    double ax = best_a_mm * w.px_x;
    double by = best_b_mm * w.px_y;
    {
        auto allowed_at = [&](double x, double y) {
            const int ix = static_cast<int>(std::lround(x)), iy = static_cast<int>(std::lround(y));
            return ix >= 0 && iy >= 0 && ix < cols && iy < rows && allowed.at<float>(iy, ix) > 0.0f;
        };
        auto rim_contrast = [&](double cx, double cy, double ea, double eb) {
            constexpr int kPoints = 48;
            double sum = 0.0;
            int n = 0;
            for (int k = 0; k < kPoints; ++k) {
                const double th = 2.0 * CV_PI * k / kPoints;
                const double c = std::cos(th), sn = std::sin(th);
                const double xi = cx + 0.85 * ea * c, yi = cy + 0.85 * eb * sn;
                const double xo = cx + 1.2 * ea * c, yo = cy + 1.2 * eb * sn;
                if (!allowed_at(xi, yi) || !allowed_at(xo, yo))
                    continue; // the bone or the edge of the view: no evidence either way
                sum += bilinear(clipped, xi, yi) - bilinear(clipped, xo, yo);
                ++n;
            }
            return n >= kPoints / 2 ? sum / n / level : -1e9;
        };
        double best_rim = -1e9;
        cv::Point2d centre(best_at.x, best_at.y);
        double fit_a = ax, fit_b = by;
        const double into_bone = mm_to_px(1.0, w.px_y);
        const double above_bone = mm_to_px(1.5, w.px_y);
        const double y_step = std::max(1.0, 0.3 * w.px_y);
        for (double ea = 0.9 * ax; ea <= 2.3 * ax; ea *= 1.12)
            for (double eb = 0.9 * by; eb <= 2.6 * by && eb <= 1.2 * ea; eb *= 1.12)
                for (double shift = -0.6; shift <= 0.61; shift += 0.15) {
                    const double cx = best_at.x + shift * ea;
                    const int bx = static_cast<int>(std::lround(cx));
                    if (bx < 0 || bx >= cols)
                        continue;
                    const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(bx)];
                    if (bone_row < 0)
                        continue;
                    for (double bottom = bone_row - above_bone; bottom <= bone_row + into_bone; bottom += y_step) {
                        const double v = rim_contrast(cx, bottom - eb, ea, eb);
                        if (v > best_rim) {
                            best_rim = v;
                            centre = cv::Point2d(cx, bottom - eb);
                            fit_a = ea;
                            fit_b = eb;
                        }
                    }
                }
        if (best_rim > -1e9) {
            best_at = cv::Point(static_cast<int>(std::lround(centre.x)), static_cast<int>(std::lround(centre.y)));
            ax = fit_a;
            by = fit_b;
        }
    }
    // Closed outline: per ray the radius (relative to that ellipse) with the strongest
    // bright-inside/dark-outside step; rays change smoothly; three turns closed the loop.
    constexpr int kRays = 72;
    constexpr int kSteps = 48;
    constexpr double kMin = 0.6;
    constexpr double kMax = 1.5;
    const double ds = (kMax - kMin) / (kSteps - 1);
    // Region term: grey above the level half-way between the cross-section and the tissue beside it
    // counts for the inside.
    const double split = best_split;
    cv::Mat score(kSteps, kRays, CV_32FC1, cv::Scalar(kNone));
    std::vector<int> on_bone_at(kRays, -1); // the last step inside before the bone, per ray
    for (int r = 0; r < kRays; ++r) {
        const double th = 2.0 * CV_PI * r / kRays;
        const double ux = std::cos(th) * ax;
        const double uy = std::sin(th) * by;
        const double step_mm = ds * std::hypot(ux / w.px_x, uy / w.px_y);
        double region = 0.0;
        bool blocked = false;
        for (int s = 0; s < kSteps; ++s) {
            const double rel = kMin + s * ds;
            const double px = best_at.x + rel * ux;
            const double py = best_at.y + rel * uy;
            const int ix = static_cast<int>(std::lround(px));
            const int iy = static_cast<int>(std::lround(py));
            if (ix < 0 || ix >= cols || iy < 0 || blocked)
                break;
            const bool outside = iy >= w.limit[static_cast<std::size_t>(ix)] || iy < w.top[static_cast<std::size_t>(ix)];
            if (outside) {
                // The outline may rest on the bone or the view's edge: a boundary here scores as a
                // typical edge.
                if (s > 0 && score.at<float>(s - 1, r) > kNone)
                    score.at<float>(s - 1, r) = std::max(score.at<float>(s - 1, r), static_cast<float>(0.3 * best));
                if (s > 0 && iy >= w.limit[static_cast<std::size_t>(ix)] && w.bone.row_per_col[static_cast<std::size_t>(ix)] >= 0)
                    on_bone_at[static_cast<std::size_t>(r)] = s - 1;
                blocked = true;
                break;
            }
            auto at = [&](double q) { return bilinear(smooth, best_at.x + q * ux, best_at.y + q * uy); };
            // Bright rim (ridge) and/or brighter inside than outside.
            const double ridge = std::max(0.0, at(rel) - 0.5 * (at(rel - 2 * ds) + at(rel + 2 * ds)));
            const double step = (at(rel - 2 * ds) + at(rel - 4 * ds)) / 2 - (at(rel + 2 * ds) + at(rel + 4 * ds)) / 2;
            region += 3.0 * (std::min(at(rel), static_cast<double>(clip_level)) - split) / level * step_mm;
            score.at<float>(s, r) = static_cast<float>((ridge + step) / level + region);
        }
    }
    cv::Mat tripled;
    cv::hconcat(std::vector<cv::Mat>{score, score, score}, tripled);
    const std::vector<int> path = border_path(tripled, 0.003f);
    for (int r = 0; r < kRays; ++r) {
        const int s = std::max(0, path[static_cast<std::size_t>(kRays + r)]);
        const double th = 2.0 * CV_PI * r / kRays;
        const double ux = std::cos(th) * ax;
        const double uy = std::sin(th) * by;
        double rel = kMin + s * ds;
        const double mm_per_rel = std::hypot(ux / w.px_x, uy / w.px_y);
        if (s == on_bone_at[static_cast<std::size_t>(r)]) {
            // Resting on the bone: the outline reaches the cortex (the mask is cut at its surface).
            rel += 2.0 * ds + 0.5 / std::max(1e-6, mm_per_rel * w.px_y);
        }
        cand.contour.emplace_back(best_at.x + rel * ux, best_at.y + rel * uy);
    }
    cv::Rect box = cv::boundingRect(std::vector<cv::Point2f>(cand.contour.begin(), cand.contour.end()));
    cand.width_mm = box.width / w.px_x;
    cand.height_mm = box.height / w.px_y;
    cv::Mat m = cv::Mat::zeros(rows, cols, CV_8UC1);
    std::vector<cv::Point> poly;
    for (const auto& p : cand.contour)
        poly.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
    cv::fillPoly(m, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255));
    cand.coherence = cv::mean(coherence, m)[0];
    cand.alignment = cv::mean(alignment, m)[0];
    cand.found = true;
    return cand;
}

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

} // namespace

TendonSegmentation segment_tendon(const cv::Mat& grey, const TissueArea& tissue, const cv::Mat& colour_mask,
                                  const std::optional<Spacing>& spacing_mm, const SegmentationHints& hints) {
    TendonSegmentation seg;
    seg.mask = cv::Mat::zeros(grey.size(), CV_8UC1);
    if (grey.empty() || grey.type() != CV_8UC1 || grey.rows < 16 || grey.cols < 16) {
        seg.warnings.emplace_back("no tendon found");
        return seg;
    }
    const double dx = spacing_mm ? spacing_mm->dx_mm : detail::kAssumedSpacingMm;
    const double dy = spacing_mm ? spacing_mm->dy_mm : detail::kAssumedSpacingMm;

    Work w;
    // About 0.1 mm per work pixel is fine enough for borders and four times faster than 0.05.
    // About 0.15 mm per work pixel: borders land within a tenth of a millimetre after sub-row
    // placement, at a quarter of the cost of the frame's own resolution.
    w.f = std::clamp(std::min(dx, dy) / 0.25, 0.2, 1.0);
    if (w.f > 0.85)
        w.f = 1.0;
    w.px_x = w.f / dx;
    w.px_y = w.f / dy;
    const cv::Mat filled = fill_colour(grey, colour_mask);
    cv::Mat tissue_mask = tissue.mask.empty() ? cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255)) : tissue.mask.clone();
    if (hints.roi) {
        cv::Mat roi_mask = cv::Mat::zeros(grey.size(), CV_8UC1);
        roi_mask(*hints.roi & cv::Rect(0, 0, grey.cols, grey.rows)).setTo(255);
        tissue_mask &= roi_mask;
    }
    if (w.f < 1.0) {
        cv::resize(filled, w.grey, cv::Size(), w.f, w.f, cv::INTER_AREA);
        cv::resize(tissue_mask, w.tissue, w.grey.size(), 0, 0, cv::INTER_NEAREST);
    } else {
        w.grey = filled;
        w.tissue = tissue_mask;
    }
    {
        // A region rectangle also covers the black corners beside a curvilinear probe's fan: only
        // the imaged (lit) part of it is searched, so black corners never pass for dark tissue.
        cv::Mat lit;
        const double lit_sigma = std::max(1.0, 0.7 * w.px_x);
        cv::GaussianBlur(w.grey, lit, cv::Size(0, 0), lit_sigma);
        w.tissue &= lit > 3.0f;
        // The blur spreads the image's brightness past its edge: shrunk back by twice its width
        // (about 1.4 mm), the lit area is where tissue beside a band is surely imaged.
        const int shrink = static_cast<int>(std::lround(2.0 * lit_sigma));
        cv::erode(w.tissue, w.imaged, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * shrink + 1, 2 * shrink + 1)));
    }
    cv::erode(w.tissue, w.tissue, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    const int rows = w.grey.rows;
    const int cols = w.grey.cols;

    cv::Mat smooth_iso;
    cv::GaussianBlur(w.grey, smooth_iso, cv::Size(0, 0), std::max(0.7, 0.2 * w.px_x), std::max(0.7, 0.2 * w.px_y));
    const double level = std::max(8.0, detail::percentile(smooth_iso, w.tissue, 98.0));
    w.bone = detail::bone_surface_on(smooth_iso, w.tissue, w.px_y);
    const int skin_px = mm_to_px(3.0, w.px_y);
    w.top.assign(static_cast<std::size_t>(cols), -1);
    w.first_tissue.assign(static_cast<std::size_t>(cols), -1);
    w.limit.assign(static_cast<std::size_t>(cols), 0);
    for (int x = 0; x < cols; ++x) {
        int first = -1, last = -1;
        for (int y = 0; y < rows; ++y)
            if (w.tissue.at<unsigned char>(y, x)) {
                if (first < 0)
                    first = y;
                last = y;
            }
        w.first_tissue[static_cast<std::size_t>(x)] = first;
        // Skin and dermis (the first ~3 mm) never hold the tendon.
        if (first >= 0)
            first = std::min(last, first + skin_px);
        w.top[static_cast<std::size_t>(x)] = first;
        int limit = last + 1;
        const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (bone_row >= 0)
            limit = std::min(limit, bone_row);
        w.limit[static_cast<std::size_t>(x)] = first < 0 ? 0 : std::max(first, limit);
    }

    cv::Mat smooth_band;
    cv::GaussianBlur(w.grey, smooth_band, cv::Size(0, 0), std::max(0.8, 0.45 * w.px_x), std::max(0.6, 0.12 * w.px_y));
    const detail::StructureTensor tensor = detail::structure_tensor(smooth_iso, std::max(1.0, 0.5 * w.px_x));
    const cv::Mat coherence = detail::coherence_of(tensor);
    const cv::Mat alignment = detail::horizontal_alignment_of(tensor);

    std::optional<cv::Point2d> seed;
    if (hints.seed)
        seed = cv::Point2d((hints.seed->x + 0.5) * w.f - 0.5, (hints.seed->y + 0.5) * w.f - 0.5);
    const LongCandidate lc = find_longitudinal(w, smooth_band, alignment, coherence, level);
    const TransCandidate tc = find_transverse(w, smooth_iso, alignment, coherence, level, seed);

    // View: a long band of horizontally aligned fibres is longitudinal; a compact bright
    // cross-section without that alignment is transverse.
    // A proximal hamstring tendon is at least ~2.5 mm thick (thinner bright bands are fascia) and
    // clearly brighter than the tissue around it.
    constexpr double kMinContrast = 0.15;
    // A band must be clearly brighter than the tissue around it (a quarter of the bright level):
    // muscle between two fasciae reaches about a fifth.
    constexpr double kMinBandContrast = 0.25;
    // Seen lengthways the common tendon runs on from its insertion for centimetres: a band shorter
    // than 15 mm (or than 2.5 thicknesses) is some other structure.
    constexpr double kMinBandLengthMm = 15.0;
    const bool long_shape = lc.found && lc.length_mm >= std::max(kMinBandLengthMm, 2.5 * lc.thickness_mm) &&
                            lc.thickness_mm >= 2.5 && lc.contrast >= kMinBandContrast;
    // A tendon seen lengthways is bright along its whole length (a bright patch that a band
    // merely crosses is not); a cross-section is darker at both sides than inside.
    double long_score = long_shape ? clamp01((lc.contrast - 0.03) / 0.12) * clamp01(0.4 + lc.alignment) *
                                         clamp01((lc.coverage - 0.5) / 0.35)
                                   : 0.0;
    constexpr double kMinLateral = 0.1;
    // The common hamstring tendon's cross-section is at least about 2.5 mm deep and 5 mm wide
    // (as the band must be 2.5 mm thick); smaller ovals on a bright line are other structures.
    const bool trans_shape = tc.found && tc.height_mm >= 2.5 && tc.width_mm >= 5.0;
    const double trans_score = trans_shape && tc.contrast >= kMinContrast && tc.lateral_contrast >= kMinLateral
                                   ? clamp01((tc.contrast - 0.04) / 0.15) * clamp01(1.0 - 0.8 * std::max(0.0, tc.alignment - 0.3))
                                   : 0.0;
    seg.features = {{"long_found", lc.found},          {"long_length_mm", lc.length_mm},
                    {"long_thickness_mm", lc.thickness_mm}, {"long_contrast", lc.contrast},
                    {"long_alignment", lc.alignment},       {"long_coherence", lc.coherence},
                    {"trans_found", tc.found},              {"trans_contrast", tc.contrast},
                    {"trans_width_mm", tc.width_mm},        {"trans_height_mm", tc.height_mm},
                    {"trans_alignment", tc.alignment},      {"trans_coherence", tc.coherence},
                    {"trans_lateral", tc.lateral_contrast}, {"long_coverage", lc.coverage},
                    {"bone_strength", w.bone.strength},     {"long_score", long_score},
                    {"trans_score", trans_score}};
    View view = View::none;
    // A view of the hamstring origin shows the ischial tuberosity; without it nothing here is
    // claimed as the tendon.
    if (!w.bone.found()) {
        seg.warnings.emplace_back("no bone surface found");
    } else if (long_score > 0.0 && long_score >= 0.8 * trans_score)
        view = View::longitudinal;
    else if (trans_score > 0.0)
        view = View::transverse;
    const double bone_term = w.bone.found() ? 0.6 + 0.4 * w.bone.strength : 0.45;

    const double f = w.f;
    if (view == View::longitudinal) {
        std::vector<cv::Point2d> outline;
        const int n = lc.x1 - lc.x0 + 1;
        // Borders found at the work resolution are placed on the frame's own rows: the strongest
        // step of the right sign within a work pixel and a half of the coarse border.
        const int half_band = std::max(1, static_cast<int>(std::lround(0.3 / dx)));
        const int search = static_cast<int>(std::ceil(1.5 / f));
        auto refine = [&](double work_x, double work_row, bool top) {
            const int fx = std::clamp(static_cast<int>(std::lround(to_frame(work_x, f))), 0, grey.cols - 1);
            const int fy = static_cast<int>(std::lround(to_frame(work_row, f)));
            const int c0 = std::max(0, fx - half_band);
            const int c1 = std::min(grey.cols - 1, fx + half_band);
            auto profile = [&](int r) {
                r = std::clamp(r, 0, grey.rows - 1);
                const float* row = filled.ptr<float>(r);
                double sum = 0.0;
                for (int c = c0; c <= c1; ++c)
                    sum += row[c];
                return sum / (c1 - c0 + 1);
            };
            auto smoothed = [&](int r) { return 0.25 * profile(r - 1) + 0.5 * profile(r) + 0.25 * profile(r + 1); };
            double best_step = 0.0;
            int best_row = fy;
            for (int r = fy - search; r <= fy + search; ++r) {
                const double step = top ? smoothed(r) - smoothed(r - 1) : smoothed(r) - smoothed(r + 1);
                if (step > best_step) {
                    best_step = step;
                    best_row = r;
                }
            }
            // A border that is a bright line (the paratenon, or a fascia on the deep side) lies at
            // the line's centre; the steepest rise found above is its outer flank, which the
            // line's blur puts a few tenths of a millimetre outside. The line is there when the
            // brightest row within half a millimetre inwards stands clearly above the tendon
            // further in.
            const int inward = top ? 1 : -1;
            const int ridge_reach = std::max(1, static_cast<int>(std::lround(0.5 / dy)));
            int peak = best_row;
            for (int k = 1; k <= ridge_reach; ++k)
                if (smoothed(best_row + inward * k) > smoothed(peak))
                    peak = best_row + inward * k;
            if (peak != best_row) {
                const int beyond0 = std::max(1, static_cast<int>(std::lround(0.5 / dy)));
                const int beyond1 = std::max(beyond0 + 1, static_cast<int>(std::lround(1.0 / dy)));
                double further_in = 0.0;
                for (int k = beyond0; k <= beyond1; ++k)
                    further_in += smoothed(peak + inward * k);
                further_in /= beyond1 - beyond0 + 1;
                const double outside = smoothed(best_row - inward * std::max(1, static_cast<int>(std::lround(0.3 / dy))));
                const double height = smoothed(peak) - outside;
                if (height > 0.0 && smoothed(peak) - further_in >= 0.15 * height)
                    best_row = peak;
            }
            return static_cast<double>(std::clamp(best_row, 0, grey.rows - 1));
        };
        std::vector<double> top_rows, bottom_rows;
        for (int i = 0; i < n; ++i) {
            top_rows.push_back(refine(lc.x0 + i, lc.top_edge[static_cast<std::size_t>(i)], true));
            bottom_rows.push_back(std::max(top_rows.back(), refine(lc.x0 + i, lc.bottom_edge[static_cast<std::size_t>(i)], false)));
        }
        // Each column was placed on its own: speckle moves single columns by a row or two, which
        // a smooth boundary does not do (and which would inflate the maximum thickness). A running
        // median over about a millimetre, then a mean over half of it, removes that.
        const int median_half = std::max(1, static_cast<int>(std::lround(0.5 * w.px_x)));
        const int mean_half = std::max(1, median_half / 2);
        auto smooth_rows = [&](std::vector<double>& rows_along) {
            const int count = static_cast<int>(rows_along.size());
            std::vector<double> median(rows_along.size());
            for (int i = 0; i < count; ++i) {
                std::vector<double> window(rows_along.begin() + std::max(0, i - median_half),
                                           rows_along.begin() + std::min(count, i + median_half + 1));
                std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2), window.end());
                median[static_cast<std::size_t>(i)] = window[window.size() / 2];
            }
            for (int i = 0; i < count; ++i) {
                const int a = std::max(0, i - mean_half);
                const int b = std::min(count - 1, i + mean_half);
                rows_along[static_cast<std::size_t>(i)] =
                    std::accumulate(median.begin() + a, median.begin() + b + 1, 0.0) / (b - a + 1);
            }
        };
        smooth_rows(top_rows);
        smooth_rows(bottom_rows);
        for (int i = 0; i < n; ++i)
            bottom_rows[static_cast<std::size_t>(i)] = std::max(bottom_rows[static_cast<std::size_t>(i)], top_rows[static_cast<std::size_t>(i)]);
        for (int i = 0; i < n; ++i)
            outline.emplace_back(to_frame(lc.x0 + i, f), top_rows[static_cast<std::size_t>(i)]);
        for (int i = n - 1; i >= 0; --i)
            outline.emplace_back(to_frame(lc.x0 + i, f), bottom_rows[static_cast<std::size_t>(i)]);
        // Extend the ends by half a work pixel so the first and last columns are whole.
        const double half = 0.5 / f;
        outline.front().x -= half;
        outline[static_cast<std::size_t>(n - 1)].x += half;
        outline[static_cast<std::size_t>(n)].x += half;
        outline.back().x -= half;
        constexpr int kShift = 4;
        std::vector<cv::Point> poly;
        for (const auto& p : outline)
            poly.emplace_back(static_cast<int>(std::lround(p.x * (1 << kShift))), static_cast<int>(std::lround(p.y * (1 << kShift))));
        cv::fillPoly(seg.mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_8, kShift);
        for (int i = 0; i < n; ++i) {
            seg.superficial_border.emplace_back(static_cast<int>(std::lround(to_frame(lc.x0 + i, f))),
                                                static_cast<int>(std::lround(top_rows[static_cast<std::size_t>(i)])));
            seg.deep_border.emplace_back(static_cast<int>(std::lround(to_frame(lc.x0 + i, f))),
                                         static_cast<int>(std::lround(bottom_rows[static_cast<std::size_t>(i)])));
        }
        // Insertion: the end of the band whose deep border rests on the bone.
        const int near_px = mm_to_px(1.0, w.px_y);
        auto on_bone = [&](int x, double bottom) {
            const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
            return b >= 0 && b - bottom <= near_px;
        };
        const bool left = on_bone(lc.x0, lc.bottom_edge.front());
        const bool right = on_bone(lc.x1, lc.bottom_edge.back());
        if (left || right) {
            const bool use_left = left && (!right || w.bone.row_per_col[static_cast<std::size_t>(lc.x0)] <
                                                         w.bone.row_per_col[static_cast<std::size_t>(lc.x1)]);
            const int x = use_left ? lc.x0 : lc.x1;
            const double yb = use_left ? lc.bottom_edge.front() : lc.bottom_edge.back();
            seg.insertion = cv::Point(static_cast<int>(std::lround(to_frame(x, f))), static_cast<int>(std::lround(to_frame(yb - 0.5, f))));
        } else {
            seg.warnings.emplace_back("insertion not in view");
            long_score *= 0.5;
        }
        seg.confidence = long_score * bone_term;
    } else if (view == View::transverse) {
        constexpr int kShift = 4;
        std::vector<cv::Point> poly;
        for (const auto& p : tc.contour) {
            const cv::Point2d q(to_frame(p.x, f), to_frame(p.y, f));
            seg.contour.emplace_back(static_cast<int>(std::lround(q.x)), static_cast<int>(std::lround(q.y)));
            poly.emplace_back(static_cast<int>(std::lround(q.x * (1 << kShift))), static_cast<int>(std::lround(q.y * (1 << kShift))));
        }
        cv::fillPoly(seg.mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_8, kShift);
        seg.confidence = trans_score * bone_term;
    }

    // The mask stays in the imaged part of the tissue area and above the bone surface.
    if (view != View::none) {
        cv::Mat searched;
        cv::resize(w.tissue, searched, grey.size(), 0, 0, cv::INTER_NEAREST);
        cv::dilate(searched, searched, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
        seg.mask &= tissue_mask & searched;
        if (w.bone.found())
            for (int x = 0; x < grey.cols; ++x) {
                const int wx = std::clamp(static_cast<int>((x + 0.5) * f), 0, cols - 1);
                const int b = w.bone.row_per_col[static_cast<std::size_t>(wx)];
                if (b < 0)
                    continue;
                const int fb = std::max(0, static_cast<int>(std::ceil(to_frame(b - 0.5, f))));
                for (int y = fb; y < grey.rows; ++y)
                    seg.mask.at<unsigned char>(y, x) = 0;
            }
    }
    for (int x = 0; x < cols; ++x) {
        const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (b >= 0)
            seg.bone_surface.emplace_back(static_cast<int>(std::lround(to_frame(x, f))),
                                          static_cast<int>(std::lround(to_frame(b, f))));
    }

    // Tendon imaging needs a high-frequency probe: pixels coarser than 0.25 mm cannot resolve a
    // 3-12 mm tendon's borders (and such scans are cardiac or abdominal, not musculoskeletal).
    if (view != View::none && spacing_mm && std::max(dx, dy) > 0.25) {
        seg.confidence = std::min(seg.confidence, 0.3);
        seg.warnings.emplace_back("pixels too coarse for tendon measurement");
    }
    // Without a calibration the size rules above were checked on an assumed spacing: the outline
    // may be shown, but it is not a confident tendon.
    if (view != View::none && !spacing_mm)
        seg.confidence = std::min(seg.confidence, 0.45);
    if (view != View::none && seg.confidence < 0.2) {
        seg.warnings.emplace_back("low contrast");
    }
    if (view == View::none || cv::countNonZero(seg.mask) == 0) {
        seg.view = View::none;
        seg.mask.setTo(0);
        seg.superficial_border.clear();
        seg.deep_border.clear();
        seg.contour.clear();
        seg.insertion.reset();
        seg.confidence = 0.0;
        seg.warnings.emplace_back("no tendon found");
        return seg;
    }
    seg.view = view;
    // Partly out of view: the mask touches the top or bottom of the tissue area.
    cv::Mat edge;
    cv::erode(tissue_mask, edge, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    edge = tissue_mask & ~edge;
    if (cv::countNonZero(edge & seg.mask) > 0)
        seg.warnings.emplace_back("tendon partly out of view");
    // Heavy shadow: much of the tissue above the bone is nearly black.
    cv::Mat dark = (grey < 12) & tissue_mask;
    if (cv::countNonZero(dark & seg.mask) > 0.2 * cv::countNonZero(seg.mask))
        seg.warnings.emplace_back("heavy shadow");
    return seg;
}

} // namespace tendo
