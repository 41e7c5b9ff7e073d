// A dark stretch of a row enclosed by brighter tissue reads as that tissue; what lies outside the
// searched area (bone, the view's edge) encloses nothing, smoothed within it.
#include "segmentation_detail.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace tendo::detail {
namespace {

constexpr int kSpanPx = 40;
constexpr double kPxPerMm = 4.0;

/// One row of 120 pixels: tissue at 60 with a dark focus (20) in columns 50-59.
struct Row {
    cv::Mat grey = cv::Mat(1, 120, CV_32FC1, cv::Scalar(60.0f));
    cv::Mat searched = cv::Mat(1, 120, CV_8UC1, cv::Scalar(255));
    Row() { grey.colRange(50, 60).setTo(20.0f); }
};

TEST(EnclosedFoci, FocusWithTissueOnBothSidesReadsAsTheTissue) {
    const Row r;
    for (const RowSmoothing smoothing : {RowSmoothing::within_searched, RowSmoothing::whole_row}) {
        const cv::Mat filled = enclosed_foci_filled(r.grey, r.searched, kSpanPx, kPxPerMm, smoothing);
        EXPECT_NEAR(filled.at<float>(0, 55), 60.0f, 0.5f);
        EXPECT_FLOAT_EQ(filled.at<float>(0, 10), 60.0f);
    }
}

TEST(EnclosedFoci, BrightnessOutsideTheSearchedAreaSpreadsInOnlyWithWholeRowSmoothing) {
    // Dark tissue (20) from column 40 to a bright cortex (250) at 70 and beyond, which is not
    // searched: the tissue next to it has brighter tissue on one side only.
    Row r;
    r.grey.colRange(40, 70).setTo(20.0f);
    r.grey.colRange(70, 120).setTo(250.0f);
    r.searched.colRange(70, 120).setTo(0);
    const cv::Mat within = enclosed_foci_filled(r.grey, r.searched, kSpanPx, kPxPerMm, RowSmoothing::within_searched);
    const cv::Mat whole = enclosed_foci_filled(r.grey, r.searched, kSpanPx, kPxPerMm, RowSmoothing::whole_row);
    // Within the searched area the dark tissue's own level reaches its last pixels, no more.
    EXPECT_LT(within.at<float>(0, 66), 25.0f);
    // Smoothed over the whole row, the cortex brightens the pixels beside it past the tissue on
    // the other side, and the dark stretch between reads as enclosed.
    EXPECT_GT(whole.at<float>(0, 66), 50.0f);
}

TEST(EnclosedFoci, TwoDimensionsNeedTissueAboveAndBelowToo) {
    // A 30×30 patch: tissue at 60 with a dark focus (20) in rows 10-19 and columns 10-19; then the
    // rows above it are not searched (the view's top edge), their grey left as it was.
    cv::Mat grey(30, 30, CV_32FC1, cv::Scalar(60.0f));
    grey(cv::Rect(10, 10, 10, 10)).setTo(20.0f);
    cv::Mat searched(30, 30, CV_8UC1, cv::Scalar(255));
    const cv::Mat enclosed = enclosed_foci_filled_2d(grey, searched, 20, 20, kPxPerMm, kPxPerMm);
    EXPECT_NEAR(enclosed.at<float>(15, 15), 60.0f, 1.0f);
    searched.rowRange(0, 10).setTo(0);
    const cv::Mat open_above = enclosed_foci_filled_2d(grey, searched, 20, 20, kPxPerMm, kPxPerMm);
    EXPECT_LT(open_above.at<float>(15, 15), 30.0f);
}

} // namespace
} // namespace tendo::detail
