#include "tendo/imaging/masked_smoothing.hpp"

#include <opencv2/imgproc.hpp>

#include <vector>

namespace tendo {

cv::Mat gaussian_mean_within(const cv::Mat& values, const cv::Mat& inside, double sigma_x_px, double sigma_y_px) {
    CV_Assert(values.type() == CV_32FC1 && inside.type() == CV_8UC1 && values.size() == inside.size());
    cv::Mat weight;
    cv::Mat(inside != 0).convertTo(weight, CV_32FC1, 1.0 / 255.0);
    // Weighted values and weights smoothed as two channels of one image: one pass over memory.
    cv::Mat weighted_and_weights;
    cv::merge(std::vector<cv::Mat>{values.mul(weight), weight}, weighted_and_weights);
    cv::GaussianBlur(weighted_and_weights, weighted_and_weights, cv::Size(0, 0), sigma_x_px, sigma_y_px);
    std::vector<cv::Mat> num_den;
    cv::split(weighted_and_weights, num_den);
    cv::Mat mean;
    cv::divide(num_den[0], cv::max(num_den[1], 1e-3f), mean);
    return mean;
}

} // namespace tendo
