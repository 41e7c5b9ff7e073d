// A Gaussian mean over a mask's pixels only: what lies outside the mask does not spread in.
#include "tendo/imaging/masked_smoothing.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace tendo {
namespace {

TEST(GaussianMeanWithin, NothingOutsideSpreadsIn) {
    // Left half 50 inside the mask, right half 250 outside it.
    cv::Mat values(20, 40, CV_32FC1, cv::Scalar(50.0f));
    values.colRange(20, 40).setTo(250.0f);
    cv::Mat inside(values.size(), CV_8UC1, cv::Scalar(0));
    inside.colRange(0, 20).setTo(255);
    const cv::Mat mean = gaussian_mean_within(values, inside, 3.0, 3.0);
    EXPECT_NEAR(mean.at<float>(10, 19), 50.0f, 1e-3f); // the mask's last column, beside the bright half
    EXPECT_NEAR(mean.at<float>(10, 22), 50.0f, 1e-3f); // outside but near: the inside's mean
    EXPECT_FLOAT_EQ(mean.at<float>(10, 39), 0.0f);     // beyond the kernel's reach of any inside pixel
}

TEST(GaussianMeanWithin, AveragesInsideAsAPlainBlurDoes) {
    cv::Mat values(30, 30, CV_32FC1);
    cv::randu(values, 0.0f, 100.0f);
    const cv::Mat inside(values.size(), CV_8UC1, cv::Scalar(255));
    cv::Mat blurred;
    cv::GaussianBlur(values, blurred, cv::Size(0, 0), 2.0, 1.0);
    EXPECT_LT(cv::norm(gaussian_mean_within(values, inside, 2.0, 1.0), blurred, cv::NORM_INF), 1e-3);
}

} // namespace
} // namespace tendo
