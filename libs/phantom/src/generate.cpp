#include "tendo/phantom/phantom.hpp"

#include "model.hpp"
#include "render.hpp"
#include "rng.hpp"
#include "tendo/imaging/error.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace tendo::phantom {

namespace {

using namespace detail;

struct BeamGrid {
    double du = 0.08, dd = 0.08, margin = 0.5;
    int lines = 0, samples = 0;
};

/// Probe-coordinate box of the colour-flow region, around the tendon (or mid-depth for negatives).
void doppler_box_probe(const Anatomy& a, Rng& rng, double& u_lo, double& u_hi, double& d_lo, double& d_hi) {
    const double width = a.U * rng.uniform(0.45, 0.62);
    if (a.view == CaseView::longitudinal) {
        double s_ins = a.U;
        for (double s = 0; s <= a.U; s += 0.1)
            if (a.top(s) >= a.bone(a.canon(s))) {
                s_ins = s;
                break;
            }
        const double s_mid = std::clamp(s_ins - width * 0.55, width / 2.0 + 0.5, a.U - width / 2.0 - 0.5);
        const double u_mid = a.canon(s_mid);
        u_lo = u_mid - width / 2.0;
        u_hi = u_mid + width / 2.0;
        double top = 1e9, deep = -1e9;
        for (double s = std::min(a.canon(u_lo), a.canon(u_hi)); s <= std::max(a.canon(u_lo), a.canon(u_hi)); s += 0.5) {
            top = std::min(top, a.top(s));
            deep = std::max(deep, std::min(a.deep(s), a.bone(a.canon(s))));
        }
        d_lo = top - rng.uniform(6.0, 8.0);
        d_hi = deep + rng.uniform(3.0, 5.0);
    } else if (a.view == CaseView::transverse) {
        u_lo = a.uc - width / 2.0;
        u_hi = a.uc + width / 2.0;
        d_lo = a.zc - a.half_t - rng.uniform(6.0, 8.0);
        d_hi = a.zc + a.half_t + rng.uniform(3.0, 5.0);
    } else {
        u_lo = a.U / 2.0 - width / 2.0;
        u_hi = a.U / 2.0 + width / 2.0;
        d_lo = a.fat_bottom;
        d_hi = a.fat_bottom + 15.0;
    }
    u_lo = std::max(u_lo, 1.0);
    u_hi = std::min(u_hi, a.U - 1.0);
    d_lo = std::max(d_lo, 1.0);
    d_hi = std::min(d_hi, a.D - 1.0);
}

cv::Rect display_box(const ProbeGeometryModel& g, double u_lo, double u_hi, double d_lo, double d_hi) {
    double x_min = 1e9, x_max = -1e9, y_min = 1e9, y_max = -1e9;
    for (int i = 0; i <= 20; ++i) {
        const double t = i / 20.0;
        const double pts[4][2] = {{u_lo + t * (u_hi - u_lo), d_lo},
                                  {u_lo + t * (u_hi - u_lo), d_hi},
                                  {u_lo, d_lo + t * (d_hi - d_lo)},
                                  {u_hi, d_lo + t * (d_hi - d_lo)}};
        for (const auto& p : pts) {
            double x = 0, y = 0;
            g.to_display(p[0], p[1], x, y);
            x_min = std::min(x_min, x);
            x_max = std::max(x_max, x);
            y_min = std::min(y_min, y);
            y_max = std::max(y_max, y);
        }
    }
    const cv::Rect inner(g.rect.x + 2, g.rect.y + 2, g.rect.width - 4, g.rect.height - 4);
    const cv::Rect box(cv::Point(static_cast<int>(std::lround(x_min / g.dx)), static_cast<int>(std::lround(y_min / g.dy))),
                       cv::Point(static_cast<int>(std::lround(x_max / g.dx)) + 1,
                                 static_cast<int>(std::lround(y_max / g.dy)) + 1));
    return box & inner;
}

/// Signed velocity (peak-normalised, Nyquist units) and power of every beam sample inside a vessel.
void rasterise_vessels(const Anatomy& a, const BeamGrid& b, cv::Mat& velocity, cv::Mat& power) {
    velocity = cv::Mat::zeros(b.samples, b.lines, CV_32F);
    power = cv::Mat::zeros(b.samples, b.lines, CV_32F);
    for (const auto& v : a.vessels) {
        const int n = static_cast<int>(v.path.size());
        for (int i = 0; i < n; ++i) {
            const auto& p = v.path[static_cast<std::size_t>(i)];
            const auto& p0 = v.path[static_cast<std::size_t>(std::max(0, i - 4))];
            const auto& p1 = v.path[static_cast<std::size_t>(std::min(n - 1, i + 4))];
            const double tu = p1.x - p0.x, td = p1.y - p0.y;
            const double len = std::hypot(tu, td) + 1e-9;
            const double cosine = td / len;
            // Flow direction relative to the beam; never fully zero so a vessel stays one colour run.
            const double dir = (cosine >= 0 ? 1.0 : -1.0) * (0.35 + 0.65 * std::abs(cosine));
            const double r = v.radius_mm;
            const int c0 = static_cast<int>(std::floor((p.x - r + b.margin) / b.du));
            const int c1 = static_cast<int>(std::ceil((p.x + r + b.margin) / b.du));
            const int r0 = static_cast<int>(std::floor((p.y - r) / b.dd));
            const int r1 = static_cast<int>(std::ceil((p.y + r) / b.dd));
            for (int row = std::max(0, r0); row <= std::min(b.samples - 1, r1); ++row)
                for (int col = std::max(0, c0); col <= std::min(b.lines - 1, c1); ++col) {
                    const double u = col * b.du - b.margin, d = row * b.dd;
                    const double rho = std::hypot(u - p.x, d - p.y) / r;
                    if (rho > 1.0)
                        continue;
                    const double profile = 1.0 - 0.75 * rho * rho;
                    const float vel = static_cast<float>(v.speed * profile * dir);
                    float& cur = velocity.at<float>(row, col);
                    if (std::abs(vel) > std::abs(cur))
                        cur = vel;
                    float& pw = power.at<float>(row, col);
                    pw = std::max(pw, static_cast<float>(0.35 + 0.65 * profile));
                }
        }
    }
}

} // namespace

PhantomCase generate_case(const CaseSpec& spec_in, std::uint64_t seed) {
    const CaseSpec spec = spec_in.normalized();
    if (spec_in.rows < 200 || spec_in.cols < 200)
        throw Error("phantom: image too small (rows and cols must be at least 200)");
    PhantomCase out;
    out.spec = spec;
    out.seed = seed;

    const ProbeGeometryModel g = make_geometry(spec);
    Anatomy a = make_anatomy(spec, g, seed);
    Rng rng(mix_seed(seed, 0x4E7D));
    const bool doppler = spec.doppler != DopplerMode::none;
    if (doppler) {
        double u_lo = 0, u_hi = 0, d_lo = 0, d_hi = 0;
        doppler_box_probe(a, rng, u_lo, u_hi, d_lo, d_hi);
        out.doppler_box = display_box(g, u_lo, u_hi, d_lo, d_hi);
        add_vessels(a, spec, u_lo, u_hi, d_lo, d_hi, seed);
    }

    // ---- Beam space: echo amplitudes, shadowing, speckle through the point-spread function.
    BeamGrid b;
    b.du = g.curvilinear ? std::min(g.dx, g.dy) : g.dx;
    b.dd = g.curvilinear ? std::min(g.dx, g.dy) : g.dy;
    b.margin = spec.frames > 1 ? 2.5 : 0.5;
    b.lines = static_cast<int>(std::ceil((a.U + 2 * b.margin) / b.du)) + 1;
    b.samples = static_cast<int>(std::ceil(a.D / b.dd)) + 2;

    cv::Mat amp(b.samples, b.lines, CV_32F), spec_amp(b.samples, b.lines, CV_32F);
    {
        std::vector<double> transmission(static_cast<std::size_t>(b.lines), 1.0);
        for (int row = 0; row < b.samples; ++row) {
            float* pa = amp.ptr<float>(row);
            float* ps = spec_amp.ptr<float>(row);
            const double d = row * b.dd;
            for (int col = 0; col < b.lines; ++col) {
                const double u = col * b.du - b.margin;
                const Echo e = a.echo(u, d);
                double& t = transmission[static_cast<std::size_t>(col)];
                // Round trip through everything shallower: the acoustic shadow.
                const double t2 = t * t;
                pa[col] = static_cast<float>(e.amp * t2);
                ps[col] = static_cast<float>(e.spec * t2);
                t *= std::exp(-e.loss * b.dd);
            }
        }
    }
    const double freq = spec.frequency_mhz;
    const double sigma_axial_mm = 0.12 * 10.0 / freq;
    const double sigma_lateral_mm = 0.26 * 10.0 / freq;
    cv::Mat n1(b.samples, b.lines, CV_32F), n2(b.samples, b.lines, CV_32F);
    cv::RNG cvrng(mix_seed(seed, 0x5BEC));
    cvrng.fill(n1, cv::RNG::NORMAL, 0.0, 1.0);
    cvrng.fill(n2, cv::RNG::NORMAL, 0.0, 1.0);
    cv::Mat in_phase = amp.mul(n1) + spec_amp * 2.0;
    cv::Mat quadrature = amp.mul(n2);
    const double sx = sigma_lateral_mm / b.du, sy = sigma_axial_mm / b.dd;
    cv::GaussianBlur(in_phase, in_phase, cv::Size(0, 0), sx, sy, cv::BORDER_REFLECT);
    cv::GaussianBlur(quadrature, quadrature, cv::Size(0, 0), sx, sy, cv::BORDER_REFLECT);
    // Reference: mean envelope of unit-amplitude diffuse scatter after the same PSF.
    double kernel_energy = 0.0;
    {
        cv::Mat kx = cv::getGaussianKernel(static_cast<int>(std::ceil(sx * 8)) | 1, sx, CV_64F);
        cv::Mat ky = cv::getGaussianKernel(static_cast<int>(std::ceil(sy * 8)) | 1, sy, CV_64F);
        kernel_energy = cv::sum(kx.mul(kx))[0] * cv::sum(ky.mul(ky))[0];
    }
    const double reference = std::sqrt(kernel_energy) * 1.2533;

    // Attenuation (0.45 dB/cm/MHz, round trip), electronic noise, then depth gain that compensates
    // imperfectly, log compression with gain and dynamic range.
    const double alpha_db_per_mm = 2.0 * 0.045 * freq;
    const double tgc_error = rng.uniform(-0.15, 0.12);
    const double focus_mm = a.D * rng.uniform(0.35, 0.6);
    const double noise_level = reference * std::pow(10.0, -68.0 / 20.0);
    cv::Mat e1(b.samples, b.lines, CV_32F), e2(b.samples, b.lines, CV_32F);
    cvrng.fill(e1, cv::RNG::NORMAL, 0.0, noise_level);
    cvrng.fill(e2, cv::RNG::NORMAL, 0.0, noise_level);
    const double dr = spec.dynamic_range_db;
    cv::Mat bmode(b.samples, b.lines, CV_32F);
    for (int row = 0; row < b.samples; ++row) {
        const double d = row * b.dd;
        const double att = std::pow(10.0, -alpha_db_per_mm * d / 20.0);
        const double focus_db = 2.0 * std::exp(-std::pow((d - focus_mm) / 6.0, 2.0)) - 1.5 * std::exp(-d / 1.5);
        const double tgc_db = alpha_db_per_mm * d * (1.0 + tgc_error) + focus_db;
        const double tgc = std::pow(10.0, tgc_db / 20.0);
        const float* pi = in_phase.ptr<float>(row);
        const float* pq = quadrature.ptr<float>(row);
        const float* pe1 = e1.ptr<float>(row);
        const float* pe2 = e2.ptr<float>(row);
        float* pb = bmode.ptr<float>(row);
        for (int col = 0; col < b.lines; ++col) {
            const double i = pi[col] * att + pe1[col];
            const double q = pq[col] * att + pe2[col];
            const double env = std::sqrt(i * i + q * q) * tgc;
            const double db = 20.0 * std::log10(env / reference + 1e-9) + spec.gain_db;
            pb[col] = static_cast<float>(std::clamp(255.0 * (db + 0.42 * dr) / dr, 0.0, 255.0));
        }
    }

    // ---- Scan conversion maps (display pixel → beam sample) and the tissue area.
    cv::Mat map_u(spec.rows, spec.cols, CV_32F, cv::Scalar(-1000.0f));
    cv::Mat map_d(spec.rows, spec.cols, CV_32F, cv::Scalar(-1000.0f));
    out.tissue_mask = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
    out.tissue_rect = g.rect;
    for (int row = g.rect.y; row < g.rect.y + g.rect.height; ++row)
        for (int col = g.rect.x; col < g.rect.x + g.rect.width; ++col) {
            double u = 0, d = 0;
            if (!g.to_probe(col * g.dx, row * g.dy, u, d))
                continue;
            out.tissue_mask.at<uchar>(row, col) = 255;
            map_u.at<float>(row, col) = static_cast<float>(u);
            map_d.at<float>(row, col) = static_cast<float>(d);
        }

    cv::Mat velocity, power;
    if (doppler)
        rasterise_vessels(a, b, velocity, power);

    const bool grey_output = spec.encoding == Encoding::mono2;
    const int frames = spec.frames;
    std::vector<double> shifts;
    std::vector<cv::Mat> colour_masks;
    std::vector<int> colour_in_mask(static_cast<std::size_t>(frames), 0);
    std::vector<cv::Mat> masks;
    const double wall = 0.12;

    auto tendon_mask_for = [&](double shift) {
        cv::Mat mask = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
        if (!a.has_tendon())
            return mask;
        for (int row = g.rect.y; row < g.rect.y + g.rect.height; ++row) {
            const float* pu = map_u.ptr<float>(row);
            const float* pd = map_d.ptr<float>(row);
            const uchar* pt = out.tissue_mask.ptr<uchar>(row);
            uchar* pm = mask.ptr<uchar>(row);
            for (int col = g.rect.x; col < g.rect.x + g.rect.width; ++col)
                if (pt[col] && a.in_tendon(pu[col] + shift, pd[col]))
                    pm[col] = 255;
        }
        return mask;
    };

    for (int f = 0; f < frames; ++f) {
        const double shift = probe_shift_mm(spec, seed, f);
        shifts.push_back(shift);
        cv::Mat mx = (map_u + (shift + b.margin)) / b.du;
        cv::Mat my = map_d / b.dd;
        mx.setTo(-10.0f, out.tissue_mask == 0);
        cv::Mat grey_f;
        cv::remap(bmode, grey_f, mx, my, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
        cv::Mat frame_noise(spec.rows, spec.cols, CV_32F);
        cv::RNG frame_rng(mix_seed(seed, 0xF00 + static_cast<std::uint64_t>(f)));
        frame_rng.fill(frame_noise, cv::RNG::NORMAL, 0.0, 1.5);
        grey_f += frame_noise;
        cv::Mat grey8;
        grey_f.convertTo(grey8, CV_8U);
        grey8.setTo(0, out.tissue_mask == 0);

        cv::Mat colour_mask = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
        cv::Mat frame;
        if (grey_output) {
            frame = grey8;
        } else {
            cv::cvtColor(grey8, frame, cv::COLOR_GRAY2BGR);
        }
        if (doppler) {
            const double pulse = pulse_factor(spec, seed, f);
            cv::Mat vel, pow_;
            cv::remap(velocity, vel, mx, my, cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
            cv::remap(power, pow_, mx, my, cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
            const cv::Rect box = *out.doppler_box;
            for (int row = box.y + 1; row < box.y + box.height - 1; ++row)
                for (int col = box.x + 1; col < box.x + box.width - 1; ++col) {
                    if (!out.tissue_mask.at<uchar>(row, col))
                        continue;
                    const double v = vel.at<float>(row, col) * pulse;
                    if (std::abs(v) < wall)
                        continue;
                    cv::Vec3b c;
                    if (spec.doppler == DopplerMode::colour) {
                        const double wrapped = v - 2.0 * std::floor((v + 1.0) / 2.0);
                        c = velocity_colour(std::abs(wrapped) < wall ? (wrapped < 0 ? -wall : wall) : wrapped);
                    } else {
                        c = power_colour(std::clamp(pow_.at<float>(row, col) * (0.5 + 0.5 * pulse), 0.0, 1.0));
                    }
                    frame.at<cv::Vec3b>(row, col) = c;
                    colour_mask.at<uchar>(row, col) = 255;
                }
        }
        if (doppler && frames > 1) {
            masks.push_back(tendon_mask_for(shift));
            cv::Mat both;
            cv::bitwise_and(colour_mask, masks.back(), both);
            colour_in_mask[static_cast<std::size_t>(f)] = cv::countNonZero(both);
        }
        out.frames.push_back(frame);
        colour_masks.push_back(colour_mask);
    }

    // Analysed frame: most colour pixels in the tendon (earliest on a tie), frame 0 without Doppler.
    out.analysed_frame = 0;
    if (doppler && frames > 1 && a.has_tendon())
        out.analysed_frame = static_cast<int>(
            std::max_element(colour_in_mask.begin(), colour_in_mask.end()) - colour_in_mask.begin());
    const int af = out.analysed_frame;
    out.tendon_mask = masks.empty() ? tendon_mask_for(shifts[static_cast<std::size_t>(af)])
                                    : masks[static_cast<std::size_t>(af)];

    // Flash artefact: a motion smear of colour kept more than 2.5 mm away from the tendon, on a
    // frame other than the analysed one when there is a choice.
    if (doppler && spec.flash_artefact) {
        const int ff = frames > 1 ? (af + 1 + static_cast<int>(rng.uniform() * (frames - 1))) % frames : 0;
        cv::Mat far_mask = cv::Mat::ones(spec.rows, spec.cols, CV_8UC1) * 255;
        cv::Mat tm = masks.empty() ? out.tendon_mask : masks[static_cast<std::size_t>(ff)];
        if (cv::countNonZero(tm) > 0) {
            cv::Mat inv = 255 - tm, dist;
            cv::distanceTransform(inv, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
            far_mask = dist * std::min(g.dx, g.dy) > 2.6;
        }
        const cv::Rect box = *out.doppler_box;
        cv::Mat blob(box.height, box.width, CV_32F);
        cv::RNG flash_rng(mix_seed(seed, 0xF1A5));
        flash_rng.fill(blob, cv::RNG::NORMAL, 0.0, 1.0);
        cv::GaussianBlur(blob, blob, cv::Size(0, 0), 6.0);
        const double band_lo = rng.uniform(0.0, 0.5);
        for (int row = 1; row < box.height - 1; ++row) {
            const double t = static_cast<double>(row) / box.height;
            if (t < band_lo || t > band_lo + 0.35)
                continue;
            for (int col = 1; col < box.width - 1; ++col) {
                const int r = box.y + row, c = box.x + col;
                if (!out.tissue_mask.at<uchar>(r, c) || !far_mask.at<uchar>(r, c) || blob.at<float>(row, col) < 0.05)
                    continue;
                const double v = std::clamp(blob.at<float>(row, col) * 4.0, 0.15, 0.6) * ((col / 40) % 2 ? 1 : -1);
                cv::Vec3b c3 = spec.doppler == DopplerMode::colour ? velocity_colour(v) : power_colour(std::abs(v));
                out.frames[static_cast<std::size_t>(ff)].at<cv::Vec3b>(r, c) = c3;
                colour_masks[static_cast<std::size_t>(ff)].at<uchar>(r, c) = 255;
            }
        }
    }
    out.colour_mask = colour_masks[static_cast<std::size_t>(af)];

    // Hypoechoic truth mask on the analysed frame.
    cv::Mat hypo_mask = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
    if (!a.hypo.empty()) {
        const double shift = shifts[static_cast<std::size_t>(af)];
        for (int row = 0; row < spec.rows; ++row)
            for (int col = 0; col < spec.cols; ++col)
                if (out.tendon_mask.at<uchar>(row, col) &&
                    a.in_hypo(map_u.at<float>(row, col) + shift, map_d.at<float>(row, col)))
                    hypo_mask.at<uchar>(row, col) = 255;
    }

    out.overlay_mask = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
    for (int f = 0; f < frames; ++f) {
        cv::Mat overlay = cv::Mat::zeros(spec.rows, spec.cols, CV_8UC1);
        draw_overlays(out.frames[static_cast<std::size_t>(f)], overlay, spec, g, out.doppler_box, f);
        if (f == af)
            out.overlay_mask = overlay;
    }
    if (spec.encoding == Encoding::palette)
        for (auto& frame : out.frames)
            quantize_to_palette(frame);
    // Colour pixels hidden by the box outline are not colour any more.
    out.colour_mask.setTo(0, out.overlay_mask);

    if (spec.calibration == CalibrationKind::regions) {
        UltrasoundRegion tissue;
        tissue.spatial_format = UltrasoundRegion::kSpatial2D;
        tissue.data_type = UltrasoundRegion::kTissue;
        tissue.flags = 0;
        tissue.x0 = g.rect.x;
        tissue.y0 = g.rect.y;
        tissue.x1 = g.rect.x + g.rect.width - 1;
        tissue.y1 = g.rect.y + g.rect.height - 1;
        tissue.units_x = tissue.units_y = UltrasoundRegion::kUnitsCm;
        tissue.delta_x = g.dx / 10.0;
        tissue.delta_y = g.dy / 10.0;
        out.regions.push_back(tissue);
        if (out.doppler_box) {
            UltrasoundRegion flow = tissue;
            flow.data_type = UltrasoundRegion::kColorFlow;
            flow.x0 = out.doppler_box->x;
            flow.y0 = out.doppler_box->y;
            flow.x1 = out.doppler_box->x + out.doppler_box->width - 1;
            flow.y1 = out.doppler_box->y + out.doppler_box->height - 1;
            out.regions.push_back(flow);
        }
    }

    compute_truth(out, a, g, shifts[static_cast<std::size_t>(af)], hypo_mask);
    return out;
}

} // namespace tendo::phantom
