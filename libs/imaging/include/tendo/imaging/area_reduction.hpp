#pragma once

#include <opencv2/core.hpp>

namespace tendo {

/// `image` (CV_8UC1 or CV_32FC1) reduced to `size` by area: each output pixel is the mean of the
/// input pixels its cell covers, a pixel partly covered weighing by the covered fraction (rounded
/// to the nearest grey for CV_8UC1). The cells are `image.cols / size.width` by
/// `image.rows / size.height` input pixels unless `cell_x` / `cell_y` (> 0) give them. The same
/// reduction as cv::resize's INTER_AREA (within float rounding: a grey level where it falls the
/// other way) at a fraction of its cost for scales that are not whole numbers, which OpenCV reads
/// one tap at a time.
cv::Mat reduce_by_area(const cv::Mat& image, cv::Size size, double cell_x = 0.0, double cell_y = 0.0);

/// `image` reduced by the factor `f` (0 < f <= 1) on both axes: `size` is the image's size times
/// `f`, rounded, and each cell `1 / f` input pixels wide and high (as cv::resize with fx = fy = f).
cv::Mat reduce_by_area(const cv::Mat& image, double f);

} // namespace tendo
