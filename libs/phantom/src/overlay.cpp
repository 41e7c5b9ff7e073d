#include "render.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace tendo::phantom::detail {

cv::Vec3b velocity_colour(double v) {
    const double t = std::min(1.0, std::abs(v));
    const auto u8 = [](double x) { return static_cast<uchar>(std::clamp(std::lround(x), 0L, 255L)); };
    if (v >= 0) // towards the probe: dark red → red → yellow
        return {0, u8(t > 0.6 ? 217.0 * (t - 0.6) / 0.4 : 0.0), u8(110.0 + 145.0 * t)};
    return {u8(120.0 + 135.0 * t), u8(t > 0.6 ? 230.0 * (t - 0.6) / 0.4 : 0.0), 0}; // away: blue → cyan
}

cv::Vec3b power_colour(double p) {
    p = std::clamp(p, 0.0, 1.0);
    const auto u8 = [](double x) { return static_cast<uchar>(std::clamp(std::lround(x), 0L, 255L)); };
    return {u8(10.0 + 30.0 * p), u8(20.0 + 190.0 * p * p), u8(140.0 + 115.0 * p)};
}

const std::array<cv::Vec3b, 256>& palette_rgb() {
    static const std::array<cv::Vec3b, 256> table = [] {
        std::array<cv::Vec3b, 256> t{};
        for (int i = 0; i < 192; ++i) {
            const auto g = static_cast<uchar>(std::lround(i * 255.0 / 191.0));
            t[static_cast<std::size_t>(i)] = {g, g, g};
        }
        auto rgb = [](cv::Vec3b bgr) { return cv::Vec3b(bgr[2], bgr[1], bgr[0]); };
        for (int i = 0; i < 16; ++i) {
            const double v = 0.12 + 0.88 * i / 15.0;
            t[static_cast<std::size_t>(192 + i)] = rgb(velocity_colour(v));
            t[static_cast<std::size_t>(208 + i)] = rgb(velocity_colour(-v));
        }
        for (int i = 0; i < 32; ++i)
            t[static_cast<std::size_t>(224 + i)] = rgb(power_colour(i / 31.0));
        return t;
    }();
    return table;
}

namespace {

int nearest_index(const cv::Vec3b& bgr) {
    const auto& pal = palette_rgb();
    if (bgr[0] == bgr[1] && bgr[1] == bgr[2])
        return static_cast<int>(std::lround(bgr[0] * 191.0 / 255.0));
    int best = 0;
    long best_d = 1L << 40;
    for (int i = 0; i < 256; ++i) {
        const auto& p = pal[static_cast<std::size_t>(i)];
        const long dr = p[0] - bgr[2], dg = p[1] - bgr[1], db = p[2] - bgr[0];
        const long dist = dr * dr + dg * dg + db * db;
        if (dist < best_d) {
            best_d = dist;
            best = i;
        }
    }
    return best;
}

} // namespace

void quantize_to_palette(cv::Mat& bgr) {
    const auto& pal = palette_rgb();
    std::unordered_map<std::uint32_t, int> cache;
    for (int row = 0; row < bgr.rows; ++row) {
        auto* p = bgr.ptr<cv::Vec3b>(row);
        for (int col = 0; col < bgr.cols; ++col) {
            const std::uint32_t key = (static_cast<std::uint32_t>(p[col][0]) << 16) |
                                      (static_cast<std::uint32_t>(p[col][1]) << 8) | p[col][2];
            auto it = cache.find(key);
            if (it == cache.end())
                it = cache.emplace(key, nearest_index(p[col])).first;
            const auto& e = pal[static_cast<std::size_t>(it->second)];
            p[col] = {e[2], e[1], e[0]};
        }
    }
}

cv::Mat palette_indices(const cv::Mat& bgr) {
    cv::Mat index(bgr.rows, bgr.cols, CV_8UC1);
    std::unordered_map<std::uint32_t, int> cache;
    for (int row = 0; row < bgr.rows; ++row) {
        const auto* p = bgr.ptr<cv::Vec3b>(row);
        auto* q = index.ptr<uchar>(row);
        for (int col = 0; col < bgr.cols; ++col) {
            const std::uint32_t key = (static_cast<std::uint32_t>(p[col][0]) << 16) |
                                      (static_cast<std::uint32_t>(p[col][1]) << 8) | p[col][2];
            auto it = cache.find(key);
            if (it == cache.end())
                it = cache.emplace(key, nearest_index(p[col])).first;
            q[col] = static_cast<uchar>(it->second);
        }
    }
    return index;
}

void draw_overlays(cv::Mat& frame, cv::Mat& overlay_mask, const CaseSpec& spec, const ProbeGeometryModel& g,
                   const std::optional<cv::Rect>& box, int frame_index) {
    const bool colour = frame.channels() == 3;
    auto grey = [&](int v) { return colour ? cv::Scalar(v, v, v) : cv::Scalar(v); };
    const cv::Rect& r = g.rect;
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double scale = std::clamp(spec.rows / 1400.0, 0.3, 0.6);
    const int line_h = static_cast<int>(std::lround(40 * scale));

    // Text above the image.
    char buf[3][160];
    const bool curvi = spec.geometry == ProbeGeometry::curvilinear;
    const bool trans = spec.view == CaseView::transverse;
    std::snprintf(buf[0], sizeof buf[0], "TENDO PHANTOM   MSK   %s", curvi ? "C6-2" : "L14-6");
    std::snprintf(buf[1], sizeof buf[1], "%s  %s  %s HAMSTRING %s", spec.patient_id.c_str(), spec.study_date.c_str(),
                  spec.laterality.empty() ? "" : (spec.laterality == "L" ? "LT" : "RT"), trans ? "TRANS" : "LONG");
    std::snprintf(buf[2], sizeof buf[2], "F %.1fMHz  G %+.0fdB  DR %.0f  D %.1fcm  %d/%d", spec.frequency_mhz,
                  spec.gain_db, spec.dynamic_range_db, g.depth_mm / 10.0, frame_index + 1, spec.frames);
    for (int i = 0; i < 3; ++i) {
        const int y = line_h * (i + 1) - 4;
        if (y + 2 >= r.y)
            break;
        cv::putText(frame, buf[i], cv::Point(8, y), font, scale, grey(225), 1, cv::LINE_8);
    }

    // Depth ruler on the right: a tick every 5 mm, a label every 10 mm.
    const int xr = r.x + r.width + 6;
    if (xr + 30 < spec.cols) {
        for (int k = 0;; ++k) {
            const int y = r.y + static_cast<int>(std::lround(k * 5.0 / g.dy));
            if (y >= r.y + r.height)
                break;
            const bool major = k % 2 == 0;
            cv::line(frame, {xr, y}, {xr + (major ? 8 : 4), y}, grey(210), 1, cv::LINE_8);
            if (major && y + 4 < spec.rows)
                cv::putText(frame, std::to_string(k / 2), cv::Point(xr + 12, y + 4), font, scale * 0.9, grey(210), 1,
                            cv::LINE_8);
        }
        // Focus marker.
        const int yf = r.y + r.height / 2;
        std::vector<cv::Point> tri{{xr + 2, yf}, {xr + 10, yf - 5}, {xr + 10, yf + 5}};
        cv::fillConvexPoly(frame, tri, grey(180), cv::LINE_8);
    }

    // Colour bar left of the image.
    if (box && colour && r.x > 40) {
        const int x0 = r.x - 30, x1 = r.x - 18;
        const int y0 = r.y + 10, y1 = std::min(r.y + 130, r.y + r.height - 10);
        for (int y = y0; y <= y1; ++y) {
            const double t = 1.0 - 2.0 * (y - y0) / static_cast<double>(y1 - y0);
            const cv::Vec3b c = spec.doppler == DopplerMode::colour ? velocity_colour(t) : power_colour((t + 1.0) / 2.0);
            for (int x = x0; x <= x1; ++x)
                frame.at<cv::Vec3b>(y, x) = c;
        }
        cv::putText(frame, spec.doppler == DopplerMode::colour ? "+12" : "PDI", cv::Point(std::max(2, x0 - 30), y0 + 8),
                    font, scale * 0.8, grey(220), 1, cv::LINE_8);
        if (spec.doppler == DopplerMode::colour)
            cv::putText(frame, "-12", cv::Point(std::max(2, x0 - 30), y1), font, scale * 0.8, grey(220), 1, cv::LINE_8);
    }

    // Body marker: pelvis and thigh outline with the probe position, bottom left.
    if (r.x > 60 && spec.rows > 300) {
        const int cx = r.x / 2, cy = spec.rows - 70;
        cv::ellipse(frame, {cx, cy - 15}, {30, 18}, 0, 200, 340, grey(150), 1, cv::LINE_8);
        cv::line(frame, {cx - 12, cy}, {cx - 16, cy + 45}, grey(150), 1, cv::LINE_8);
        cv::line(frame, {cx + 12, cy}, {cx + 16, cy + 45}, grey(150), 1, cv::LINE_8);
        cv::circle(frame, {cx, cy - 2}, 4, grey(150), 1, cv::LINE_8);
        if (trans)
            cv::line(frame, {cx - 10, cy + 4}, {cx + 10, cy + 4}, grey(240), 3, cv::LINE_8);
        else
            cv::line(frame, {cx, cy - 8}, {cx + 3, cy + 14}, grey(240), 3, cv::LINE_8);
        if (!spec.laterality.empty())
            cv::putText(frame, spec.laterality, cv::Point(cx + 22, cy + 40), font, scale, grey(220), 1, cv::LINE_8);
    }

    // Doppler box outline (inside the tissue area; recorded as overlay).
    if (box) {
        cv::Mat outline = cv::Mat::zeros(frame.size(), CV_8UC1);
        cv::rectangle(outline, *box, cv::Scalar(255), 1, cv::LINE_8);
        for (int row = box->y; row < box->y + box->height; ++row)
            for (int col = box->x; col < box->x + box->width; ++col) {
                if (!outline.at<uchar>(row, col))
                    continue;
                double u = 0, d = 0;
                if (!g.to_probe(col * g.dx, row * g.dy, u, d))
                    continue;
                overlay_mask.at<uchar>(row, col) = 255;
                if (colour)
                    frame.at<cv::Vec3b>(row, col) = {200, 200, 200};
                else
                    frame.at<uchar>(row, col) = 200;
            }
    }
}

} // namespace tendo::phantom::detail
