#include "tendo/imaging/error.hpp"
#include "tendo/scoring/roi_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

using tendo::Spacing;
using namespace tendo::scoring;

namespace {

// A frame whose grey value is its column index, so the mean of any shape symmetric about a
// column centre is that column's value.
cv::Mat column_ramp(int rows, int cols) {
    cv::Mat grey(rows, cols, CV_8UC1);
    for (int row = 0; row < rows; ++row)
        for (int col = 0; col < cols; ++col)
            grey.at<unsigned char>(row, col) = static_cast<unsigned char>(col);
    return grey;
}

} // namespace

TEST(RoiStats, RectanglePolygonCountsPixelCentresInside) {
    const cv::Mat grey = column_ramp(50, 60);
    // Covers the pixel centres of cols 10..19 and rows 5..14: 100 pixels.
    const RoiStats stats =
        polygon_stats(grey, {{10.0, 5.0}, {20.0, 5.0}, {20.0, 15.0}, {10.0, 15.0}}, Spacing{0.1, 0.2});
    EXPECT_EQ(stats.pixel_count, 100);
    ASSERT_TRUE(stats.mean.has_value());
    EXPECT_DOUBLE_EQ(*stats.mean, 14.5);
    // Population sd of the integers 10..19.
    EXPECT_NEAR(*stats.sd, std::sqrt(8.25), 1e-9);
    ASSERT_TRUE(stats.area_mm2.has_value());
    EXPECT_NEAR(*stats.area_mm2, 100 * 0.1 * 0.2, 1e-12);
}

TEST(RoiStats, ConcavePolygonExcludesItsNotch) {
    const cv::Mat grey(40, 40, CV_8UC1, cv::Scalar(100));
    // A 20x20 square (400 pixels) with a 10x10 notch cut from the middle of its top edge.
    const std::vector<cv::Point2d> u = {{0, 0},  {5, 0},  {5, 10},  {15, 10},
                                        {15, 0}, {20, 0}, {20, 20}, {0, 20}};
    const RoiStats stats = polygon_stats(grey, u, std::nullopt);
    EXPECT_EQ(stats.pixel_count, 400 - 100);
    EXPECT_FALSE(stats.area_mm2.has_value());
    EXPECT_DOUBLE_EQ(*stats.sd, 0.0);
}

TEST(RoiStats, EllipseAreaApproachesPiAB) {
    const cv::Mat grey = column_ramp(200, 200);
    const RoiStats stats = ellipse_stats(grey, {100.0, 100.0}, {40.0, 25.0}, Spacing{0.2, 0.2});
    const double expected = M_PI * 40.0 * 25.0;
    EXPECT_NEAR(static_cast<double>(stats.pixel_count), expected, 0.01 * expected);
    // Symmetric about x = 100, which lies between columns 99 and 100: mean 99.5.
    EXPECT_NEAR(*stats.mean, 99.5, 1e-9);
}

TEST(RoiStats, ShapeOutsideTheFrameHoldsNoPixelAndNoMean) {
    const cv::Mat grey = column_ramp(20, 20);
    const RoiStats stats = ellipse_stats(grey, {-50.0, -50.0}, {5.0, 5.0}, Spacing{0.1, 0.1});
    EXPECT_EQ(stats.pixel_count, 0);
    EXPECT_FALSE(stats.mean.has_value());
    EXPECT_FALSE(stats.sd.has_value());
    EXPECT_DOUBLE_EQ(*stats.area_mm2, 0.0);
}

TEST(RoiStats, ColourFramesUseLuma) {
    cv::Mat bgr(10, 10, CV_8UC3, cv::Scalar(0, 0, 200)); // pure red
    const RoiStats stats = polygon_stats(bgr, {{0, 0}, {10, 0}, {10, 10}, {0, 10}}, std::nullopt);
    EXPECT_EQ(stats.pixel_count, 100);
    EXPECT_NEAR(*stats.mean, std::round(0.299 * 200), 1e-9);
}

TEST(RoiStats, MaskOfAnotherSizeIsAnError) {
    EXPECT_THROW(mask_stats(cv::Mat(10, 10, CV_8UC1), cv::Mat(10, 11, CV_8UC1), std::nullopt), tendo::Error);
}

TEST(RoiStats, CaliperUsesDxAndDy) {
    EXPECT_NEAR(*caliper_mm({0, 0}, {30, 40}, Spacing{0.1, 0.3}), std::hypot(3.0, 12.0), 1e-12);
    EXPECT_FALSE(caliper_mm({0, 0}, {3, 4}, std::nullopt).has_value());
}
