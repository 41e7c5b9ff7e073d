#include "tendon_finders.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace tendo::detail {

namespace {

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

/// `w.searched(area)` without the pixels that have bone within `reach_px` along their row: the
/// cortex's brightness spreads that far into the smoothed rows beside a steep bone, and must not
/// pass for tendon enclosing the tissue between a band and the bone it inserts on.
cv::Mat searched_away_from_bone(const Work& w, const cv::Rect& area, int reach_px) {
    cv::Mat searched = w.searched(area);
    if (!w.bone.found())
        return searched;
    cv::Mat bone = cv::Mat::zeros(area.size(), CV_8UC1);
    for (int x = area.x; x < area.x + area.width; ++x) {
        if (w.bone.row_per_col[static_cast<std::size_t>(x)] < 0)
            continue;
        const int from = std::max(area.y, w.limit[static_cast<std::size_t>(x)]);
        if (from < area.y + area.height)
            bone(cv::Range(from - area.y, area.height), cv::Range(x - area.x, x - area.x + 1)).setTo(255);
    }
    cv::dilate(bone, bone, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * reach_px + 1, 1)));
    searched.setTo(0, bone);
    return searched;
}

} // namespace

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
    std::vector<double> thickness_weight; // thicker bars are favoured a little
    for (double h : half_mm) {
        half_px.push_back(mm_to_px(h, w.px_y));
        thickness_weight.push_back(std::pow(h / 2.2, 0.25));
    }
    const int side_min = mm_to_px(0.8, w.px_y);

    // Tens of millions of box means a frame: divisions by a count become products with its inverse.
    std::vector<double> inverse(static_cast<std::size_t>(rows) + 2, 0.0);
    for (std::size_t n = 1; n < inverse.size(); ++n)
        inverse[n] = 1.0 / static_cast<double>(n);
    std::vector<double> weight_per_level(thickness_weight.size());
    for (std::size_t k = 0; k < thickness_weight.size(); ++k)
        weight_per_level[k] = thickness_weight[k] / level;
    cv::Mat response(rows, cols, CV_32FC1, cv::Scalar(0));
    cv::Mat scale(rows, cols, CV_8UC1, cv::Scalar(0));
    for (int x = 0; x < cols; ++x) {
        const int top = w.top[static_cast<std::size_t>(x)];
        const int limit = w.limit[static_cast<std::size_t>(x)];
        if (top < 0)
            continue;
        // Every box below lies within [top, limit), inside the column: its sums need no clamping.
        const double* column = sums.column(x);
        auto mean = [&](int y0, int y1) { return (column[y1] - column[y0]) * inverse[static_cast<std::size_t>(y1 - y0)]; };
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
                const double inside = mean(a, b);
                const int ua = std::max(top, a - side);
                if (a - ua < side / 2)
                    break;
                const double up = mean(ua, a);
                const int db = std::min(limit, b + side);
                double contrast = inside - up;
                if (db - b >= std::max(1, side / 3))
                    contrast = std::min(contrast, inside - mean(b, db));
                // Thicker bars are favoured a little so a thin bright line inside does not win.
                const float v = static_cast<float>(contrast * weight_per_level[k]);
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
                // The best way on from the previous column; starting here instead wins only when
                // it scores no more than a start (0), so the costly start test waits until then.
                float prev = kNone;
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
                if (prev <= 0.0f && can_start(y, x, direction)) {
                    prev = 0.0f;
                    arg = -1;
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
    // The bar response along the band's centre, columns x0..x1.
    auto response_along = [&](int x0, int x1) {
        std::vector<float> along;
        for (int x = x0; x <= x1; ++x)
            along.push_back(response.at<float>(centre[static_cast<std::size_t>(x)], x));
        return along;
    };
    // A weak stretch at the insertion end is tissue the band ran on into (muscle over the bone
    // beyond the insertion): the band starts where it is clearly bright again, if it rests on the
    // bone there too.
    if (w.bone.found() && last - first >= 4) {
        const std::vector<float> along = response_along(first, last);
        std::vector<float> sorted = along;
        const auto weak = static_cast<float>(0.5 * percentile_of(sorted, 90.0));
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
    double contrast_sum = 0.0;
    std::vector<int> half;
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
        const std::vector<float> along = response_along(cand.x0, cand.x1);
        std::vector<float> sorted = along;
        const auto strong = static_cast<float>(percentile_of(sorted, 90.0));
        cand.coverage = static_cast<double>(std::count_if(along.begin(), along.end(), [&](float v) { return v >= 0.5f * strong; })) /
                        static_cast<double>(along.size());
    }
    std::nth_element(half.begin(), half.begin() + static_cast<std::ptrdiff_t>(half.size() / 2), half.end());
    const int hm = half[half.size() / 2];

    // Borders: the strongest dark-to-bright rise going down and bright-to-dark fall, the first
    // mostly above the centre and the second below it, each a smooth path. The deep border may sit
    // on the bone when no dark gap separates them.
    const int reach = static_cast<int>(std::lround(1.8 * hm + 0.6 * w.px_y));
    // The bar detector may lock on a bright part of a thick tendon whose other part is hypoechoic:
    // the bright top over a dark deep half, or a bright deep half under dark foci at the top (then
    // a superficial border within the bar's reach cut the tendon in two: docs/accuracy.md). Both
    // borders are searched as far as the thickest tendon's depth (12 mm) from the centre.
    const int border_reach = std::max(reach, mm_to_px(12.0, w.px_y));
    const int inner = std::max(1, static_cast<int>(std::lround(0.25 * hm)));
    const int rk = mm_to_px(0.4, w.px_y);
    const int near_gap = mm_to_px(0.3, w.px_y);
    const int far_gap = near_gap + mm_to_px(1.2, w.px_y);
    // Region term: Otsu's split of the grey levels around the band (tendon against the tissue
    // around it); a border that takes in darker tissue loses, one that leaves out brighter loses.
    std::vector<float> around;
    for (int i = 0; i < n; ++i) {
        const int cx = cand.x0 + i;
        const int c = centre[static_cast<std::size_t>(cx)];
        const int y0 = std::max(w.top[static_cast<std::size_t>(cx)], c - reach);
        const int y1 = std::min(w.limit[static_cast<std::size_t>(cx)], c + border_reach + 1);
        for (int y = y0; y < y1; ++y)
            around.push_back(smooth.at<float>(y, cx));
    }
    const double split = otsu_split(around);
    // Region sums read grey levels in which a dark stretch of a row with brighter tissue on both
    // sides within kFocusSpanMm counts as that brighter level: a hypoechoic focus enclosed by the
    // tendon along its length, unlike the muscle under it, which is dark all along. Longer foci
    // deep of the band's centre are read along the band itself (`fill_foci_along_band`).
    const ColumnSums region_sums = [&] {
        // Only the band's rows and the span beyond its ends are read (rows are filled on their own).
        const int span = mm_to_px(kFocusSpanMm, w.px_x);
        const int margin = span + static_cast<int>(std::ceil(4.0 * std::max(1.0, w.px_x))) + 1;
        int y0 = rows, y1 = 0;
        for (int i = 0; i < n; ++i) {
            const int c = centre[static_cast<std::size_t>(cand.x0 + i)];
            y0 = std::min(y0, c - border_reach);
            y1 = std::max(y1, c + border_reach + 1);
        }
        // The rows are smoothed over a millimetre before they are compared (`enclosed_foci_filled`),
        // over the whole row: the cortex's brightness spreading in beside the bone fills a
        // hypoechoic focus against the bone at the insertion (smoothed within the searched tissue,
        // two such tendons of the phantom's 52 seeds lost a third of their outline), and also
        // tissue in the angle between a band and a steep bone (4 tendons read 0.5-1.8 mm too thick
        // there): docs/accuracy.md.
        const int bone_reach = mm_to_px(1.0, w.px_x);
        const cv::Rect near_band = cv::Rect(cand.x0 - margin, y0, n + 2 * margin, y1 - y0) & cv::Rect(0, 0, cols, rows);
        cv::Mat levels = smooth.clone();
        if (!near_band.empty()) {
            const cv::Mat enclosing = searched_away_from_bone(w, near_band, bone_reach);
            enclosed_foci_filled(smooth(near_band), enclosing, span, w.px_x, RowSmoothing::whole_row).copyTo(levels(near_band));
        }
        fill_foci_along_band(levels, smooth, w, centre, cand.x0, n, border_reach, split);
        // Beyond the tissue area (a fan's slanting side) the grey is not known, not dark: taking it
        // in neither gains nor loses. Read as dark, it pushed the superficial border off the tendon
        // where the view cuts its top, and the deep border, a thickness below it, into the muscle.
        levels.setTo(split, w.tissue == 0);
        return ColumnSums(levels);
    }();
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
        // The superficial border may lie below the centre (down to where the deep border's search
        // begins): the thickest bars can take the muscle over a thinner tendon in with it, their
        // centre then above the tendon.
        for (int yy = std::max(top + 1, c - border_reach); yy <= std::min(limit - 2, c + inner - 1); ++yy) {
            const bool above_seen = yy - far_gap >= imaged_top;
            const double just_inside = mean_rows(yy + near_gap, yy + far_gap);
            // A bright line is the tendon's paratenon only over tissue as bright as tendon (above
            // the split): a fascia over a darker gap of muscle is not the superficial border.
            const double ridge = above_seen && just_inside >= split
                                     ? std::max(0.0, smooth.at<float>(yy, cx) - 0.5 * (mean_above(yy - rk - 1, yy - rk + 1) + mean_rows(yy + rk, yy + rk + 2)))
                                     : 0.0;
            const double step = above_seen ? just_inside - mean_above(yy - far_gap, yy - near_gap) : 0.0;
            const float v = static_cast<float>((ridge + step) / level);
            // Tissue from the border to the centre is taken in; below the centre, what lies between
            // the centre and the border is left out (the sign turns).
            const double taken_in = yy <= c ? region_sums.sum(cx, yy, c + 1) - split * (c + 1 - yy)
                                            : -(region_sums.sum(cx, c + 1, yy) - split * (yy - c - 1));
            const double region = split > 0.0 ? taken_in * region_weight : 0.0;
            top_score.at<float>(yy, i) = v + static_cast<float>(region);
            strongest = std::max(strongest, v);
        }
        top_strength.push_back(strongest);
        for (int yy = c + inner; yy <= std::min(limit - 1, c + border_reach); ++yy) {
            // Windows below the border that the searched area cuts off (at the bone or the
            // image's bottom) hold nothing to compare with: no edge is seen there (the bone's own
            // edge is scored below, only where no darker gap lies over it).
            const bool below_seen = yy + far_gap <= limit;
            const double ridge = below_seen ? std::max(0.0, smooth.at<float>(yy, cx) - 0.5 * (mean_rows(yy - rk - 1, yy - rk + 1) + mean_rows(yy + rk, yy + rk + 2))) : 0.0;
            const double step = below_seen ? mean_rows(yy - far_gap, yy - near_gap) - mean_rows(yy + near_gap, yy + far_gap) : 0.0;
            const double region = split > 0.0 ? (region_sums.sum(cx, c, yy + 1) - split * (yy + 1 - c)) * region_weight : 0.0;
            bottom_score.at<float>(yy, i) = static_cast<float>((ridge + step) / level + region);
        }
    }
    std::vector<float> sorted = top_strength;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const float typical_edge = sorted[sorted.size() / 2];
    const int gap_probe = mm_to_px(1.0, w.px_y);
    // At the insertion, where the fibres enter the bone, the cortex is the deep edge. Farther on
    // the tendon leaves the bone as the bone curves away under it, and the tissue between them
    // (its last millimetre brightened by the cortex's blur) drew the deep border down to the bone:
    // there the tendon's own lower edge is the border. The footprint is taken as the band's last
    // 8 mm at the bone (a thick tendon's deep border is held below a focus from there on).
    constexpr double kInsertionFootprintMm = 8.0;
    const int footprint = mm_to_px(kInsertionFootprintMm, w.px_x);
    for (int i = 0; i < n; ++i) {
        const int cx = cand.x0 + i;
        const int limit = w.limit[static_cast<std::size_t>(cx)];
        if ((insertion_side > 0 ? i : n - 1 - i) > footprint)
            continue;
        // Resting on the bone, the cortex is the deep edge, worth most of a typical edge; the
        // tissue taken in above it still counts.
        const int c = centre[static_cast<std::size_t>(cx)];
        if (!w.bone.found() || w.bone.row_per_col[static_cast<std::size_t>(cx)] < 0 || limit - 1 <= c ||
            bottom_score.at<float>(limit - 1, i) <= kNone)
            continue;
        // Not where the last millimetre above the bone is darker than the split: a gap of fat
        // lies between the tendon and the bone there, and the tendon's deep border is above it.
        if (sums.mean(cx, std::max(c, limit - gap_probe), limit) < split)
            continue;
        const double region = split > 0.0 ? (region_sums.sum(cx, c, limit) - split * (limit - c)) * region_weight : 0.0;
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
            for (int yy = limit; yy <= std::min(rows - 1, c + border_reach); ++yy)
                bottom_score.at<float>(yy, i) = on_bone;
        }
        const int max_thick = 2 * border_reach + 2;
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
        // Where the superficial border sinks or rises steeply (the view's edge or a hypoechoic top
        // pushed it off the tendon), the deep border need not follow it into the muscle; where the
        // searched area's edge cuts the tendon (no bone ends the column), the deep border may rest
        // on that edge whatever the thickness before.
        std::vector<double> top_rows(static_cast<std::size_t>(groups), -1.0);
        cv::Mat pressed(max_thick, groups, CV_8UC1, cv::Scalar(0));
        for (int gi = 0; gi < groups; ++gi) {
            double sum = 0.0;
            int count = 0;
            for (int i = gi * group; i < std::min(n, (gi + 1) * group); ++i) {
                const int t = top_path[static_cast<std::size_t>(i)];
                if (t < 0)
                    continue;
                sum += t;
                ++count;
                const int cx = cand.x0 + i;
                if (w.bone.row_per_col[static_cast<std::size_t>(cx)] >= 0)
                    continue;
                const int edge_k = std::max(0, w.limit[static_cast<std::size_t>(cx)] - 1 - t);
                if (edge_k < max_thick)
                    pressed(cv::Range(edge_k, max_thick), cv::Range(gi, gi + 1)).setTo(255);
            }
            if (count > 0)
                top_rows[static_cast<std::size_t>(gi)] = sum / count;
        }
        const std::vector<int> thick_path = thickness_path(by_thickness, top_rows, pressed, 0.1f * static_cast<float>(group));
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
        if (t < 0)
            t = std::max(w.top[static_cast<std::size_t>(cx)], c - hm);
        if (b <= t || b >= rows)
            b = std::max(t + 1, std::min(w.limit[static_cast<std::size_t>(cx)] - 1, c + hm));
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

} // namespace tendo::detail
