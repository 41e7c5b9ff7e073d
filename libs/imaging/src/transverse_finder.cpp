#include "tendon_finders.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

namespace tendo::detail {

namespace {

/// Weighted means over boxes from one integral image holding value×weight and weight side by
/// side (both sums of a box come from the same four memory places).
class WeightedBoxMeans {
public:
    WeightedBoxMeans(const cv::Mat& values, const cv::Mat& weights) {
        cv::Mat both;
        cv::merge(std::vector<cv::Mat>{values.mul(weights), weights}, both);
        cv::integral(both, integral_, CV_64F);
    }

    /// Mean over [x0, x1) x [y0, y1) clipped to the image, or nothing when the weight there is
    /// below min_fraction of the whole box's area (or below one pixel).
    std::optional<double> operator()(int x0, int y0, int x1, int y1, double min_fraction) const {
        const double area = std::max(1, (x1 - x0) * (y1 - y0));
        x0 = std::clamp(x0, 0, integral_.cols - 1);
        x1 = std::clamp(x1, 0, integral_.cols - 1);
        y0 = std::clamp(y0, 0, integral_.rows - 1);
        y1 = std::clamp(y1, 0, integral_.rows - 1);
        if (x1 <= x0 || y1 <= y0)
            return std::nullopt;
        const auto* top = integral_.ptr<cv::Vec2d>(y0);
        const auto* bottom = integral_.ptr<cv::Vec2d>(y1);
        const cv::Vec2d sums = bottom[x1] - top[x1] - bottom[x0] + top[x0];
        if (sums[1] < min_fraction * area || sums[1] < 1.0)
            return std::nullopt;
        return sums[0] / sums[1];
    }

private:
    cv::Mat integral_;
};

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

/// A cross-section candidate: a box of half-width `a_mm` and half-height `b_mm` whose bottom lies
/// at work row `bottom` in column `x`, with its contrast `v` (to the tissue above and beside it),
/// the lateral part of it and the grey `split` half-way between inside and beside.
struct Box {
    double v = 0.0;
    double a_mm = 0.0, b_mm = 0.0;
    int x = -1, bottom = 0;
    double lateral = 0.0, split = 0.0;
};

/// An ellipse (work pixels) and the mean grey step across its rim, relative to the bright level.
struct Ellipse {
    double rim, cx, cy, ea, eb;
};

/// The ellipses an ellipse fit tries (work pixels): half-widths from `ea_min` to `ea_max` and
/// half-heights from `eb_min` to the lower of `eb_max(ea)` and 1.2 `ea` (both by 12 % steps), centred
/// within `shift` half-widths of `cx`, their lowest point on the bone; (`cx`, `cy`, `ea`, `eb`) is
/// the ellipse taken when none of them can be read.
struct EllipseSearch {
    double cx, cy, ea, eb;
    double ea_min, ea_max;
    double eb_min;
    std::function<double(double ea)> eb_max;
    double shift;
};

/// A bright box lies inside the cross-section (a box fills an ellipse's middle only): the ellipse
/// itself is one around it, from 0.9 to 2.3 times its half-width and 0.9 to 2.6 times its
/// half-height (or half its half-width: the best box can be a thin bright strip, the deep rim of a
/// hypoechoic tendon on the bone).
EllipseSearch around_box(const Work& w, const Box& box) {
    const double ax = box.a_mm * w.px_x;
    const double by = box.b_mm * w.px_y;
    const double aspect = w.px_y / w.px_x;
    return {static_cast<double>(box.x),
            static_cast<double>(box.bottom - mm_to_px(box.b_mm, w.px_y)),
            ax,
            by,
            0.9 * ax,
            2.3 * ax,
            0.9 * by,
            [=](double ea) { return std::max(2.6 * by, 0.5 * ea * aspect); },
            0.6};
}

/// The ellipse found grown to up to twice its size (or shrunk by 5 %) across and 60 % down, its
/// centre moved by up to 0.6 of its half-width: a refit on a grey where foci it had left out read
/// as tendon. A large tendinopathic cross-section split by a focus wider than the fill's span is
/// found as its brighter side; its other side lies a half-width or more away.
EllipseSearch around_ellipse(const Ellipse& e) {
    return {e.cx, e.cy, e.ea, e.eb, 0.95 * e.ea, 2.0 * e.ea, 0.95 * e.eb, [=](double) { return 1.6 * e.eb; }, 0.6};
}

/// The ellipse whose rim separates brighter inside from darker outside best, with its lowest point
/// on the bone, of those `search` tries. `clipped` is the grey image, `clipped_allowed` the same with
/// NaN outside the searchable pixels.
Ellipse fit_ellipse(const Work& w, const cv::Mat& clipped, const cv::Mat& clipped_allowed, double level,
                    const EllipseSearch& search) {
    const int rows = clipped.rows;
    const int cols = clipped.cols;
    const cv::Point2d centre(search.cx, search.cy);
    // The nearest pixel's column or row, -1 off the image.
    auto column_of = [&](double x) { return x < -0.5 || static_cast<int>(x + 0.5) >= cols ? -1 : static_cast<int>(x + 0.5); };
    auto row_of = [&](double y) { return y < -0.5 || static_cast<int>(y + 0.5) >= rows ? -1 : static_cast<int>(y + 0.5); };
    auto allowed_at = [&](double x, double y) {
        const int ix = column_of(x), iy = row_of(y);
        return ix >= 0 && iy >= 0 && !std::isnan(clipped_allowed.at<float>(iy, ix));
    };
    // The rim is sampled at the same 48 angles for every ellipse tried (tens of thousands).
    constexpr int kPoints = 48;
    std::array<double, kPoints> cosines{}, sines{};
    for (int k = 0; k < kPoints; ++k) {
        cosines[static_cast<std::size_t>(k)] = std::cos(2.0 * CV_PI * k / kPoints);
        sines[static_cast<std::size_t>(k)] = std::sin(2.0 * CV_PI * k / kPoints);
    }
    // Every other angle, read at the nearest pixel, ranks the ellipses; the best few are then
    // compared on all angles, interpolated.
    auto rim_contrast = [&](double cx, double cy, double ea, double eb) {
        double sum = 0.0;
        int n = 0;
        for (int k = 0; k < kPoints; ++k) {
            const double c = cosines[static_cast<std::size_t>(k)], sn = sines[static_cast<std::size_t>(k)];
            const double xi = cx + 0.85 * ea * c, yi = cy + 0.85 * eb * sn;
            const double xo = cx + 1.2 * ea * c, yo = cy + 1.2 * eb * sn;
            if (!allowed_at(xi, yi) || !allowed_at(xo, yo))
                continue; // the bone or the edge of the view: no evidence either way
            sum += bilinear(clipped, xi, yi) - bilinear(clipped, xo, yo);
            ++n;
        }
        return n >= kPoints / 2 ? sum / n / level : -1e9;
    };
    // The ranking reads tens of thousands of ellipses: each size's rim offsets are computed once,
    // each centre column's rim columns once for all heights tried, and each rim point is read once
    // (NaN outside the searchable area).
    constexpr int kRankPoints = kPoints / 2;
    std::array<double, kRankPoints> inner_dx{}, inner_dy{}, outer_dx{}, outer_dy{};
    std::array<int, kRankPoints> inner_col{}, outer_col{}; // -1: off the image
    const auto* allowed_data = clipped_allowed.ptr<float>(0);
    const std::size_t allowed_step = clipped_allowed.step1();
    auto rank_contrast = [&](double cy) {
        double sum = 0.0;
        int n = 0;
        for (std::size_t k = 0; k < kRankPoints; ++k) {
            if (inner_col[k] < 0 || outer_col[k] < 0)
                continue;
            const int iyi = row_of(cy + inner_dy[k]), iyo = row_of(cy + outer_dy[k]);
            if (iyi < 0 || iyo < 0)
                continue;
            const float inside = allowed_data[static_cast<std::size_t>(iyi) * allowed_step + static_cast<std::size_t>(inner_col[k])];
            const float outside = allowed_data[static_cast<std::size_t>(iyo) * allowed_step + static_cast<std::size_t>(outer_col[k])];
            if (std::isnan(inside) || std::isnan(outside))
                continue;
            sum += inside - outside;
            ++n;
        }
        return n >= kRankPoints / 2 ? sum / n / level : -1e9;
    };
    constexpr std::size_t kFinalists = 16;
    std::vector<Ellipse> finalists; // best first, by the coarse rim contrast
    const double into_bone = mm_to_px(1.0, w.px_y);
    const double above_bone = mm_to_px(1.5, w.px_y);
    const double y_step = std::max(1.0, 0.3 * w.px_y);
    for (double ea = search.ea_min; ea <= search.ea_max; ea *= 1.12)
        for (double eb = search.eb_min; eb <= search.eb_max(ea) && eb <= 1.2 * ea; eb *= 1.12) {
            for (std::size_t k = 0; k < kRankPoints; ++k) {
                inner_dx[k] = 0.85 * ea * cosines[2 * k];
                inner_dy[k] = 0.85 * eb * sines[2 * k];
                outer_dx[k] = 1.2 * ea * cosines[2 * k];
                outer_dy[k] = 1.2 * eb * sines[2 * k];
            }
            for (double shift = -search.shift; shift <= search.shift + 0.01; shift += 0.15) {
                const double cx = centre.x + shift * ea;
                const int bx = static_cast<int>(std::lround(cx));
                if (bx < 0 || bx >= cols)
                    continue;
                const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(bx)];
                if (bone_row < 0)
                    continue;
                for (std::size_t k = 0; k < kRankPoints; ++k) {
                    inner_col[k] = column_of(cx + inner_dx[k]);
                    outer_col[k] = column_of(cx + outer_dx[k]);
                }
                for (double bottom = bone_row - above_bone; bottom <= bone_row + into_bone; bottom += y_step) {
                    const Ellipse e{rank_contrast(bottom - eb), cx, bottom - eb, ea, eb};
                    if (e.rim <= -1e9 || (finalists.size() == kFinalists && e.rim <= finalists.back().rim))
                        continue;
                    const auto at = std::upper_bound(finalists.begin(), finalists.end(), e.rim,
                                                     [](double r, const Ellipse& f) { return r > f.rim; });
                    finalists.insert(at, e);
                    if (finalists.size() > kFinalists)
                        finalists.pop_back();
                }
            }
        }
    Ellipse best{-1e9, centre.x, centre.y, search.ea, search.eb};
    for (Ellipse e : finalists) {
        e.rim = rim_contrast(e.cx, e.cy, e.ea, e.eb);
        if (e.rim > best.rim)
            best = e;
    }
    return best;
}

/// The share (0-1) of an ellipse's middle columns (within 0.7 half-widths of its centre) where its
/// lower edge reaches the bone surface (within 0.5 mm above it, or below it).
double bone_contact(const Work& w, const Ellipse& e) {
    const double near_px = 0.5 * w.px_y;
    const int cols = static_cast<int>(w.bone.row_per_col.size());
    int touching = 0, counted = 0;
    const int first = std::max(0, static_cast<int>(std::ceil(e.cx - 0.7 * e.ea)));
    const int last = std::min(cols - 1, static_cast<int>(std::floor(e.cx + 0.7 * e.ea)));
    for (int x = first; x <= last; ++x) {
        const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (bone_row < 0)
            continue;
        const double u = (x - e.cx) / e.ea;
        const double lower_edge = e.cy + e.eb * std::sqrt(std::max(0.0, 1.0 - u * u));
        ++counted;
        touching += lower_edge >= bone_row - near_px;
    }
    return counted > 0 ? static_cast<double>(touching) / counted : 0.0;
}

/// How steeply the bone under an ellipse's middle slopes across the image (rise over run in mm,
/// between the bone under its centre ± half its half-width); +infinity where the bone is missing.
double bone_slope(const Work& w, const Ellipse& e) {
    const int cols = static_cast<int>(w.bone.row_per_col.size());
    const int left = std::clamp(static_cast<int>(std::lround(e.cx - 0.5 * e.ea)), 0, cols - 1);
    const int right = std::clamp(static_cast<int>(std::lround(e.cx + 0.5 * e.ea)), 0, cols - 1);
    const int left_row = w.bone.row_per_col[static_cast<std::size_t>(left)];
    const int right_row = w.bone.row_per_col[static_cast<std::size_t>(right)];
    if (left_row < 0 || right_row < 0 || right <= left)
        return std::numeric_limits<double>::infinity();
    return std::abs((right_row - left_row) / w.px_y) / ((right - left) / w.px_x);
}

/// Whether `inner`'s centre lies inside `outer`.
bool centred_inside(const Ellipse& inner, const Ellipse& outer) {
    const double u = (inner.cx - outer.cx) / outer.ea;
    const double v = (inner.cy - outer.cy) / outer.eb;
    return u * u + v * v < 1.0;
}

/// The boxes an ellipse is fitted from: the best of each size, best first, leaving out one that
/// is centred within the half-width of a box already taken and less than 1.5 times larger or
/// smaller than it (the same cross-section again).
std::vector<Box> distinct_boxes(std::vector<Box> best_per_size, std::size_t count, double px_x) {
    std::sort(best_per_size.begin(), best_per_size.end(), [](const Box& p, const Box& q) { return p.v > q.v; });
    std::vector<Box> taken;
    for (const Box& b : best_per_size) {
        if (taken.size() == count)
            break;
        const bool repeat = std::any_of(taken.begin(), taken.end(), [&](const Box& t) {
            return std::abs(b.x - t.x) / px_x < t.a_mm && std::max(b.a_mm / t.a_mm, t.a_mm / b.a_mm) < 1.5;
        });
        if (!repeat)
            taken.push_back(b);
    }
    return taken;
}

/// The closed outline of a cross-section around its fitted ellipse and the box that ellipse was
/// fitted from (work coordinates, one point per ray).
std::vector<cv::Point2d> outline_around(const Work& w, const cv::Mat& smooth, double level, float clip_level,
                                        const Ellipse& ellipse, const Box& box) {
    std::vector<cv::Point2d> contour;
    const int cols = smooth.cols;
    const cv::Point centre(static_cast<int>(std::lround(ellipse.cx)), static_cast<int>(std::lround(ellipse.cy)));
    const double ax = ellipse.ea;
    const double by = ellipse.eb;

    // Closed outline: per ray the radius (relative to that ellipse) with the strongest
    // bright-inside/dark-outside step; rays change smoothly; three turns closed the loop.
    constexpr int kRays = 72;
    constexpr int kSteps = 48;
    constexpr double kMin = 0.6;
    constexpr double kMax = 1.5;
    const double ds = (kMax - kMin) / (kSteps - 1);
    // Region term: grey above the level half-way between the cross-section and the tissue beside it
    // counts for the inside.
    const double split = box.split;
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
            const double px = centre.x + rel * ux;
            const double py = centre.y + rel * uy;
            const int ix = static_cast<int>(std::lround(px));
            const int iy = static_cast<int>(std::lround(py));
            if (ix < 0 || ix >= cols || iy < 0 || blocked)
                break;
            const bool outside = iy >= w.limit[static_cast<std::size_t>(ix)] || iy < w.top[static_cast<std::size_t>(ix)];
            if (outside) {
                // The outline may rest on the bone or the view's edge: a boundary here scores as a
                // typical edge.
                if (s > 0 && score.at<float>(s - 1, r) > kNone)
                    score.at<float>(s - 1, r) = std::max(score.at<float>(s - 1, r), static_cast<float>(0.3 * box.v));
                if (s > 0 && iy >= w.limit[static_cast<std::size_t>(ix)] && w.bone.row_per_col[static_cast<std::size_t>(ix)] >= 0)
                    on_bone_at[static_cast<std::size_t>(r)] = s - 1;
                blocked = true;
                break;
            }
            auto at = [&](double q) { return bilinear(smooth, centre.x + q * ux, centre.y + q * uy); };
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
        contour.emplace_back(centre.x + rel * ux, centre.y + rel * uy);
    }
    return contour;
}

/// `grey` with NaN where `allowed` (CV_32FC1 weights) is 0: the ellipse fits skip those pixels.
cv::Mat nan_where_not_allowed(const cv::Mat& grey, const cv::Mat& allowed) {
    cv::Mat out = grey.clone();
    out.setTo(std::numeric_limits<float>::quiet_NaN(), allowed <= 0.0f);
    return out;
}

} // namespace

bool outline_in_view(const std::vector<cv::Point2d>& outline, const cv::Mat& imaged) {
    int outside = 0;
    for (const cv::Point2d& p : outline) {
        const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, imaged.cols - 1);
        const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, imaged.rows - 1);
        if (!imaged.at<unsigned char>(y, x))
            ++outside;
    }
    return outside <= 0.05 * static_cast<double>(outline.size());
}

std::vector<cv::Point> outline_pixels(const std::vector<cv::Point2d>& outline) {
    std::vector<cv::Point> pixels;
    pixels.reserve(outline.size());
    for (const cv::Point2d& p : outline)
        pixels.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
    return pixels;
}

TransCandidate find_transverse(const Work& w, const cv::Mat& smooth, const cv::Mat& alignment,
                               const cv::Mat& coherence, double level, const std::optional<cv::Point2d>& seed,
                               const std::function<bool(double contrast, double lateral_contrast)>& worth_outlining) {
    TransCandidate cand;
    const int rows = smooth.rows;
    const int cols = smooth.cols;
    // Searchable pixels only (tissue above the bone): others count as absent in the box sums.
    cv::Mat allowed;
    w.searched(cv::Rect(0, 0, cols, rows)).convertTo(allowed, CV_32FC1, 1.0 / 255.0);
    // Calcifications and specular spots are far brighter than any soft tissue: clipped at the
    // tissue's 99th percentile (`smooth` is the image the levels were taken on) they cannot make
    // a small box look like a tendon on their own.
    const auto clip_level = static_cast<float>(w.levels.p99);
    cv::Mat clipped = cv::min(smooth, clip_level);
    const WeightedBoxMeans mean_of(clipped, allowed);
    // Candidate cross-sections: boxes of several half-widths and half-heights (flat ovals are
    // common) resting on the bone surface: the box's bottom within 1 mm into and 1.4 mm above it.
    // The tendon lies on the tuberosity; the sciatic nerve beside it, as bright and as round as a
    // hypoechoic tendon, lies in the fat a little above the bone (with 2 mm allowed it won).
    // A cross-section is brighter than the tissue above it and than the tissue at its sides; a
    // band cut lengthways is as bright at its sides, so it scores nothing here.
    const std::vector<double> half_width_mm = {2.5, 3.5, 5.0, 6.5, 8.5, 11.0};
    const std::vector<double> half_height_mm = {1.3, 1.9, 2.6, 3.4, 4.4, 5.6};
    const int stride = std::max(1, mm_to_px(0.3, w.px_x));
    const int gap_step = std::max(1, mm_to_px(0.3, w.px_y));
    const int above_bone_px = mm_to_px(1.4, w.px_y);
    const int into_bone_px = mm_to_px(1.0, w.px_y);
    auto evaluate = [&](double a_mm, double b_mm, int x, int bottom) -> std::optional<Box> {
        if (seed && std::abs(x - seed->x) / w.px_x > a_mm)
            return std::nullopt;
        const int a = mm_to_px(a_mm, w.px_x);
        const int b = mm_to_px(b_mm, w.px_y);
        const int side = std::max(a / 2, mm_to_px(2.0, w.px_x));
        const int gap = mm_to_px(0.5, w.px_x);
        const int y = bottom - b;
        if (seed && std::abs(y - seed->y) / w.px_y > b_mm)
            return std::nullopt;
        // Both sides must be in view: a bright patch cut by the edge of the view cannot be told
        // from a band.
        const auto inside = mean_of(x - a, y - b, x + a + 1, y + b + 1, 0.8);
        if (!inside)
            return std::nullopt;
        const auto above = mean_of(x - a, y - 3 * b - 1, x + a + 1, y - b - gap, 0.5);
        if (!above)
            return std::nullopt;
        const auto left = mean_of(x - a - gap - side, y - b, x - a - gap, y + b + 1, 0.9);
        if (!left)
            return std::nullopt;
        const auto right = mean_of(x + a + 1 + gap, y - b, x + a + 1 + gap + side, y + b + 1, 0.9);
        if (!right)
            return std::nullopt;
        const double sides = 0.5 * (*left + *right);
        const double lateral = (*inside - sides) / level;
        const double v = 0.5 * ((*inside - *above) / level + lateral) * std::pow(a_mm * b_mm / 12.0, 0.2);
        return Box{v, a_mm, b_mm, x, bottom, lateral, 0.5 * (*inside + sides)};
    };
    // Every size on a grid twice as coarse first; the best two places per size are then searched
    // on the fine grid around them.
    std::vector<Box> best_per_size;
    for (double a_mm : half_width_mm)
        for (double b_mm : half_height_mm) {
            if (b_mm > a_mm)
                continue;
            Box first, second;
            for (int x = 0; x < cols; x += 2 * stride) {
                const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
                if (bone_row < 0)
                    continue;
                for (int bottom = bone_row - above_bone_px; bottom <= bone_row + into_bone_px; bottom += 2 * gap_step) {
                    const auto box = evaluate(a_mm, b_mm, x, bottom);
                    if (!box || box->v <= second.v)
                        continue;
                    if (box->v > first.v) {
                        second = first;
                        first = *box;
                    } else {
                        second = *box;
                    }
                }
            }
            Box size_best;
            for (const Box& coarse : {first, second}) {
                if (coarse.x < 0)
                    continue;
                for (int x = std::max(0, coarse.x - stride); x <= std::min(cols - 1, coarse.x + stride); x += stride) {
                    const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
                    if (bone_row < 0)
                        continue;
                    for (int bottom = bone_row - above_bone_px; bottom <= bone_row + into_bone_px; bottom += gap_step) {
                        if (std::abs(bottom - coarse.bottom) > 2 * gap_step)
                            continue;
                        const auto box = evaluate(a_mm, b_mm, x, bottom);
                        if (box && box->v > size_best.v)
                            size_best = *box;
                    }
                }
            }
            if (size_best.x >= 0)
                best_per_size.push_back(size_best);
        }
    if (best_per_size.empty())
        return cand;
    // Whether there is a cross-section is the best box's call; its outline may be better found from
    // another: the best box of a large, faint or inhomogeneous tendon can be a small bright part
    // of it, from which the ellipse cannot grow to the whole. An ellipse is fitted from each of
    // the three best distinct boxes; the rim contrast of each, its box's contrast and how far it
    // rests on the bone pick one. The rim alone would also pick a nerve beside the tendon, as round
    // but less bright than the tissue around it (docs/accuracy.md). A hypoechoic tendon's box can
    // rank below three on a brighter nerve, muscle or bright parts of the tendon: up to two more
    // boxes compete if each is clearly a cross-section on its own (`worth_outlining`; the three
    // best do not need to be, as parts of one).
    constexpr std::size_t kStarts = 3;
    constexpr std::size_t kFurtherStarts = 2;
    std::vector<Box> starts = distinct_boxes(best_per_size, kStarts + kFurtherStarts, w.px_x);
    cand.contrast = starts.front().v;
    cand.lateral_contrast = starts.front().lateral;
    if (!worth_outlining(cand.contrast, cand.lateral_contrast))
        return cand;
    if (starts.size() > kStarts)
        starts.erase(std::remove_if(starts.begin() + kStarts, starts.end(),
                                    [&](const Box& b) { return !worth_outlining(b.v, b.lateral); }),
                     starts.end());
    const cv::Mat clipped_allowed = nan_where_not_allowed(clipped, allowed);
    // The tendon inserts on the tuberosity and rests on it across its width; a round structure
    // beside it (the nerve, brighter than a hypoechoic tendon) touches the bone at one point if
    // at all. Resting on the bone across the ellipse's middle counts 0.15, about half a typical
    // rim contrast; a share of it in proportion. (Contact in mm instead favoured ellipses larger
    // than the tendon: docs/accuracy.md.)
    constexpr double kContactWeight = 0.15;
    // Resting on the bone counts where the bone faces the probe: the tendon is scanned with its
    // fibres, and the cortex under them, across the beam (tilted, the tendon darkens). The nerve on
    // the tuberosity's flank rests on a slope (0.2-0.45 where the tendon's bone slopes 0-0.07 on
    // the phantom's cases): full weight up to a slope of 0.1 (6°), none from 0.35 (19°). Slopes
    // are taken in the image, so a curvilinear probe's oblique beams at the fan's sides are not
    // allowed for: a tendon far off the fan's centre line gets less of this weight.
    constexpr double kFacingSlope = 0.1;
    constexpr double kFlankSlope = 0.35;
    auto facing = [&](const Ellipse& e) {
        return std::clamp((kFlankSlope - bone_slope(w, e)) / (kFlankSlope - kFacingSlope), 0.0, 1.0);
    };
    auto choice = [&](const Ellipse& e, const Box& b) {
        return e.rim + b.v + kContactWeight * bone_contact(w, e) * facing(e);
    };
    std::vector<Ellipse> fitted;
    for (const Box& start : starts)
        fitted.push_back(fit_ellipse(w, clipped, clipped_allowed, level, around_box(w, start)));
    // The best choice whose outline lies in view (`outline_in_view`): one cut by the view's
    // edge is not claimed, but another start may be the tendon beside a structure at the
    // edge, if its own box is clearly a cross-section. Without a calibration the outline's size is
    // not checked against a tendon's (sizes are in assumed millimetres), and the structures under
    // a fascia that this then finds in negatives are not told from a tendon: no second choice.
    std::vector<std::size_t> order(fitted.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        return choice(fitted[i], starts[i]) > choice(fitted[j], starts[j]);
    });
    std::size_t chosen = order.front();
    cand.contour = outline_around(w, smooth, level, clip_level, fitted[chosen], starts[chosen]);
    for (std::size_t k = 1; w.calibrated && k < order.size() && !outline_in_view(cand.contour, w.imaged); ++k) {
        const std::size_t i = order[k];
        if (!worth_outlining(starts[i].v, starts[i].lateral))
            continue;
        // Centred inside the first choice's ellipse, it is a part of that cross-section, not
        // another structure beside it.
        if (centred_inside(fitted[i], fitted[order.front()]))
            continue;
        auto contour = outline_around(w, smooth, level, clip_level, fitted[i], starts[i]);
        if (outline_in_view(contour, w.imaged)) {
            cand.contour = std::move(contour);
            chosen = i;
        }
    }
    // Hypoechoic foci make a diseased cross-section patchy, and its ellipse and outline keep to a
    // bright part of it. The choice is made on the grey as it is (filled, the ellipses also grow
    // over a band's fibres and a band seen lengthways reads as a cross-section: docs/accuracy.md);
    // the chosen one is then fitted and outlined again with dark patches that tissue as bright as
    // tendon encloses within 2.5 mm across and down read as that tissue.
    {
        constexpr double kCrossSectionFocusSpanMm = 2.5;
        const int span_x = mm_to_px(kCrossSectionFocusSpanMm, w.px_x);
        const int span_y = mm_to_px(kCrossSectionFocusSpanMm, w.px_y);
        // Only around the outline as found (its own size again on every side): the refit may grow
        // from it, not run across the view.
        const cv::Rect found = cv::boundingRect(std::vector<cv::Point2f>(cand.contour.begin(), cand.contour.end()));
        const cv::Rect near(found.x - found.width - span_x, found.y - found.height - span_y, 3 * found.width + 2 * span_x,
                            3 * found.height + 2 * span_y);
        const cv::Rect area = near & cv::Rect(0, 0, cols, rows);
        cv::Mat smooth_filled = smooth.clone();
        if (!area.empty())
            enclosed_foci_filled_2d(smooth(area), w.searched(area), span_x, span_y, w.px_x, w.px_y).copyTo(smooth_filled(area));
        const cv::Mat clipped_filled = cv::min(smooth_filled, clip_level);
        const cv::Mat clipped_filled_allowed = nan_where_not_allowed(clipped_filled, allowed);
        const Ellipse refitted =
            fit_ellipse(w, clipped_filled, clipped_filled_allowed, level, around_ellipse(fitted[chosen]));
        cand.foci_filled_contour = outline_around(w, smooth_filled, level, clip_level, refitted, starts[chosen]);
    }
    cv::Rect box = cv::boundingRect(std::vector<cv::Point2f>(cand.contour.begin(), cand.contour.end()));
    cand.width_mm = box.width / w.px_x;
    cand.height_mm = box.height / w.px_y;
    cv::Mat m = cv::Mat::zeros(rows, cols, CV_8UC1);
    cv::fillPoly(m, std::vector<std::vector<cv::Point>>{outline_pixels(cand.contour)}, cv::Scalar(255));
    cand.coherence = cv::mean(coherence, m)[0];
    cand.alignment = cv::mean(alignment, m)[0];
    cand.found = true;
    return cand;
}

} // namespace tendo::detail
