// Calcifications' acoustic shadows found above the bone and the tissue they hide read from beside
// them, on a smoothed work image at 4 work pixels per mm.
#include "segmentation_detail.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

namespace tendo::detail {
namespace {

constexpr double kPxPerMm = 4.0;

/// Tissue (grey 100) searched from row 20 down to the bone at row 150, with a tendon-like brighter
/// patch (grey 140) in columns 60-139, and whatever the test adds.
struct Scene {
    cv::Mat smooth = cv::Mat(200, 200, CV_32FC1, cv::Scalar(100.0f));
    std::vector<int> top = std::vector<int>(200, 20);
    std::vector<int> limit = std::vector<int>(200, 150);
    cv::Mat searched = cv::Mat::zeros(200, 200, CV_8UC1);
    Scene() {
        searched.rowRange(20, 150).setTo(255);
        smooth(cv::Rect(60, 90, 80, 60)).setTo(140.0f);
        smooth.rowRange(150, 153).setTo(250.0f); // cortex
        smooth.rowRange(153, 200).setTo(0.0f);   // its shadow
    }
    TissueLevels levels() const { return tissue_levels(smooth, searched | (smooth > 200.0f)); }
    cv::Mat shadows() const {
        return calcific_shadows(smooth, top, limit, searched, levels(), kPxPerMm, kPxPerMm);
    }
};

TEST(CalcificShadows, ColumnBelowABrightSpotDownToTheBone) {
    Scene s;
    s.smooth(cv::Rect(90, 100, 12, 6)).setTo(250.0f); // a 3 mm calcification
    s.smooth(cv::Rect(90, 106, 12, 44)).setTo(25.0f); // its shadow
    const cv::Mat shadow = s.shadows();
    EXPECT_EQ(cv::countNonZero(shadow(cv::Rect(90, 106, 12, 44))), 12 * 44);
    EXPECT_EQ(cv::countNonZero(shadow), 12 * 44);

    // The hidden tendon is read from the tendon either side of the shadow; the rest is unchanged.
    const cv::Mat filled = shadows_filled(s.smooth, shadow, s.searched, kPxPerMm);
    for (int y = 106; y < 150; y += 10)
        for (int x = 90; x < 102; ++x)
            EXPECT_NEAR(filled.at<float>(y, x), 140.0f, 1e-3) << x << "," << y;
    cv::Mat unchanged;
    cv::compare(filled, s.smooth, unchanged, cv::CMP_EQ);
    EXPECT_EQ(cv::countNonZero(~unchanged), 12 * 44);
}

TEST(CalcificShadows, PartialShadowCounts) {
    Scene s;
    s.smooth(cv::Rect(90, 100, 8, 5)).setTo(230.0f);
    s.smooth(cv::Rect(90, 105, 8, 45)).setTo(60.0f); // 0.6 of the tissue's grey
    EXPECT_EQ(cv::countNonZero(s.shadows()), 8 * 45);
}

TEST(CalcificShadows, OnlyCompactSpotsInBrightTissueCastThem) {
    Scene s;
    // A fascia-like bright line across the width over hypoechoic tissue: too wide for a spot.
    s.smooth(cv::Rect(0, 40, 200, 3)).setTo(250.0f);
    s.smooth(cv::Rect(0, 43, 200, 40)).setTo(30.0f);
    // A spot over tissue that is not dark: no shadow.
    s.smooth(cv::Rect(120, 100, 8, 5)).setTo(250.0f);
    // A dark stretch under tissue of ordinary grey: no spot, no shadow.
    s.smooth(cv::Rect(70, 110, 8, 40)).setTo(20.0f);
    // A bright speck one pixel wide over dark tissue: narrower than a beam.
    s.smooth(cv::Rect(100, 95, 1, 3)).setTo(250.0f);
    s.smooth(cv::Rect(100, 98, 1, 52)).setTo(20.0f);
    const cv::Mat sh = s.shadows();
    EXPECT_EQ(cv::countNonZero(sh), 0) << cv::boundingRect(sh);
}

TEST(CalcificShadows, ShadowAtTheEdgeOfTheSearchIsFilledFromItsOtherSide) {
    Scene s;
    s.smooth(cv::Rect(0, 100, 10, 5)).setTo(250.0f);
    s.smooth(cv::Rect(0, 105, 10, 45)).setTo(20.0f);
    const cv::Mat shadow = s.shadows();
    ASSERT_EQ(cv::countNonZero(shadow), 10 * 45);
    const cv::Mat filled = shadows_filled(s.smooth, shadow, s.searched, kPxPerMm);
    EXPECT_NEAR(filled.at<float>(120, 0), 100.0f, 1e-3);
    EXPECT_NEAR(filled.at<float>(120, 9), 100.0f, 1e-3);
}

} // namespace
} // namespace tendo::detail
