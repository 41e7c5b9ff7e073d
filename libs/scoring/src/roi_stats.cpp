#include "tendo/scoring/roi_stats.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/frame.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace tendo::scoring {

cv::Mat ellipse_mask(cv::Size frame_size, cv::Point2d centre, cv::Point2d semi_axes) {
    cv::Mat mask = cv::Mat::zeros(frame_size, CV_8UC1);
    if (semi_axes.x <= 0.0 || semi_axes.y <= 0.0)
        return mask;
    const int row0 = std::max(0, static_cast<int>(std::floor(centre.y - semi_axes.y - 1.0)));
    const int row1 =
        std::min(frame_size.height - 1, static_cast<int>(std::ceil(centre.y + semi_axes.y + 1.0)));
    const int col0 = std::max(0, static_cast<int>(std::floor(centre.x - semi_axes.x - 1.0)));
    const int col1 =
        std::min(frame_size.width - 1, static_cast<int>(std::ceil(centre.x + semi_axes.x + 1.0)));
    for (int row = row0; row <= row1; ++row) {
        const double v = (row + 0.5 - centre.y) / semi_axes.y;
        auto* out = mask.ptr<unsigned char>(row);
        for (int col = col0; col <= col1; ++col) {
            const double u = (col + 0.5 - centre.x) / semi_axes.x;
            if (u * u + v * v <= 1.0)
                out[col] = 255;
        }
    }
    return mask;
}

cv::Mat polygon_mask(cv::Size frame_size, const std::vector<cv::Point2d>& vertices) {
    cv::Mat mask = cv::Mat::zeros(frame_size, CV_8UC1);
    if (vertices.size() < 3)
        return mask;
    double min_y = vertices.front().y;
    double max_y = min_y;
    for (const auto& vertex : vertices) {
        min_y = std::min(min_y, vertex.y);
        max_y = std::max(max_y, vertex.y);
    }
    const int row0 = std::max(0, static_cast<int>(std::floor(min_y)) - 1);
    const int row1 = std::min(frame_size.height - 1, static_cast<int>(std::ceil(max_y)) + 1);
    std::vector<double> crossings;
    // Scan-line fill at pixel centres: each row's centre line y = row + 0.5 crosses the edges at
    // sorted x positions; pixels whose centre lies between an odd and the next even crossing are in.
    for (int row = row0; row <= row1; ++row) {
        const double y = row + 0.5;
        crossings.clear();
        for (std::size_t i = 0; i < vertices.size(); ++i) {
            const cv::Point2d& p = vertices[i];
            const cv::Point2d& q = vertices[(i + 1) % vertices.size()];
            // Half-open rule on y so a vertex shared by two edges counts once.
            if ((p.y <= y && q.y > y) || (q.y <= y && p.y > y))
                crossings.push_back(p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x));
        }
        std::sort(crossings.begin(), crossings.end());
        auto* out = mask.ptr<unsigned char>(row);
        for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
            const int col0 = std::max(0, static_cast<int>(std::ceil(crossings[i] - 0.5)));
            const int col1 =
                std::min(frame_size.width - 1, static_cast<int>(std::floor(crossings[i + 1] - 0.5)));
            for (int col = col0; col <= col1; ++col)
                out[col] = 255;
        }
    }
    return mask;
}

RoiStats mask_stats(const cv::Mat& pixels, const cv::Mat& mask, const std::optional<Spacing>& spacing_mm) {
    if (pixels.size() != mask.size() || mask.type() != CV_8UC1)
        throw Error("roi: mask " + std::to_string(mask.cols) + "x" + std::to_string(mask.rows) +
                    " does not match the frame " + std::to_string(pixels.cols) + "x" +
                    std::to_string(pixels.rows));
    const cv::Mat grey = pixels.channels() == 1 ? pixels : to_grey(pixels);
    RoiStats stats;
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int row = 0; row < grey.rows; ++row) {
        const auto* in = grey.ptr<unsigned char>(row);
        const auto* inside = mask.ptr<unsigned char>(row);
        for (int col = 0; col < grey.cols; ++col) {
            if (!inside[col])
                continue;
            ++stats.pixel_count;
            sum += in[col];
            sum_sq += static_cast<double>(in[col]) * in[col];
        }
    }
    if (stats.pixel_count > 0) {
        const double n = static_cast<double>(stats.pixel_count);
        stats.mean = sum / n;
        stats.sd = std::sqrt(std::max(0.0, sum_sq / n - *stats.mean * *stats.mean));
    }
    if (spacing_mm)
        stats.area_mm2 = static_cast<double>(stats.pixel_count) * spacing_mm->pixel_area_mm2();
    return stats;
}

RoiStats ellipse_stats(const cv::Mat& pixels, cv::Point2d centre, cv::Point2d semi_axes,
                       const std::optional<Spacing>& spacing_mm) {
    return mask_stats(pixels, ellipse_mask(pixels.size(), centre, semi_axes), spacing_mm);
}

RoiStats polygon_stats(const cv::Mat& pixels, const std::vector<cv::Point2d>& vertices,
                       const std::optional<Spacing>& spacing_mm) {
    return mask_stats(pixels, polygon_mask(pixels.size(), vertices), spacing_mm);
}

std::optional<double> caliper_mm(cv::Point2d a, cv::Point2d b, const std::optional<Spacing>& spacing_mm) {
    if (!spacing_mm)
        return std::nullopt;
    return spacing_mm->length_mm(b.x - a.x, b.y - a.y);
}

} // namespace tendo::scoring
