#include "model.hpp"

#include "rng.hpp"

#include <algorithm>
#include <cmath>

namespace tendo::phantom::detail {

namespace {
constexpr double kPi = 3.14159265358979323846;
double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double frac(double x) { return x - std::floor(x); }
} // namespace

double hash01(std::uint64_t seed, std::int64_t a, std::int64_t b) {
    std::uint64_t z = seed ^ (static_cast<std::uint64_t>(a) * 0x9E3779B97F4A7C15ULL) ^
                      (static_cast<std::uint64_t>(b) * 0xC2B2AE3D27D4EB4FULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

double value_noise(std::uint64_t seed, double x, std::int64_t channel) {
    const double f = std::floor(x);
    const double t = x - f;
    const double w = t * t * (3.0 - 2.0 * t);
    const auto i = static_cast<std::int64_t>(f);
    return hash01(seed, i, channel) * (1.0 - w) + hash01(seed, i + 1, channel) * w;
}

// ---------------------------------------------------------------------------------------------
// Geometry

bool ProbeGeometryModel::to_probe(double x_mm, double y_mm, double& u, double& d) const {
    if (!curvilinear) {
        u = x_mm - rect.x * dx;
        d = y_mm - rect.y * dy;
        return u >= 0.0 && u <= width_mm && d >= 0.0 && d <= depth_mm;
    }
    const double X = x_mm - apex_x_mm;
    const double Y = y_mm - apex_y_mm;
    const double r = std::hypot(X, Y);
    const double theta = std::atan2(X, Y);
    d = r - radius_mm;
    u = radius_mm * theta + width_mm / 2.0;
    return std::abs(theta) <= half_angle && d >= 0.0 && d <= depth_mm;
}

void ProbeGeometryModel::to_display(double u, double d, double& x_mm, double& y_mm) const {
    if (!curvilinear) {
        x_mm = u + rect.x * dx;
        y_mm = d + rect.y * dy;
        return;
    }
    const double theta = (u - width_mm / 2.0) / radius_mm;
    const double r = radius_mm + d;
    x_mm = apex_x_mm + r * std::sin(theta);
    y_mm = apex_y_mm + r * std::cos(theta);
}

ProbeGeometryModel make_geometry(const CaseSpec& spec) {
    ProbeGeometryModel g;
    g.curvilinear = spec.geometry == ProbeGeometry::curvilinear;
    g.dx = spec.spacing_mm.dx_mm;
    g.dy = spec.spacing_mm.dy_mm;
    const int x0 = static_cast<int>(std::lround(spec.cols * 0.14));
    const int x1 = spec.cols - 1 - static_cast<int>(std::lround(spec.cols * 0.08));
    const int y0 = static_cast<int>(std::lround(spec.rows * 0.1));
    const int y1 = spec.rows - 1 - static_cast<int>(std::lround(spec.rows * 0.05));
    g.rect = cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    if (!g.curvilinear) {
        g.width_mm = (g.rect.width - 1) * g.dx;
        g.depth_mm = (g.rect.height - 1) * g.dy;
        return g;
    }
    // Fan: apex above the region, top of the arc at y0 on the centre line, bottom arc at y1.
    const double width_mm = (g.rect.width - 1) * g.dx;
    g.depth_mm = (g.rect.height - 1) * g.dy;
    g.radius_mm = std::max(30.0, 0.9 * g.depth_mm);
    const double r_out = g.radius_mm + g.depth_mm;
    g.half_angle = std::min(std::asin(std::min(0.95, (width_mm / 2.0) / r_out)), 0.6);
    g.apex_x_mm = (g.rect.x + (g.rect.width - 1) / 2.0) * g.dx;
    g.apex_y_mm = g.rect.y * g.dy - g.radius_mm;
    g.width_mm = 2.0 * g.radius_mm * g.half_angle;
    return g;
}

double probe_shift_mm(const CaseSpec& spec, std::uint64_t seed, int frame) {
    if (spec.frames <= 1)
        return 0.0;
    const double amp = 0.5 + 1.0 * hash01(seed, 71);
    const double phase = 2.0 * kPi * hash01(seed, 72);
    const double t_ms = frame * spec.frame_time_ms;
    return amp * (std::sin(2.0 * kPi * t_ms / 1700.0 + phase) - std::sin(phase));
}

double pulse_factor(const CaseSpec& spec, std::uint64_t seed, int frame) {
    if (spec.frames <= 1)
        return 0.85;
    const double period_ms = 750.0 + 400.0 * hash01(seed, 81);
    const double phase = frac(frame * spec.frame_time_ms / period_ms + hash01(seed, 82));
    const double systole = std::exp(-std::pow((phase - 0.15) / 0.1, 2.0));
    return 0.4 + 0.6 * systole;
}

// ---------------------------------------------------------------------------------------------
// Anatomy

bool Ellipse::contains(double u, double d) const {
    const double c = std::cos(angle), s = std::sin(angle);
    const double du = u - cu, dd = d - cd;
    const double p = (du * c + dd * s) / a;
    const double q = (-du * s + dd * c) / b;
    return p * p + q * q <= 1.0;
}

double Anatomy::top(double s) const {
    const double x = s - s_c;
    return top0 + tan_slope * x + curv * x * x;
}

double Anatomy::deep(double s) const {
    // A slight, smooth variation of thickness along the tendon (±5 %).
    return top(s) + thick * (1.0 + 0.05 * std::sin(s * 0.21 + 1.3));
}

double Anatomy::bone(double u) const {
    switch (view) {
    case CaseView::longitudinal: {
        const double s = canon(u);
        return bone_far - (bone_far - bone_near) * logistic((s - s_b) / w_b);
    }
    case CaseView::transverse:
        return dome_top + dome_k * (u - uc) * (u - uc);
    default:
        return neg_bone + 2.0 * std::sin(u * 0.05 + 0.7);
    }
}

bool Anatomy::in_tendon(double u, double d) const {
    if (view == CaseView::longitudinal) {
        const double s = canon(u);
        return d >= top(s) && d < deep(s) && d < bone(u);
    }
    if (view == CaseView::transverse) {
        const double p = (u - uc) / half_w;
        const double q = (d - zc) / half_t;
        return p * p + q * q <= 1.0 && d < bone(u);
    }
    return false;
}

bool Anatomy::in_hypo(double u, double d) const {
    if (!in_tendon(u, d))
        return false;
    const double s = view == CaseView::longitudinal ? canon(u) : u;
    for (const auto& e : hypo)
        if (e.contains(s, d))
            return true;
    return false;
}

Echo Anatomy::echo(double u, double d) const {
    Echo e;
    const double s = view == CaseView::longitudinal ? canon(u) : u;
    // Skin entry line and dermis.
    if (d < 0.18) {
        e.amp = 1.2;
        e.spec = 2.0;
        return e;
    }
    if (d < skin) {
        e.amp = 0.75 + 0.35 * value_noise(seed + 1, u * 0.8, static_cast<std::int64_t>(d * 3));
        return e;
    }
    const double bone_d = bone(u);
    if (d >= bone_d) {
        // Cortex: a specular surface that reflects most of the beam; cancellous bone below.
        if (d < bone_d + 0.3) {
            e.amp = 2.5;
            e.spec = 7.0;
            e.loss = 9.0;
        } else {
            e.amp = 0.5;
            e.loss = 0.3;
        }
        return e;
    }
    const bool negative = !has_tendon();
    const double fat_line = fat_bottom + 0.6 * std::sin(u * 0.09 + 0.4);
    if (d < fat_line) {
        e.amp = 0.12;
        for (std::size_t i = 0; i < septa.size(); ++i) {
            const Septum& sp = septa[i];
            const double line = sp.base + sp.amp * std::sin(sp.k * u + sp.phase) + sp.slope * u;
            if (std::abs(d - line) < 0.14 && value_noise(seed + 7, u * 0.4, static_cast<std::int64_t>(i)) > 0.3) {
                e.amp = 0.6;
                e.spec = 0.15;
            }
        }
        return e;
    }
    if (std::abs(d - fat_line) < 0.16) {
        e.amp = 1.0;
        e.spec = 1.1;
        return e;
    }
    auto muscle = [&](double angle, double spacing, std::int64_t channel) {
        Echo m;
        m.amp = 0.22;
        const double t = (d - std::tan(angle) * u) / spacing;
        const double f = std::abs(frac(t) - 0.5);
        const auto line = static_cast<std::int64_t>(std::floor(t));
        if (f > 0.43 && value_noise(seed + 11 + channel, u * 0.2, line) > 0.45)
            m.amp = 0.75;
        return m;
    };

    if (view == CaseView::longitudinal) {
        const double t_top = top(s);
        const double t_deep = deep(s);
        const bool tendon_here = t_top < bone_d;
        if (tendon_here && std::abs(d - t_top) < 0.13) {
            e.amp = 0.9;
            e.spec = 0.9;
            return e;
        }
        if (d < t_top || !tendon_here)
            return muscle(glute_angle, glute_spacing, 0);
        if (d < t_deep) {
            for (const auto& c : calcific)
                if (c.contains(s, d)) {
                    e.amp = 4.0;
                    e.spec = 3.0;
                    e.loss = 1.2;
                    return e;
                }
            for (const auto& h : hypo)
                if (h.contains(s, d)) {
                    e.amp = 0.2 + 0.08 * value_noise(seed + 5, s * 2.0, 0);
                    return e;
                }
            // Fibrillar pattern: parallel bright lines following the tendon, broken along s.
            const double w = (d - t_top) / fibril_spacing;
            const auto k = static_cast<std::int64_t>(std::floor(w));
            const double f = std::abs(frac(w) - 0.5);
            e.amp = 0.35;
            if (f < 0.2) {
                const double on = value_noise(seed + 3, s / 3.0, k);
                if (on > 0.3) {
                    // Fibril: a partly specular (coherent) bright line, interrupted along its length.
                    e.amp = 1.3;
                    e.spec = 0.6 * std::min(1.0, (on - 0.3) * 4.0);
                }
            }
            e.amp *= 0.9 + 0.2 * value_noise(seed + 4, s * 0.3, 99);
            return e;
        }
        if (std::abs(d - t_deep) < 0.13) {
            e.amp = 0.8;
            e.spec = 0.6;
            return e;
        }
        return muscle(ham_angle, ham_spacing, 1);
    }

    if (view == CaseView::transverse) {
        const double p = (u - uc) / half_w;
        const double q = (d - zc) / half_t;
        const double r2 = p * p + q * q;
        if (r2 <= 1.0) {
            for (const auto& c : calcific)
                if (c.contains(u, d)) {
                    e.amp = 4.0;
                    e.spec = 3.0;
                    e.loss = 1.2;
                    return e;
                }
            for (const auto& h : hypo)
                if (h.contains(u, d)) {
                    e.amp = 0.2;
                    return e;
                }
            // Fibre bundles cut across: a punctate pattern of bright dots.
            const double cell = 0.38;
            const auto iu = static_cast<std::int64_t>(std::floor(u / cell));
            const auto id = static_cast<std::int64_t>(std::floor(d / cell));
            e.amp = 0.55;
            for (std::int64_t a = iu - 1; a <= iu + 1; ++a)
                for (std::int64_t b = id - 1; b <= id + 1; ++b) {
                    const double cu = (a + 0.2 + 0.6 * hash01(seed + 21, a, b)) * cell;
                    const double cd = (b + 0.2 + 0.6 * hash01(seed + 22, a, b)) * cell;
                    if (std::hypot(u - cu, d - cd) < 0.09)
                        e.amp = 1.8;
                }
            if (r2 > 0.88) {
                // Boundary: specular only where it faces the beam (top and bottom of the oval).
                const double facing = std::pow(std::abs(q) / std::sqrt(r2), 4.0);
                e.spec = 0.6 * facing;
                e.amp = std::max(e.amp, 0.4 + 0.4 * facing);
            }
            return e;
        }
        const double np = (u - nerve_u) / nerve_a;
        const double nq = (d - nerve_d) / nerve_b;
        const double n2 = np * np + nq * nq;
        if (n2 <= 1.0) {
            // Honeycomb: dark fascicles in bright epineurium.
            e.amp = 0.9;
            const double cell = 0.75;
            const auto iu = static_cast<std::int64_t>(std::floor(u / cell));
            const auto id = static_cast<std::int64_t>(std::floor(d / cell));
            for (std::int64_t a = iu - 1; a <= iu + 1; ++a)
                for (std::int64_t b = id - 1; b <= id + 1; ++b) {
                    const double cu = (a + 0.3 + 0.4 * hash01(seed + 31, a, b)) * cell;
                    const double cd = (b + 0.3 + 0.4 * hash01(seed + 32, a, b)) * cell;
                    if (std::hypot(u - cu, d - cd) < 0.26)
                        e.amp = 0.22;
                }
            if (n2 > 0.85)
                e.spec = 0.6 * std::pow(std::abs(nq) / std::sqrt(n2), 4.0);
            return e;
        }
        return muscle(d < zc ? glute_angle : ham_angle, d < zc ? glute_spacing : ham_spacing, d < zc ? 0 : 1);
    }

    if (view == CaseView::negative_fascia) {
        const double line = fascia_d + fascia_slope * (u - U / 2.0);
        if (std::abs(d - line) < fascia_t / 2.0) {
            e.amp = 1.25;
            e.spec = 0.7;
            return e;
        }
        return muscle(d < line ? glute_angle : ham_angle, d < line ? glute_spacing : ham_spacing, d < line ? 0 : 1);
    }
    (void)negative;
    return muscle(glute_angle, glute_spacing, 0);
}

namespace {

/// Tendon sample points (canonical s or u, depth) on a 0.1 mm grid of the visible width.
std::vector<cv::Point2d> tendon_samples(const Anatomy& a) {
    std::vector<cv::Point2d> points;
    for (double u = 0.05; u < a.U; u += 0.1)
        for (double d = 0.05; d < a.D; d += 0.1)
            if (a.in_tendon(u, d))
                points.emplace_back(a.view == CaseView::longitudinal ? a.canon(u) : u, d);
    return points;
}

/// Fraction of the tendon samples inside the hypoechoic ellipses.
double hypo_coverage(const Anatomy& a, const std::vector<cv::Point2d>& points) {
    long inside = 0;
    for (const auto& p : points)
        for (const auto& e : a.hypo)
            if (e.contains(p.x, p.y)) {
                ++inside;
                break;
            }
    return points.empty() ? 0.0 : static_cast<double>(inside) / points.size();
}

void tendon_point(const Anatomy& a, Rng& rng, double& s, double& d, double lo = 0.2, double hi = 0.8) {
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (a.view == CaseView::longitudinal) {
            s = rng.uniform(1.0, a.U - 1.0);
            const double t = a.top(s), b = std::min(a.deep(s), a.bone(a.canon(s)));
            if (b - t < 1.0)
                continue;
            d = t + (b - t) * rng.uniform(lo, hi);
        } else {
            s = a.uc + a.half_w * rng.uniform(-0.7, 0.7);
            d = a.zc + a.half_t * rng.uniform(-0.6, 0.5);
        }
        const double u = a.view == CaseView::longitudinal ? a.canon(s) : s;
        if (a.in_tendon(u, d))
            return;
    }
}

std::vector<cv::Point2d> wander(Rng& rng, cv::Point2d start, double heading, double length_mm, double tortuosity) {
    std::vector<cv::Point2d> path{start};
    const double step = 0.1;
    double angle = heading;
    double turn = 0.0;
    for (double l = 0; l < length_mm; l += step) {
        turn = 0.9 * turn + tortuosity * rng.normal() * 0.05;
        angle += turn;
        angle = heading + std::clamp(angle - heading, -1.0, 1.0);
        path.emplace_back(path.back().x + step * std::cos(angle), path.back().y + step * std::sin(angle));
    }
    return path;
}

} // namespace

Anatomy make_anatomy(const CaseSpec& spec, const ProbeGeometryModel& g, std::uint64_t seed) {
    Rng rng(mix_seed(seed, 0xA1A7));
    Anatomy a;
    a.view = spec.view;
    a.seed = rng.fork();
    a.U = g.width_mm;
    a.D = g.depth_mm;
    a.flip = spec.insertion_on_left;

    const double T = spec.thickness_mm;
    // Fit the layers into the imaged depth: skin, fat, gluteus, tendon, deep structures.
    const double room = a.D - T - 8.0;
    a.skin = rng.uniform(1.4, 2.4);
    const double extra = std::max(0.0, a.D - 42.0); // deep (curvilinear) images: more tissue above
    const double fat = std::clamp(rng.uniform(3.0, 11.0) + 0.3 * extra, 2.0, std::max(2.0, room * 0.45));
    a.fat_bottom = a.skin + fat;
    const double glute = std::clamp(rng.uniform(3.0, 9.0) + 0.25 * extra, 2.5, std::max(2.5, room * 0.5));
    for (int i = 0, n = rng.integer(2, 5); i < n; ++i)
        a.septa.push_back({a.skin + rng.uniform(0.8, fat - 0.5), rng.uniform(0.2, 1.2), rng.uniform(0.05, 0.25),
                           rng.uniform(0.0, 6.28), rng.uniform(-0.06, 0.06)});
    a.glute_angle = rng.uniform(0.08, 0.35) * (rng.chance(0.5) ? 1 : -1);
    a.glute_spacing = rng.uniform(1.0, 1.8);
    a.ham_angle = -a.glute_angle * rng.uniform(0.5, 1.2);
    a.ham_spacing = rng.uniform(0.9, 1.5);
    a.fibril_spacing = rng.uniform(0.33, 0.45);

    a.s_c = a.U / 2.0;
    a.top0 = a.fat_bottom + glute;
    a.tan_slope = std::tan(spec.slope_deg * 3.14159265358979 / 180.0);
    a.curv = spec.curvature_per_mm;
    a.thick = T;
    // Keep the tendon inside the depth with room for bone below it.
    auto fit = [&] {
        double min_top = 1e9, max_deep = -1e9;
        for (double s = 0; s <= a.U; s += 0.5) {
            min_top = std::min(min_top, a.top(s));
            max_deep = std::max(max_deep, a.deep(s));
        }
        if (min_top < a.fat_bottom + 1.5)
            a.top0 += a.fat_bottom + 1.5 - min_top;
        if (max_deep > a.D - 6.0) {
            a.tan_slope *= 0.5;
            a.curv *= 0.5;
        }
    };
    fit();
    fit();

    a.s_b = a.U * rng.uniform(0.68, 0.78);
    a.w_b = rng.uniform(2.0, 3.5);
    a.bone_far = std::min(a.D - 1.0, a.deep(a.s_b) + rng.uniform(4.0, 9.0));
    a.bone_near = a.top(a.s_b + 3 * a.w_b) - rng.uniform(1.0, 3.0);

    a.half_t = T / 2.0;
    a.half_w = std::clamp(T * 0.9 + rng.uniform(2.0, 5.0), 5.0, 12.0);
    a.uc = a.U * rng.uniform(0.38, 0.55);
    a.zc = a.fat_bottom + glute + a.half_t;
    a.dome_top = a.zc + a.half_t - rng.uniform(0.3, 0.9);
    a.dome_k = rng.uniform(0.008, 0.02);
    const double side = a.flip ? -1.0 : 1.0;
    a.nerve_a = rng.uniform(2.8, 4.0);
    a.nerve_b = rng.uniform(1.6, 2.4);
    a.nerve_u = a.uc + side * (a.half_w + a.nerve_a + rng.uniform(2.0, 5.0));
    a.nerve_d = a.zc + rng.uniform(0.0, 2.0);

    a.fascia_d = a.fat_bottom + glute + T * 0.5;
    a.fascia_t = rng.uniform(0.8, 1.6);
    a.fascia_slope = std::tan(spec.slope_deg * 3.14159265358979 / 180.0) * 0.5;
    a.neg_bone = std::min(a.D - 3.0, a.fat_bottom + glute + T + rng.uniform(4.0, 9.0));

    if (!a.has_tendon())
        return a;

    // Hypoechoic foci: elongated along the fibres, added until the covered fraction is reached.
    if (spec.hypoechoic_fraction > 0.0) {
        const auto points = tendon_samples(a);
        const double area = points.size() * 0.01;
        const int planned = 2 + static_cast<int>(spec.hypoechoic_fraction * 10.0);
        const double focus_area = spec.hypoechoic_fraction * area / planned;
        double covered = 0.0;
        for (int i = 0; i < 60 && covered < spec.hypoechoic_fraction * 0.97; ++i) {
            Ellipse e;
            tendon_point(a, rng, e.cu, e.cd, 0.3, 0.7);
            const double ratio = a.view == CaseView::longitudinal ? rng.uniform(2.0, 3.5) : rng.uniform(1.0, 1.8);
            e.b = std::min(std::sqrt(focus_area / (3.14159 * ratio)) * rng.uniform(0.8, 1.2), 0.42 * T);
            e.b = std::max(e.b, 0.6);
            e.a = std::max(e.b * ratio, 1.0);
            e.angle = rng.uniform(-0.15, 0.15);
            a.hypo.push_back(e);
            covered = hypo_coverage(a, points);
            if (covered > spec.hypoechoic_fraction * 1.25 && a.hypo.size() > 1) {
                a.hypo.pop_back();
                covered = hypo_coverage(a, points);
            }
        }
    }
    for (int i = 0; i < spec.calcific_foci; ++i) {
        Ellipse e;
        tendon_point(a, rng, e.cu, e.cd, 0.2, 0.6);
        e.a = rng.uniform(0.5, 1.2);
        e.b = rng.uniform(0.3, 0.6);
        e.angle = rng.uniform(-0.3, 0.3);
        a.calcific.push_back(e);
    }
    return a;
}

/// Vessel paths are made by the renderer once the Doppler box is known.
void add_vessels(Anatomy& a, const CaseSpec& spec, double u_lo, double u_hi, double d_lo, double d_hi,
                 std::uint64_t seed) {
    Rng rng(mix_seed(seed, 0xBE55E1));
    auto inside_box = [&](cv::Point2d p) { return p.x > u_lo && p.x < u_hi && p.y > d_lo && p.y < d_hi; };
    auto clip_path = [&](std::vector<cv::Point2d> path) {
        std::vector<cv::Point2d> kept;
        for (const auto& p : path) {
            if (!inside_box(p))
                break;
            kept.push_back(p);
        }
        return kept;
    };
    for (int i = 0; i < spec.vessels_in; ++i) {
        for (int attempt = 0; attempt < 30; ++attempt) {
            double s = 0, d = 0;
            tendon_point(a, rng, s, d, 0.2, 0.8);
            const double u = a.view == CaseView::longitudinal ? a.canon(s) : s;
            if (!inside_box({u, d}))
                continue;
            Vessel v;
            v.kind = "in";
            v.radius_mm = rng.uniform(0.22, 0.42);
            v.speed = spec.flow_nyquist_ratio * rng.uniform(0.6, 1.0);
            const double heading = (rng.chance(0.5) ? 0.0 : 3.14159) + rng.uniform(-0.7, 0.7);
            v.path = clip_path(wander(rng, {u, d}, heading, rng.uniform(2.5, 7.0), 1.0));
            if (v.path.size() > 10) {
                a.vessels.push_back(v);
                break;
            }
        }
    }
    for (int i = 0; i < spec.vessels_around; ++i) {
        for (int attempt = 0; attempt < 30; ++attempt) {
            Vessel v;
            v.kind = "around";
            v.radius_mm = rng.uniform(0.2, 0.35);
            v.speed = spec.flow_nyquist_ratio * rng.uniform(0.5, 0.9);
            const double u = rng.uniform(u_lo + 2.0, u_hi - 2.0);
            const double s = a.view == CaseView::longitudinal ? a.canon(u) : u;
            double top_d = 0.0;
            if (a.view == CaseView::longitudinal) {
                if (a.top(s) >= a.bone(u) - 0.5)
                    continue;
                top_d = a.top(s);
            } else {
                const double p = (u - a.uc) / a.half_w;
                if (std::abs(p) > 0.8)
                    continue;
                top_d = a.zc - a.half_t * std::sqrt(1.0 - p * p);
            }
            const double gap = rng.uniform(0.6, 1.2);
            const double d = top_d - gap - v.radius_mm;
            auto path = wander(rng, {u, d}, rng.chance(0.5) ? 0.0 : 3.14159, rng.uniform(3.0, 8.0), 0.5);
            // Keep the whole vessel outside the tendon and within ~1.7 mm of its surface.
            std::vector<cv::Point2d> kept;
            for (auto p : path) {
                double t = 0.0;
                if (a.view == CaseView::longitudinal) {
                    t = a.top(a.canon(p.x));
                    if (t >= a.bone(p.x) - 0.3)
                        break;
                } else {
                    const double q = (p.x - a.uc) / a.half_w;
                    if (std::abs(q) > 0.95)
                        break;
                    t = a.zc - a.half_t * std::sqrt(1.0 - q * q);
                }
                p.y = std::clamp(p.y, t - 1.5 - v.radius_mm, t - 0.45 - v.radius_mm);
                if (!inside_box(p))
                    break;
                kept.push_back(p);
            }
            v.path = kept;
            if (v.path.size() > 10) {
                a.vessels.push_back(v);
                break;
            }
        }
    }
    for (int i = 0; i < spec.vessels_away; ++i) {
        for (int attempt = 0; attempt < 30; ++attempt) {
            Vessel v;
            v.kind = "away";
            v.radius_mm = rng.uniform(0.3, 0.6);
            v.speed = spec.flow_nyquist_ratio * rng.uniform(0.7, 1.2);
            const double u = rng.uniform(u_lo + 1.0, u_hi - 1.0);
            const double d = rng.uniform(d_lo + 0.8, d_hi - 0.8);
            // At least 4 mm from any tendon point along the whole path.
            auto path = wander(rng, {u, d}, rng.uniform(-0.4, 0.4) + (rng.chance(0.5) ? 0.0 : 3.14159),
                               rng.uniform(3.0, 9.0), 0.7);
            std::vector<cv::Point2d> kept;
            for (const auto& p : path) {
                bool near = false;
                for (double ang = 0; ang < 6.283 && !near; ang += 0.3927)
                    for (double r = 0.0; r <= 4.0 + v.radius_mm && !near; r += 0.25)
                        near = a.in_tendon(p.x + r * std::cos(ang), p.y + r * std::sin(ang));
                if (near || !inside_box(p) || p.y >= a.bone(p.x) - v.radius_mm)
                    break;
                kept.push_back(p);
            }
            v.path = kept;
            if (v.path.size() > 10) {
                a.vessels.push_back(v);
                break;
            }
        }
    }
}

} // namespace tendo::phantom::detail
