#pragma once

#include <opencv2/core.hpp>

namespace tendo {

/// At every pixel, the Gaussian-weighted mean (σ `sigma_x_px` across, `sigma_y_px` down) of
/// `values` (CV_32FC1) over the pixels where `inside` (CV_8UC1) is non-zero: a normalized
/// convolution, so nothing outside `inside` spreads in (a blur followed by a cut lets it). Where no
/// inside pixel lies within reach the mean is 0.
cv::Mat gaussian_mean_within(const cv::Mat& values, const cv::Mat& inside, double sigma_x_px, double sigma_y_px);

} // namespace tendo
