// Reduction by area: the mean of the pixels each output cell covers, as cv::resize's INTER_AREA.
#include "tendo/imaging/area_reduction.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace tendo {
namespace {

/// Largest difference and the share of pixels that differ at all.
std::pair<double, double> difference(const cv::Mat& a, const cv::Mat& b) {
    const cv::Mat diff = cv::abs(a - b) + cv::abs(b - a);
    return {cv::norm(a, b, cv::NORM_INF), cv::countNonZero(diff) / static_cast<double>(a.total())};
}

TEST(ReduceByArea, MatchesOpenCvsAreaResizeAtScalesThatAreNotWholeNumbers) {
    cv::Mat image(600, 800, CV_8UC1);
    cv::RNG rng(7);
    rng.fill(image, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(image, image, cv::Size(0, 0), 1.5); // speckle-like grain, not pure noise
    for (double f : {0.2, 0.27, 0.33, 0.41, 0.5, 0.64, 0.83}) {
        cv::Mat expected;
        cv::resize(image, expected, cv::Size(), f, f, cv::INTER_AREA);
        const cv::Mat reduced = reduce_by_area(image, f);
        ASSERT_EQ(reduced.size(), expected.size()) << "f " << f;
        const auto [largest, share] = difference(reduced, expected);
        EXPECT_LE(largest, 1.0) << "f " << f;
        EXPECT_LT(share, 0.01) << "f " << f; // float rounding only
    }
}

TEST(ReduceByArea, MatchesOpenCvsAreaResizeToAGivenSizeWithUnequalScales) {
    cv::Mat image(173, 251, CV_8UC1);
    cv::RNG rng(11);
    rng.fill(image, cv::RNG::UNIFORM, 0, 256);
    const cv::Size size(97, 120);
    cv::Mat expected;
    cv::resize(image, expected, size, 0, 0, cv::INTER_AREA);
    const auto [largest, share] = difference(reduce_by_area(image, size), expected);
    EXPECT_LE(largest, 1.0);
    EXPECT_LT(share, 0.01);
}

TEST(ReduceByArea, ReducesFloatImagesAsOpenCvDoes) {
    cv::Mat image(300, 400, CV_32FC1);
    cv::RNG rng(3);
    rng.fill(image, cv::RNG::UNIFORM, 0.0f, 255.0f);
    cv::Mat expected;
    cv::resize(image, expected, cv::Size(), 0.31, 0.31, cv::INTER_AREA);
    const cv::Mat reduced = reduce_by_area(image, 0.31);
    ASSERT_EQ(reduced.size(), expected.size());
    ASSERT_EQ(reduced.type(), CV_32FC1);
    EXPECT_LT(cv::norm(reduced, expected, cv::NORM_INF), 1e-3);
}

TEST(ReduceByArea, PartlyCoveredPixelsWeighByTheirCoveredFraction) {
    // Five columns 0, 0, 0, 90, 90 into two cells of 2.5 pixels: the second cell covers half of
    // column 2 and all of columns 3 and 4, (0.5 * 0 + 90 + 90) / 2.5 = 72.
    cv::Mat image(1, 5, CV_8UC1, cv::Scalar(0));
    image.colRange(3, 5).setTo(90);
    const cv::Mat reduced = reduce_by_area(image, cv::Size(2, 1));
    EXPECT_EQ(reduced.at<unsigned char>(0, 0), 0);
    EXPECT_EQ(reduced.at<unsigned char>(0, 1), 72);
}

TEST(ReduceByArea, KeepsAUniformImageUniform) {
    const cv::Mat image(90, 130, CV_8UC1, cv::Scalar(137));
    const cv::Mat reduced = reduce_by_area(image, 0.37);
    EXPECT_EQ(cv::countNonZero(reduced != 137), 0);
}

} // namespace
} // namespace tendo
