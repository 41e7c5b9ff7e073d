#pragma once

#include "tendo/imaging/spacing.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <optional>
#include <vector>

// Region-of-interest statistics for the viewer's measuring tools and for anything else that needs
// the grey values under a user-drawn shape. Coordinates are continuous pixel coordinates of the
// displayed frame: pixel (col, row) covers [col, col + 1) x [row, row + 1) and its centre is
// (col + 0.5, row + 0.5). cv::Point2d is x = col, y = row. A pixel belongs to a shape when its
// centre lies inside the shape or on its boundary.
namespace tendo::scoring {

/// Grey statistics of the pixels inside a shape.
struct RoiStats {
    /// Pixels inside the shape and inside the frame.
    long long pixel_count = 0;
    /// Mean grey (0-255); nullopt when the shape holds no pixel.
    std::optional<double> mean;
    /// Population standard deviation of grey (divides by n); nullopt when the shape holds no pixel.
    std::optional<double> sd;
    /// pixel_count x dx x dy; nullopt when uncalibrated.
    std::optional<double> area_mm2;
};

/// CV_8UC1 frame-sized mask (255 inside) of the axis-aligned ellipse with centre `centre` and
/// semi-axes `semi_axes` (x along a row, y down a column), in pixels. Semi-axes <= 0 give an
/// empty mask.
cv::Mat ellipse_mask(cv::Size frame_size, cv::Point2d centre, cv::Point2d semi_axes);

/// CV_8UC1 frame-sized mask (255 inside) of the closed polygon `vertices` (any winding, may be
/// concave; fewer than 3 vertices give an empty mask). Inside follows the even-odd rule.
cv::Mat polygon_mask(cv::Size frame_size, const std::vector<cv::Point2d>& vertices);

/// Statistics of `pixels` (CV_8UC1 grey, or CV_8UC3 BGR converted to BT.601 luma) under `mask`
/// (CV_8UC1, same size, non-zero = inside). Throws tendo::Error when the sizes differ.
RoiStats mask_stats(const cv::Mat& pixels, const cv::Mat& mask, const std::optional<Spacing>& spacing_mm);

/// Shorthands: ellipse_mask / polygon_mask followed by mask_stats.
RoiStats ellipse_stats(const cv::Mat& pixels, cv::Point2d centre, cv::Point2d semi_axes,
                       const std::optional<Spacing>& spacing_mm);
RoiStats polygon_stats(const cv::Mat& pixels, const std::vector<cv::Point2d>& vertices,
                       const std::optional<Spacing>& spacing_mm);

/// Length in mm between two points (pixel coordinates) using dx and dy; nullopt when uncalibrated.
std::optional<double> caliper_mm(cv::Point2d a, cv::Point2d b, const std::optional<Spacing>& spacing_mm);

} // namespace tendo::scoring
