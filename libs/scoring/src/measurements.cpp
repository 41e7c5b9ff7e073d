#include "tendo/scoring/measurements.hpp"

#include "tendo/imaging/area_reduction.hpp"
#include "tendo/imaging/components.hpp"
#include "tendo/imaging/masked_smoothing.hpp"
#include "tendo/imaging/segmentation.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <optional>
#include <vector>

namespace tendo::scoring {

namespace {

/// The largest 8-connected component of a mask and its bounding box (frame coordinates).
struct Component {
    cv::Mat mask; // frame-sized, 255 inside; empty when the mask has no pixel
    cv::Rect box;
};

Component largest_component(const cv::Mat& mask) {
    const Components c = connected_components(mask);
    int best = 0, best_area = 0;
    for (int i = 1; i < c.count; ++i)
        if (c.area(i) > best_area) {
            best_area = c.area(i);
            best = i;
        }
    if (best == 0)
        return {};
    const cv::Rect box = c.bounds(best);
    return {c.mask_of(best, mask.size()), box};
}

/// The mean grey of the reference band over a tendon's `mask` (frame-sized, `box` its bounding
/// box): tissue pixels 1-6 mm above the superficial border in the tendon's columns, not colour or
/// overlay graphics, `dy_mm` per row; nullopt when the band holds no such pixel. Read row by row,
/// the order the pixels lie in memory; grey levels are summed as integers.
std::optional<double> reference_band_mean(const cv::Mat& grey, const cv::Mat& mask, const cv::Rect& box,
                                          const cv::Mat& tissue_mask, const cv::Mat& colour_mask,
                                          const cv::Mat& overlay, double dy_mm) {
    const int near = static_cast<int>(std::ceil(1.0 / dy_mm));
    const int far = static_cast<int>(std::floor(6.0 / dy_mm));
    const std::vector<int> top = mask_rows_per_column(mask(box)).first;
    int y_first = box.y, y_last = box.y - 1;
    for (int i = 0; i < box.width; ++i)
        if (top[static_cast<std::size_t>(i)] >= 0) {
            y_first = std::min(y_first, std::max(0, box.y + top[static_cast<std::size_t>(i)] - far));
            y_last = std::max(y_last, box.y + top[static_cast<std::size_t>(i)] - near);
        }
    long long sum = 0;
    long long count = 0;
    for (int y = y_first; y <= y_last; ++y) {
        const unsigned char* g = grey.ptr<unsigned char>(y) + box.x;
        const unsigned char* t = tissue_mask.empty() ? nullptr : tissue_mask.ptr<unsigned char>(y) + box.x;
        const unsigned char* c = colour_mask.empty() ? nullptr : colour_mask.ptr<unsigned char>(y) + box.x;
        const unsigned char* o = overlay.empty() ? nullptr : overlay.ptr<unsigned char>(y) + box.x;
        for (int i = 0; i < box.width; ++i) {
            const int column_top = top[static_cast<std::size_t>(i)];
            if (column_top < 0 || y < box.y + column_top - far || y > box.y + column_top - near)
                continue;
            if ((t && !t[i]) || (c && c[i]) || (o && o[i]))
                continue;
            sum += g[i];
            ++count;
        }
    }
    if (count == 0)
        return std::nullopt;
    return static_cast<double>(sum) / static_cast<double>(count);
}

/// The fraction of the `valid` pixels (CV_8UC1) whose speckle-smoothed grey `local` (CV_32FC1)
/// lies in hypoechoic foci, at `rdx` x `rdy` mm per pixel, against the grey of the tissue over the
/// tendon `reference_grey` (`reference_band_mean`); see docs/measurements.md.
double hypoechoic_fraction(const cv::Mat& local, const cv::Mat& valid, double rdx, double rdy,
                           std::optional<double> reference_grey) {
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(cv::countNonZero(valid)));
    for (int y = 0; y < valid.rows; ++y) {
        const unsigned char* v = valid.ptr<unsigned char>(y);
        const float* l = local.ptr<float>(y);
        for (int x = 0; x < valid.cols; ++x)
            if (v[x])
                values.push_back(l[x]);
    }
    const auto k = static_cast<std::ptrdiff_t>(0.75 * (values.size() - 1));
    std::nth_element(values.begin(), values.begin() + k, values.end());
    const double fibrillar = values[static_cast<std::size_t>(k)];
    // A focus is nearer the soft tissue over the tendon than the tendon's fibres: below 30 % of the
    // way from that tissue's grey up to the fibrillar level. Both are read on the same frame, so a
    // display's gain (added to every grey level) and dynamic range (which scales every difference)
    // cancel; a fixed share of the fibrillar level did not (on the phantom's true masks a 74 dB
    // display read a tendon with 32 % foci as healthy). Where the tissue over the tendon is not
    // darker than the fibres, a focus is below 0.6 of the fibrillar level.
    constexpr double kFocusShareOfTendonContrast = 0.3;
    constexpr double kFocusShareOfFibrillarLevel = 0.6;
    const double threshold = reference_grey && *reference_grey < fibrillar
                                 ? *reference_grey + kFocusShareOfTendonContrast * (fibrillar - *reference_grey)
                                 : kFocusShareOfFibrillarLevel * fibrillar;
    cv::Mat dark = (local < threshold) & valid;
    // A focus is at least kMinFocusWidthMm across: darker stretches narrower than that are the
    // gaps between fibrils and dark speckle of healthy tendon (an opening by a disc of half that).
    constexpr double kMinFocusWidthMm = 1.0;
    const int rx = static_cast<int>(std::lround(0.5 * kMinFocusWidthMm / rdx));
    const int ry = static_cast<int>(std::lround(0.5 * kMinFocusWidthMm / rdy));
    cv::morphologyEx(dark, dark, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * rx + 1, 2 * ry + 1)));
    const double fraction = static_cast<double>(cv::countNonZero(dark)) / static_cast<double>(values.size());
    // Below the limit of detection (above the 95th percentile, 0.031, of healthy tendons' readings
    // on the phantom's tuning seeds) a reading cannot be told from healthy tendon and is reported
    // as none.
    constexpr double kDetectionLimit = 0.04;
    return fraction < kDetectionLimit ? 0.0 : fraction;
}

bool inside_image(const cv::Mat& m, int x, int y) { return x >= 0 && y >= 0 && x < m.cols && y < m.rows; }

/// Whether any of `pixels` has one of its 8 neighbours in `inside` (CV_8UC1).
bool touches_mask(const std::vector<cv::Point>& pixels, const cv::Mat& inside) {
    for (const auto& p : pixels)
        for (int y = p.y - 1; y <= p.y + 1; ++y)
            for (int x = p.x - 1; x <= p.x + 1; ++x)
                if (inside_image(inside, x, y) && inside.at<unsigned char>(y, x) != 0)
                    return true;
    return false;
}

} // namespace

std::optional<ProfileMax> profile_max(const ThicknessProfile& profile, double half_window_mm) {
    std::optional<ProfileMax> best;
    const std::size_t n = profile.arc_mm.size();
    std::size_t lo = 0, hi = 0; // the window [lo, hi) around sample i, by arc length
    for (std::size_t i = 0; i < n; ++i) {
        while (profile.arc_mm[i] - profile.arc_mm[lo] > half_window_mm + 1e-9)
            ++lo;
        while (hi < n && profile.arc_mm[hi] - profile.arc_mm[i] <= half_window_mm + 1e-9)
            ++hi;
        if (!profile.complete[i])
            continue;
        double sum = 0.0;
        int count = 0;
        for (std::size_t j = lo; j < hi; ++j)
            if (profile.complete[j]) {
                sum += profile.thickness_mm[j];
                ++count;
            }
        const double mean = sum / count;
        if (!best || mean > best->thickness_mm)
            best = ProfileMax{i, mean};
    }
    return best;
}

ThicknessProfile longitudinal_thickness(const cv::Mat& mask, const cv::Mat& imaged_mask, const Spacing& s,
                                        std::optional<cv::Point> start_near, double step_mm) {
    ThicknessProfile profile;
    const auto [m, box] = largest_component(mask);
    if (m.empty() || !(s.dx_mm > 0) || !(s.dy_mm > 0) || !(step_mm > 0))
        return profile;
    // Midline per column.
    const MaskRowsPerColumn rows = mask_rows_per_column(m);
    std::vector<cv::Point2d> mid;
    std::vector<int> column_extent(static_cast<std::size_t>(m.cols), 0); // mask rows from first to last
    for (int x = box.x; x < box.x + box.width; ++x) {
        const int top = rows.first[static_cast<std::size_t>(x)];
        const int bottom = rows.last[static_cast<std::size_t>(x)];
        if (top >= 0) {
            mid.emplace_back(x, 0.5 * (top + bottom));
            column_extent[static_cast<std::size_t>(x)] = bottom - top + 1;
        }
    }
    if (mid.empty())
        return profile;
    if (start_near) {
        const double d_front = s.length_mm(mid.front().x - start_near->x, mid.front().y - start_near->y);
        const double d_back = s.length_mm(mid.back().x - start_near->x, mid.back().y - start_near->y);
        if (d_back < d_front)
            std::reverse(mid.begin(), mid.end());
    }
    // Smooth the midline over about 1 mm of columns (pixel stairs would bend the normals).
    const int half = std::max(1, static_cast<int>(std::lround(0.5 / s.dx_mm)));
    std::vector<cv::Point2d> smooth(mid.size());
    for (std::size_t i = 0; i < mid.size(); ++i) {
        const std::size_t a = i >= static_cast<std::size_t>(half) ? i - half : 0;
        const std::size_t b = std::min(mid.size() - 1, i + half);
        double sy = 0.0;
        for (std::size_t j = a; j <= b; ++j)
            sy += mid[j].y;
        smooth[i] = cv::Point2d(mid[i].x, sy / static_cast<double>(b - a + 1));
    }
    // Arc length in mm along the smoothed midline.
    std::vector<double> arc(smooth.size(), 0.0);
    for (std::size_t i = 1; i < smooth.size(); ++i)
        arc[i] = arc[i - 1] + s.length_mm(smooth[i].x - smooth[i - 1].x, smooth[i].y - smooth[i - 1].y);
    const double total = arc.back();
    auto point_at = [&](double a) {
        a = std::clamp(a, 0.0, total);
        const auto it = std::lower_bound(arc.begin(), arc.end(), a);
        const std::size_t j = static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, it - arc.begin()));
        if (j >= arc.size())
            return smooth.back();
        const double span = arc[j] - arc[j - 1];
        const double t = span > 0 ? (a - arc[j - 1]) / span : 0.0;
        return smooth[j - 1] + t * (smooth[j] - smooth[j - 1]);
    };
    const double march = std::min(s.dx_mm, s.dy_mm) / 8.0; // mm per step along the normal
    // A normal that leaves the mask through the band's first or last column has run along the band
    // out of its end: that is not a cross-section.
    const double first_col = std::min(mid.front().x, mid.back().x);
    const double last_col = std::max(mid.front().x, mid.back().x);
    for (double a = 0.0; a <= total + 1e-9; a += step_mm) {
        const cv::Point2d p = point_at(a);
        const cv::Point2d p0 = point_at(a - 0.5);
        const cv::Point2d p1 = point_at(a + 0.5);
        // Tangent and normal in mm space.
        double tx = (p1.x - p0.x) * s.dx_mm;
        double ty = (p1.y - p0.y) * s.dy_mm;
        const double tn = std::hypot(tx, ty);
        if (tn <= 0)
            tx = 1, ty = 0;
        else
            tx /= tn, ty /= tn;
        const double nx_px = -ty / s.dx_mm; // pixels per mm along the normal
        const double ny_px = tx / s.dy_mm;
        double ends[2] = {0.0, 0.0};
        bool complete = true;
        cv::Point2d end_points[2];
        for (int side = 0; side < 2; ++side) {
            const double sign = side == 0 ? -1.0 : 1.0;
            // Where the sample at distance nd falls: in the mask, out of it into imaged tissue, or
            // out of the image or its imaged part (the cross-section is then incomplete).
            enum class At { mask, tissue, beyond };
            auto sample = [&](double nd) {
                const int ix = static_cast<int>(std::floor(p.x + sign * nd * nx_px + 0.5));
                const int iy = static_cast<int>(std::floor(p.y + sign * nd * ny_px + 0.5));
                if (!inside_image(m, ix, iy))
                    return At::beyond;
                if (m.at<unsigned char>(iy, ix))
                    return At::mask;
                return !imaged_mask.empty() && !imaged_mask.at<unsigned char>(iy, ix) ? At::beyond : At::tissue;
            };
            // Strides of half a pixel find the way out; the last one is then walked in fine steps.
            constexpr int kFine = 4;
            double d = 0.0;
            while (sample(d + kFine * march) == At::mask)
                d += kFine * march;
            At out = At::mask;
            for (int k = 0; k < kFine; ++k) {
                out = sample(d + march);
                if (out != At::mask)
                    break;
                d += march;
            }
            if (out == At::beyond)
                complete = false;
            // The edge lies half a step beyond the last inside sample.
            ends[side] = d + 0.5 * march;
            end_points[side] = cv::Point2d(p.x + sign * ends[side] * nx_px, p.y + sign * ends[side] * ny_px);
            if (end_points[side].x < first_col + 1.0 || end_points[side].x > last_col - 1.0)
                complete = false;
        }
        const bool centre_inside = m.at<unsigned char>(static_cast<int>(std::lround(p.y)), static_cast<int>(std::lround(p.x))) != 0;
        const double thickness = centre_inside ? ends[0] + ends[1] : 0.0;
        // Across a band the normal is never longer than the band's vertical extent (it is that
        // extent times the cosine of the slope): a longer one has run along a bend of the band.
        const int column = std::clamp(static_cast<int>(std::lround(p.x)), 0, m.cols - 1);
        if (thickness > 1.2 * column_extent[static_cast<std::size_t>(column)] * s.dy_mm + 2.0 * s.dy_mm)
            complete = false;
        profile.centreline.push_back(p);
        profile.arc_mm.push_back(a);
        profile.thickness_mm.push_back(thickness);
        profile.complete.push_back(complete && centre_inside);
        profile.lines.push_back(ThicknessLine{end_points[0], end_points[1], thickness});
    }
    return profile;
}

std::optional<double> thickness_at_reference(const ThicknessProfile& profile, const cv::Point& insertion,
                                             const Spacing& s, double reference_mm) {
    if (profile.centreline.empty())
        return std::nullopt;
    std::size_t nearest = 0;
    double best = 1e300;
    for (std::size_t i = 0; i < profile.centreline.size(); ++i) {
        const double d = s.length_mm(profile.centreline[i].x - insertion.x, profile.centreline[i].y - insertion.y);
        if (d < best) {
            best = d;
            nearest = i;
        }
    }
    const double target = profile.arc_mm[nearest] + reference_mm;
    if (target > profile.arc_mm.back() + 1e-9)
        return std::nullopt;
    const auto it = std::lower_bound(profile.arc_mm.begin(), profile.arc_mm.end(), target - 1e-9);
    const std::size_t j = static_cast<std::size_t>(it - profile.arc_mm.begin());
    if (j >= profile.arc_mm.size() || !profile.complete[j])
        return std::nullopt;
    if (j == 0 || std::abs(profile.arc_mm[j] - target) < 1e-9 || !profile.complete[j - 1])
        return profile.thickness_mm[j];
    const double t = (target - profile.arc_mm[j - 1]) / (profile.arc_mm[j] - profile.arc_mm[j - 1]);
    return profile.thickness_mm[j - 1] + t * (profile.thickness_mm[j] - profile.thickness_mm[j - 1]);
}

ApExtent max_ap_extent(const cv::Mat& mask, const Spacing& s) {
    CV_Assert(mask.type() == CV_8UC1);
    // Counted row by row: a column view is strided, and counting it reads one pixel per iterator
    // step.
    std::vector<int> counts(static_cast<std::size_t>(mask.cols), 0);
    for (int y = 0; y < mask.rows; ++y) {
        const unsigned char* row = mask.ptr<unsigned char>(y);
        for (int x = 0; x < mask.cols; ++x)
            counts[static_cast<std::size_t>(x)] += row[x] != 0;
    }
    ApExtent extent;
    for (int x = 0; x < mask.cols; ++x)
        if (counts[static_cast<std::size_t>(x)] > extent.pixels) {
            extent.pixels = counts[static_cast<std::size_t>(x)];
            extent.column = x;
        }
    extent.mm = extent.pixels * s.dy_mm;
    return extent;
}

double area_mm2(const cv::Mat& mask, const Spacing& s) { return cv::countNonZero(mask) * s.pixel_area_mm2(); }

Echogenicity measure_echogenicity(const cv::Mat& grey, const cv::Mat& mask, const cv::Mat& colour_mask,
                                  const cv::Mat& overlay, const cv::Mat& tissue_mask,
                                  const std::optional<Spacing>& spacing_mm, const cv::Mat& shadow) {
    Echogenicity e;
    // Everything below reads the mask's bounding box and its neighbourhood, not the whole frame.
    const cv::Rect box = cv::boundingRect(mask);
    if (box.empty())
        return e;
    cv::Mat valid = mask(box) != 0;
    if (!colour_mask.empty())
        valid &= colour_mask(box) == 0;
    if (!overlay.empty())
        valid &= overlay(box) == 0;
    const int n = cv::countNonZero(valid);
    if (n == 0)
        return e;
    cv::Scalar mean, sd;
    cv::meanStdDev(grey(box), mean, sd, valid);
    e.mean = mean[0];
    e.sd = sd[0];
    // A shadow hides the tendon's texture: dark, without fibres, it is neither focus nor fibrils.
    if (!shadow.empty())
        valid &= shadow(box) == 0;

    const double dx = spacing_mm ? spacing_mm->dx_mm : 0.08;
    const double dy = spacing_mm ? spacing_mm->dy_mm : 0.08;
    // Texture is measured at about 0.12 mm per pixel: finer frames are reduced first (both the
    // speckle smoothing and the fibre tensor work at 0.3-0.5 mm, so nothing they see is lost).
    const double reduce = std::min(1.0, std::min(dx, dy) / 0.12);
    const double rdx = dx / reduce, rdy = dy / reduce;
    const double sx = std::max(0.8, 0.3 / rdx);
    const double sy = std::max(0.8, 0.3 / rdy);
    const double coherence_sigma = std::max(1.0, 0.5 / std::min(rdx, rdy));
    // The filters below only need the mask's neighbourhood: a margin of four widths of the widest
    // kernel leaves the values inside the mask as on the whole frame, at a fraction of the cost.
    const int margin = static_cast<int>(std::ceil(4.0 * (std::max({sx, sy, coherence_sigma}) + 1.0) / reduce));
    const cv::Rect valid_box = cv::boundingRect(valid) + box.tl();
    cv::Rect around = valid_box;
    around.x -= margin;
    around.y -= margin;
    around.width += 2 * margin;
    around.height += 2 * margin;
    around &= cv::Rect(0, 0, grey.cols, grey.rows);
    cv::Mat grey_near = grey(around);
    cv::Mat valid_near = cv::Mat::zeros(around.size(), CV_8UC1);
    valid(valid_box - box.tl()).copyTo(valid_near(valid_box - around.tl()));
    if (reduce < 1.0) {
        const cv::Size size(std::max(1, static_cast<int>(std::lround(around.width * reduce))),
                            std::max(1, static_cast<int>(std::lround(around.height * reduce))));
        grey_near = reduce_by_area(grey_near, size);
        valid_near = reduce_by_area(valid_near, size) >= 128; // pixels mostly inside the mask
    }

    // Hypoechoic foci: grey smoothed inside the mask (speckle averaged out over ~0.3 mm) clearly
    // below the tendon's own fibrillar level (`hypoechoic_fraction`).
    cv::Mat g32;
    grey_near.convertTo(g32, CV_32F);
    const cv::Mat local = gaussian_mean_within(g32, valid_near, sx, sy);
    const std::optional<double> reference_grey = reference_band_mean(grey, mask, box, tissue_mask, colour_mask, overlay, dy);
    if (cv::countNonZero(valid_near) > 0) {
        e.hypoechoic_fraction = hypoechoic_fraction(local, valid_near, rdx, rdy, reference_grey);
        e.coherence = cv::mean(fibre_coherence(grey_near, coherence_sigma), valid_near)[0];
    }

    // The normalized echogenicity is a ratio of grey levels over millimetres of tissue: only with a
    // calibration.
    if (spacing_mm && reference_grey && *reference_grey > 0.0)
        e.normalized = *e.mean / *reference_grey;
    return e;
}

int ohberg_grade(int vessel_count, int vessels_in_tendon) {
    if (vessel_count <= 0 && vessels_in_tendon <= 0)
        return 0;
    if (vessels_in_tendon == 0)
        return 1;
    if (vessels_in_tendon <= 3)
        return 2;
    if (vessels_in_tendon <= 6)
        return 3;
    return 4;
}

Neovascularity measure_neovascularity(const cv::Mat& colour_mask, const cv::Mat& mask, bool doppler,
                                      const std::optional<Spacing>& spacing_mm, std::vector<Vessel>* vessels) {
    Neovascularity n;
    n.doppler = doppler;
    const int mask_pixels = cv::countNonZero(mask);
    if (mask_pixels == 0)
        return n;
    if (!doppler || colour_mask.empty()) {
        n.vascular_fraction = 0.0;
        n.vessel_count = 0;
        n.vessels_in_tendon = 0;
        n.ohberg_grade = 0;
        return n;
    }
    const cv::Mat inside = mask != 0;
    n.vascular_fraction = cv::countNonZero(colour_mask & inside) / static_cast<double>(mask_pixels);
    // Touching the mask, or within 2 mm of it (Euclidean in mm): the distance from a vessel's
    // pixels to the mask outline, computed per vessel (a 2 mm elliptical dilation of the whole
    // frame would cost hundreds of milliseconds).
    const Components vessel_parts = connected_components(colour_mask != 0);
    const int count = vessel_parts.count;
    const cv::Rect& box = vessel_parts.box;
    std::vector<unsigned char> touches(static_cast<std::size_t>(count), 0), in(static_cast<std::size_t>(count), 0);
    std::vector<std::vector<cv::Point>> members(static_cast<std::size_t>(count));
    for (int y = 0; y < box.height; ++y) {
        const int* l = vessel_parts.labels.ptr<int>(y);
        const unsigned char* b = inside.ptr<unsigned char>(y + box.y) + box.x;
        for (int x = 0; x < box.width; ++x)
            if (l[x] > 0) {
                members[static_cast<std::size_t>(l[x])].emplace_back(x + box.x, y + box.y);
                if (b[x])
                    in[static_cast<std::size_t>(l[x])] = 1;
            }
    }
    std::vector<cv::Point> outline;
    if (spacing_mm) {
        // Traced in the mask's bounding box (with a pixel of background around it where the frame
        // has one), not on a copy of the whole frame.
        cv::Rect around = cv::boundingRect(inside);
        around = cv::Rect(around.x - 1, around.y - 1, around.width + 2, around.height + 2) & cv::Rect(0, 0, inside.cols, inside.rows);
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(inside(around).clone(), contours, cv::RETR_LIST, cv::CHAIN_APPROX_NONE, around.tl());
        for (const auto& c : contours)
            outline.insert(outline.end(), c.begin(), c.end());
    }
    // Without a spacing the 2 mm reach is unknown: a vessel touching the mask counts, one apart
    // from it may or may not, and then the vessel count (and a grade resting on it) is unknown.
    bool unknown_reach = false;
    for (int i = 1; i < count; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (in[k] || vessel_parts.area(i) < 4) {
            touches[k] = in[k];
            continue;
        }
        if (!spacing_mm) {
            touches[k] = touches_mask(members[k], inside);
            unknown_reach = unknown_reach || !touches[k];
            continue;
        }
        // Only the outline within 2 mm of the vessel's bounding box can be within 2 mm of it.
        const int reach_x = static_cast<int>(std::ceil(2.0 / spacing_mm->dx_mm)) + 1;
        const int reach_y = static_cast<int>(std::ceil(2.0 / spacing_mm->dy_mm)) + 1;
        const cv::Rect reach = vessel_parts.bounds(i) - cv::Point(reach_x, reach_y) + cv::Size(2 * reach_x, 2 * reach_y);
        std::vector<cv::Point> outline_near;
        std::copy_if(outline.begin(), outline.end(), std::back_inserter(outline_near), [&](const cv::Point& q) { return reach.contains(q); });
        bool near = false;
        for (const auto& p : members[k]) {
            for (const auto& q : outline_near)
                if (spacing_mm->length_mm(p.x - q.x, p.y - q.y) <= 2.0 + 1e-9) {
                    near = true;
                    break;
                }
            if (near)
                break;
        }
        touches[k] = near;
    }
    int counted = 0, in_tendon = 0;
    for (int i = 1; i < count; ++i) {
        if (vessel_parts.area(i) < 4 || !touches[static_cast<std::size_t>(i)])
            continue;
        ++counted;
        if (in[static_cast<std::size_t>(i)])
            ++in_tendon;
        if (vessels)
            vessels->push_back(Vessel{vessel_parts.bounds(i), vessel_parts.area(i), in[static_cast<std::size_t>(i)] != 0});
    }
    n.vessels_in_tendon = in_tendon;
    if (!unknown_reach)
        n.vessel_count = counted;
    // One more vessel around cannot change a grade already above 0.
    if (!unknown_reach || counted > 0)
        n.ohberg_grade = ohberg_grade(counted, in_tendon);
    return n;
}

} // namespace tendo::scoring
