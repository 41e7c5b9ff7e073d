#include "render.hpp"

#include "tendo/imaging/frame.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace tendo::phantom::detail {

namespace {

using json = nlohmann::json;

double round_to(double v, double step) { return std::round(v / step) * step; }

struct Thickness {
    bool valid = false;
    double max = 0, mean = 0;
    std::optional<double> at_reference;
    json profile = json::array();
    std::optional<cv::Point2d> insertion_px;
};

/// Longitudinal thickness by the definition of measurements.md, from the analytic anatomy:
/// centreline = midline between the superficial and deep borders, sampled every 0.2 mm of arc
/// from the insertion; thickness = length of the tendon along the centreline's normal.
Thickness longitudinal_thickness(const Anatomy& a, const ProbeGeometryModel& g, double shift, const cv::Mat& mask,
                                 double reference_mm) {
    Thickness t;
    auto raw = [&](double x, double y) {
        double u = 0, d = 0;
        g.to_probe(x, y, u, d);
        return a.in_tendon(u + shift, d);
    };
    auto inside = [&](double x, double y) {
        double u = 0, d = 0;
        return g.to_probe(x, y, u, d);
    };
    std::vector<cv::Point> pts;
    cv::findNonZero(mask, pts);
    if (pts.empty())
        return t;
    int c_min = mask.cols, c_max = 0;
    for (const auto& p : pts) {
        c_min = std::min(c_min, p.x);
        c_max = std::max(c_max, p.x);
    }
    const double y_lo = g.rect.y * g.dy, y_hi = (g.rect.y + g.rect.height) * g.dy;
    // The centreline runs over the longest unbroken stretch of columns holding tendon: where the
    // band passes over the bone's step, a thin wedge of it can be left on the plateau beyond the
    // insertion, and a line through both would start on that wedge instead of at the insertion.
    std::vector<cv::Point2d> line, run;
    for (double x = (c_min - 3) * g.dx; x <= (c_max + 3) * g.dx; x += 0.05) {
        double first = -1, last = -1;
        for (double y = y_lo; y <= y_hi + 5.0; y += 0.01)
            if (raw(x, y)) {
                if (first < 0)
                    first = y;
                last = y;
            } else if (first >= 0) {
                break;
            }
        if (first >= 0) {
            run.emplace_back(x, (first + last) / 2.0);
        } else if (!run.empty()) {
            if (run.size() > line.size())
                line.swap(run);
            run.clear();
        }
    }
    if (run.size() > line.size())
        line.swap(run);
    if (line.size() < 4)
        return t;
    if (!a.flip)
        std::reverse(line.begin(), line.end()); // start at the insertion (canonical large s)
    // Insertion in view: the centreline's insertion end lies inside the tissue area.
    const bool insertion_in_view = inside(line.front().x, line.front().y) && inside(line.front().x - 1.0, line.front().y) &&
                                   inside(line.front().x + 1.0, line.front().y);
    if (insertion_in_view)
        t.insertion_px = cv::Point2d(line.front().x / g.dx, line.front().y / g.dy);

    // Cumulative arc length.
    std::vector<double> arc(line.size(), 0.0);
    for (std::size_t i = 1; i < line.size(); ++i)
        arc[i] = arc[i - 1] + cv::norm(line[i] - line[i - 1]);
    auto point_at = [&](double s, cv::Point2d& p, cv::Point2d& tangent) {
        auto it = std::lower_bound(arc.begin(), arc.end(), s);
        std::size_t i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, it - arc.begin()));
        i = std::min(i, line.size() - 1);
        const double seg = arc[i] - arc[i - 1];
        const double w = seg > 0 ? (s - arc[i - 1]) / seg : 0.0;
        p = line[i - 1] + (line[i] - line[i - 1]) * w;
        // Tangent over ±0.5 mm of arc.
        auto at = [&](double q) {
            q = std::clamp(q, 0.0, arc.back());
            auto jt = std::lower_bound(arc.begin(), arc.end(), q);
            std::size_t j = static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, jt - arc.begin()));
            j = std::min(j, line.size() - 1);
            const double sg = arc[j] - arc[j - 1];
            const double ww = sg > 0 ? (q - arc[j - 1]) / sg : 0.0;
            return line[j - 1] + (line[j] - line[j - 1]) * ww;
        };
        tangent = at(s + 0.5) - at(s - 0.5);
        const double n = cv::norm(tangent);
        tangent = n > 0 ? tangent / n : cv::Point2d(1, 0);
    };

    std::vector<std::pair<double, double>> samples;
    for (double s = 0.0; s <= arc.back(); s += 0.2) {
        cv::Point2d c, tan;
        point_at(s, c, tan);
        const cv::Point2d normal(-tan.y, tan.x);
        if (!raw(c.x, c.y))
            continue;
        bool whole_inside = inside(c.x, c.y);
        double up = 0.0, down = 0.0;
        while (up < 30.0 && raw(c.x + normal.x * (up + 0.01), c.y + normal.y * (up + 0.01))) {
            up += 0.01;
            whole_inside = whole_inside && inside(c.x + normal.x * up, c.y + normal.y * up);
        }
        while (down < 30.0 && raw(c.x - normal.x * (down + 0.01), c.y - normal.y * (down + 0.01))) {
            down += 0.01;
            whole_inside = whole_inside && inside(c.x - normal.x * down, c.y - normal.y * down);
        }
        if (!whole_inside)
            continue;
        samples.emplace_back(s, up + down + 0.01);
    }
    if (samples.empty())
        return t;
    t.valid = true;
    double sum = 0.0;
    for (const auto& [s, th] : samples) {
        t.max = std::max(t.max, th);
        sum += th;
        t.profile.push_back({round_to(s, 0.001), round_to(th, 0.001)});
    }
    t.mean = sum / samples.size();
    if (insertion_in_view) {
        for (std::size_t i = 1; i < samples.size(); ++i)
            if (samples[i - 1].first <= reference_mm && samples[i].first >= reference_mm &&
                samples[i].first - samples[i - 1].first < 0.25) {
                const double w = (reference_mm - samples[i - 1].first) / (samples[i].first - samples[i - 1].first);
                t.at_reference = samples[i - 1].second * (1 - w) + samples[i].second * w;
            }
    }
    return t;
}

json nullable(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

} // namespace

void compute_truth(PhantomCase& pc, const Anatomy& a, const ProbeGeometryModel& g, double shift, const cv::Mat& hypo) {
    const CaseSpec& spec = pc.spec;
    const bool calibrated = spec.calibration != CalibrationKind::none;
    const Spacing sp = spec.spacing_mm;
    const cv::Mat& mask = pc.tendon_mask;
    const int mask_px = cv::countNonZero(mask);
    const bool tendon = a.has_tendon() && mask_px > 0;
    const bool doppler = spec.doppler != DopplerMode::none;
    const cv::Mat grey = to_grey(pc.frames[static_cast<std::size_t>(pc.analysed_frame)]);

    json truth;
    truth["file"] = nullptr;
    truth["patient_id"] = spec.patient_id;
    truth["study_date"] = spec.study_date.substr(0, 4) + "-" + spec.study_date.substr(4, 2) + "-" + spec.study_date.substr(6, 2);
    truth["laterality"] = spec.laterality.empty() ? json(nullptr) : json(spec.laterality);
    truth["view"] = spec.view == CaseView::longitudinal ? "longitudinal" : spec.view == CaseView::transverse ? "transverse" : "none";
    truth["frames"] = spec.frames;
    truth["frame"] = pc.analysed_frame;
    truth["spacing_mm"] = calibrated ? json::array({sp.dx_mm, sp.dy_mm}) : json(nullptr);
    truth["calibrated"] = calibrated;
    truth["status"] = tendon && calibrated ? "ok" : "warning";

    // Grey pixels of the tendon: mask minus colour pixels and overlay graphics.
    cv::Mat valid = mask.clone();
    valid.setTo(0, pc.colour_mask);
    valid.setTo(0, pc.overlay_mask);

    json thickness = {{"max", nullptr}, {"mean", nullptr}, {"at_reference", nullptr}, {"profile", nullptr}};
    json true_mm = json::object();
    json csa = nullptr, area = nullptr;
    json echo = {{"mean", nullptr}, {"sd", nullptr}, {"normalized", nullptr}, {"hypoechoic_fraction", nullptr},
                 {"coherence", nullptr}};
    json neo = {{"doppler", doppler}, {"vascular_fraction", nullptr}, {"vessel_count", nullptr},
                {"vessels_in_tendon", nullptr}, {"ohberg_grade", nullptr}, {"frame", pc.analysed_frame}};
    json vessel_list = json::array();
    pc.vessel_labels = cv::Mat::zeros(mask.size(), CV_8UC1);

    if (tendon) {
        const double area_mm2 = mask_px * sp.dx_mm * sp.dy_mm;
        true_mm["tendon_area_mm2"] = area_mm2;
        json th = {{"max", nullptr}, {"mean", nullptr}, {"at_reference", nullptr}, {"profile", nullptr}};
        if (spec.view == CaseView::longitudinal) {
            const Thickness t = longitudinal_thickness(a, g, shift, mask, 10.0);
            if (t.valid) {
                th = {{"max", t.max}, {"mean", t.mean}, {"at_reference", nullable(t.at_reference)}, {"profile", t.profile}};
            }
            if (t.insertion_px)
                true_mm["insertion_px"] = {t.insertion_px->x, t.insertion_px->y};
        } else {
            int best = 0;
            for (int col = 0; col < mask.cols; ++col)
                best = std::max(best, cv::countNonZero(mask.col(col)));
            th["max"] = best * sp.dy_mm;
            true_mm["csa_mm2"] = area_mm2;
        }
        true_mm["thickness_mm"] = th;
        if (calibrated) {
            thickness = th;
            area = area_mm2;
            if (spec.view == CaseView::transverse)
                csa = area_mm2;
        }

        // Echogenicity over the tendon's grey pixels.
        cv::Scalar mean, sd;
        cv::meanStdDev(grey, mean, sd, valid);
        const int valid_px = cv::countNonZero(valid);
        if (valid_px > 0) {
            echo["mean"] = mean[0];
            echo["sd"] = sd[0];
            cv::Mat hv;
            cv::bitwise_and(hypo, valid, hv);
            echo["hypoechoic_fraction"] = static_cast<double>(cv::countNonZero(hv)) / valid_px;
            // Reference band: tissue pixels 1–6 mm superficial to the tendon's superficial border
            // in the tendon's columns, excluding colour and overlay pixels.
            double band_sum = 0.0;
            long band_n = 0;
            for (int col = 0; col < mask.cols; ++col) {
                int top = -1;
                for (int row = 0; row < mask.rows; ++row)
                    if (mask.at<uchar>(row, col)) {
                        top = row;
                        break;
                    }
                if (top < 0)
                    continue;
                for (int row = top - 1; row >= 0; --row) {
                    const double dist = (top - row) * sp.dy_mm;
                    if (dist > 6.0)
                        break;
                    if (dist < 1.0 || !pc.tissue_mask.at<uchar>(row, col) || pc.colour_mask.at<uchar>(row, col) ||
                        pc.overlay_mask.at<uchar>(row, col))
                        continue;
                    band_sum += grey.at<uchar>(row, col);
                    ++band_n;
                }
            }
            if (band_n > 0 && band_sum > 0)
                echo["normalized"] = mean[0] / (band_sum / band_n);
            // Coherence: structure tensor (Sobel gradients of the grey smoothed with sigma 1 px,
            // tensor smoothed with sigma 6 px), per-pixel (l1 - l2) / (l1 + l2), mean over the pixels.
            cv::Mat gf, gx, gy;
            grey.convertTo(gf, CV_32F);
            cv::GaussianBlur(gf, gf, cv::Size(0, 0), 1.0);
            cv::Sobel(gf, gx, CV_32F, 1, 0, 3);
            cv::Sobel(gf, gy, CV_32F, 0, 1, 3);
            cv::Mat jxx = gx.mul(gx), jyy = gy.mul(gy), jxy = gx.mul(gy);
            cv::GaussianBlur(jxx, jxx, cv::Size(0, 0), 6.0);
            cv::GaussianBlur(jyy, jyy, cv::Size(0, 0), 6.0);
            cv::GaussianBlur(jxy, jxy, cv::Size(0, 0), 6.0);
            double coh_sum = 0.0;
            long coh_n = 0;
            for (int row = 0; row < mask.rows; ++row)
                for (int col = 0; col < mask.cols; ++col) {
                    if (!valid.at<uchar>(row, col))
                        continue;
                    const double xx = jxx.at<float>(row, col), yy = jyy.at<float>(row, col), xy = jxy.at<float>(row, col);
                    const double tr = xx + yy;
                    coh_sum += tr > 1e-6 ? std::sqrt((xx - yy) * (xx - yy) + 4 * xy * xy) / tr : 0.0;
                    ++coh_n;
                }
            echo["coherence"] = coh_n ? coh_sum / coh_n : 0.0;
        }

        // Neovascularity.
        if (!doppler) {
            neo["vascular_fraction"] = 0.0;
            neo["vessel_count"] = 0;
            neo["vessels_in_tendon"] = 0;
            neo["ohberg_grade"] = 0;
        } else {
            cv::Mat in_mask;
            cv::bitwise_and(pc.colour_mask, mask, in_mask);
            neo["vascular_fraction"] = static_cast<double>(cv::countNonZero(in_mask)) / mask_px;
            // "Within 2 mm": dilate the mask by an ellipse of semi-axes 2/dx, 2/dy pixels.
            const int kx = static_cast<int>(std::floor(2.0 / sp.dx_mm)), ky = static_cast<int>(std::floor(2.0 / sp.dy_mm));
            cv::Mat kernel = cv::Mat::zeros(2 * ky + 1, 2 * kx + 1, CV_8UC1);
            for (int j = -ky; j <= ky; ++j)
                for (int i = -kx; i <= kx; ++i)
                    if (std::pow(i * sp.dx_mm, 2) + std::pow(j * sp.dy_mm, 2) <= 4.0 + 1e-9)
                        kernel.at<uchar>(j + ky, i + kx) = 1;
            cv::Mat near;
            cv::dilate(mask, near, kernel);
            cv::Mat labels, stats, centroids;
            const int n = cv::connectedComponentsWithStats(pc.colour_mask, labels, stats, centroids, 8, CV_32S);
            int count = 0, in_tendon = 0, next_label = 1;
            for (int k = 1; k < n; ++k) {
                const int px = stats.at<int>(k, cv::CC_STAT_AREA);
                if (px < 4)
                    continue;
                const cv::Mat comp = labels == k;
                const bool touches_mask = cv::countNonZero(comp & mask) > 0;
                const bool near_mask = cv::countNonZero(comp & near) > 0;
                if (next_label <= 255)
                    pc.vessel_labels.setTo(next_label, comp);
                vessel_list.push_back({{"label", next_label <= 255 ? next_label : 0},
                                       {"pixels", px},
                                       {"in_tendon", touches_mask},
                                       {"counted", near_mask},
                                       {"centroid_px", {centroids.at<double>(k, 0), centroids.at<double>(k, 1)}}});
                ++next_label;
                if (near_mask)
                    ++count;
                if (touches_mask)
                    ++in_tendon;
            }
            int grade = 0;
            if (count >= 1)
                grade = in_tendon == 0 ? 1 : in_tendon <= 3 ? 2 : in_tendon <= 6 ? 3 : 4;
            neo["vessel_count"] = count;
            neo["vessels_in_tendon"] = in_tendon;
            neo["ohberg_grade"] = grade;
        }
    } else if (!doppler) {
        neo["vascular_fraction"] = nullptr;
    }

    truth["thickness_mm"] = thickness;
    truth["csa_mm2"] = csa;
    truth["tendon_area_mm2"] = area;
    truth["echogenicity"] = echo;
    truth["neovascularity"] = neo;

    json designed_vessels = json::array();
    for (const auto& v : a.vessels)
        designed_vessels.push_back({{"kind", v.kind}, {"radius_mm", v.radius_mm}, {"peak_speed_nyquist", v.speed},
                                    {"length_mm", 0.1 * (v.path.size() - 1)}});
    json box = nullptr;
    if (pc.doppler_box)
        box = {pc.doppler_box->x, pc.doppler_box->y, pc.doppler_box->width, pc.doppler_box->height};
    truth["phantom"] = {{"seed", pc.seed},
                        {"spec", to_json(spec)},
                        {"true_spacing_mm", {sp.dx_mm, sp.dy_mm}},
                        {"true_mm", true_mm},
                        {"tendon_pixels", mask_px},
                        {"hypoechoic_pixels", cv::countNonZero(hypo & valid)},
                        {"colour_pixels", cv::countNonZero(pc.colour_mask)},
                        {"tissue_rect", {pc.tissue_rect.x, pc.tissue_rect.y, pc.tissue_rect.width, pc.tissue_rect.height}},
                        {"doppler_box", box},
                        {"probe_shift_mm", shift},
                        {"vessels", vessel_list},
                        {"designed_vessels", designed_vessels},
                        {"hypoechoic_foci", a.hypo.size()},
                        {"calcific_foci", a.calcific.size()},
                        {"reference_mm", 10.0}};
    pc.truth = truth;
}

} // namespace tendo::phantom::detail
