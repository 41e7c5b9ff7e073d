#include "tendo/scoring/analysis.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

namespace tendo::scoring {

namespace {

std::string format_mm(const char* label, const std::optional<double>& v, const char* unit) {
    char buffer[96];
    if (v)
        std::snprintf(buffer, sizeof buffer, "%s %.2f %s", label, *v, unit);
    else
        std::snprintf(buffer, sizeof buffer, "%s -", label);
    return buffer;
}

std::string format_count(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("-"); }

std::string format_percent(double fraction) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * fraction);
    return buffer;
}

void draw_line(cv::Mat& image, const ThicknessLine& line, const cv::Scalar& colour) {
    constexpr int kShift = 3;
    const auto fixed = [](const cv::Point2d& p) {
        return cv::Point(static_cast<int>(std::lround(p.x * (1 << kShift))), static_cast<int>(std::lround(p.y * (1 << kShift))));
    };
    cv::line(image, fixed(line.a), fixed(line.b), colour, 1, cv::LINE_AA, kShift);
}

} // namespace

cv::Mat render_overlay(const ScanAnalysis& a) {
    cv::Mat image;
    if (a.frame.pixels.empty())
        return image;
    if (a.frame.pixels.channels() == 1)
        cv::cvtColor(a.frame.pixels, image, cv::COLOR_GRAY2BGR);
    else
        image = a.frame.pixels.clone();
    const cv::Scalar green(80, 220, 80), yellow(0, 230, 255), cyan(255, 220, 0), magenta(255, 0, 255),
        orange(0, 140, 255), white(255, 255, 255);
    const TendonSegmentation& seg = a.segmentation;
    if (!seg.bone_surface.empty())
        cv::polylines(image, seg.bone_surface, false, orange, 1, cv::LINE_AA);
    if (!seg.mask.empty() && cv::countNonZero(seg.mask) > 0) {
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(seg.mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
        cv::drawContours(image, contours, -1, green, 1, cv::LINE_8);
    }
    if (a.centreline.size() > 1) {
        std::vector<cv::Point> line;
        for (const auto& p : a.centreline)
            line.emplace_back(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
        cv::polylines(image, line, false, cv::Scalar(120, 160, 120), 1, cv::LINE_AA);
    }
    if (a.max_line)
        draw_line(image, *a.max_line, yellow);
    if (a.reference_line)
        draw_line(image, *a.reference_line, cyan);
    if (seg.insertion)
        cv::drawMarker(image, *seg.insertion, orange, cv::MARKER_TILTED_CROSS, 9, 1);
    for (const auto& v : a.vessels)
        cv::rectangle(image, v.bounds + cv::Size(2, 2) - cv::Point(1, 1), v.in_tendon ? magenta : cyan, 1);

    const ScanResult& r = a.result;
    std::vector<std::string> lines; // the numbers, then the warnings
    lines.push_back("view " + to_string(r.view) + "  confidence " + std::to_string(static_cast<int>(std::lround(r.confidence * 100))) + "%");
    lines.push_back(format_mm("max", r.thickness.max_mm, "mm") + "  " + format_mm("mean", r.thickness.mean_mm, "mm"));
    if (r.view == View::transverse)
        lines.push_back(format_mm("CSA", r.csa_mm2, "mm2"));
    else
        lines.push_back(format_mm("at ref", r.thickness.at_reference_mm, "mm"));
    lines.push_back(format_mm("echo", r.echogenicity.mean, "") + "  " + format_mm("hypo", r.echogenicity.hypoechoic_fraction, ""));
    if (r.neovascularity.doppler) {
        const Neovascularity& n = r.neovascularity;
        lines.push_back("vessels " + format_count(n.vessel_count) + "  grade " + format_count(n.ohberg_grade) + "  vasc " +
                        (n.vascular_fraction ? format_percent(*n.vascular_fraction) : std::string("-")));
    }
    // What the numbers rest on belongs next to them: a reader of the picture alone sees it too.
    const std::size_t first_warning = lines.size();
    for (const auto& warning : r.warnings)
        lines.push_back("! " + warning);
    const double scale = std::clamp(image.cols / 1400.0, 0.35, 0.8);
    const int step = static_cast<int>(std::lround(26 * scale)) + 2;
    // A dark panel under the numbers: scanners burn their own text into this corner, and the two
    // drawn over each other are unreadable.
    int width = 0;
    for (const auto& text : lines) {
        int baseline = 0;
        width = std::max(width, cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width);
    }
    const cv::Rect panel = cv::Rect(0, 0, width + 12, step * static_cast<int>(lines.size()) + step / 2) &
                           cv::Rect(0, 0, image.cols, image.rows);
    cv::Mat region = image(panel);
    region.convertTo(region, -1, 0.2, 0.0);
    int y = step;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const cv::Scalar& colour = i < first_warning ? white : orange;
        cv::putText(image, lines[i], cv::Point(6, y), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), 3, cv::LINE_AA);
        cv::putText(image, lines[i], cv::Point(6, y), cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
        y += step;
    }
    return image;
}

} // namespace tendo::scoring
