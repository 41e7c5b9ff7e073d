// The imaged part of the tissue area (each row's lit span, marks beside the image left out) and
// whether its edge cuts what is measured of a tendon.
#include "segmentation_detail.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

namespace tendo::detail {
namespace {

/// An 800×600 frame with a linear image (grey 100) in columns 100-699, black beside it, and a
/// tissue area covering the whole frame (as one found through a closing over the marks can).
struct LinearScreen {
    cv::Mat grey = cv::Mat::zeros(600, 800, CV_8UC1);
    cv::Mat tissue = cv::Mat(600, 800, CV_8UC1, cv::Scalar(255));
    cv::Rect image{100, 0, 600, 600};
    cv::Rect lit{99, 0, 602, 600}; // the light smoothing reaches one pixel past each side
    LinearScreen() { grey(image).setTo(100); }
};

cv::Mat band(cv::Rect r) {
    cv::Mat m = cv::Mat::zeros(600, 800, CV_8UC1);
    m(r).setTo(255);
    return m;
}

int differing(const cv::Mat& a, const cv::Mat& b) {
    return cv::countNonZero(a != b);
}

TEST(ImagedArea, RowsEndWhereTheImageEndsNotAtMarksBesideIt) {
    LinearScreen s;
    s.grey(cv::Rect(712, 300, 9, 12)).setTo(220); // a ruler's figure, apart from the image
    s.grey(cv::Rect(700, 200, 9, 16)).setTo(200); // a focus arrow against the image's side
    const cv::Mat imaged = imaged_area(s.tissue, s.grey);
    EXPECT_EQ(differing(imaged, band(s.lit)), 0);

    // A colour bar as tall as a stretch of the image's side is not told from it.
    s.grey(cv::Rect(40, 100, 14, 60)).setTo(180);
    EXPECT_EQ(imaged_area(s.tissue, s.grey).at<unsigned char>(130, 70), 255);
}

TEST(ImagedArea, DarkTissueAtTheSideStaysImaged) {
    LinearScreen s;
    s.grey(cv::Rect(100, 400, 12, 11)).setTo(0); // anechoic at the edge, 11 rows
    s.grey(cv::Rect(300, 100, 30, 80)).setTo(0); // a shadow inside the image
    EXPECT_EQ(differing(imaged_area(s.tissue, s.grey), band(s.lit)), 0);
}

TEST(ImagedArea, FollowsAFansSidesAndStaysInTheTissueArea) {
    cv::Mat grey = cv::Mat::zeros(600, 800, CV_8UC1);
    const std::vector<cv::Point> fan = {{300, 50}, {500, 50}, {700, 550}, {100, 550}};
    cv::fillConvexPoly(grey, fan, cv::Scalar(90));
    cv::Mat tissue = cv::Mat::zeros(600, 800, CV_8UC1);
    tissue(cv::Rect(80, 40, 640, 400)).setTo(255); // a region's rectangle, wider than the fan
    cv::Mat expected;
    cv::threshold(grey, expected, 0, 255, cv::THRESH_BINARY);
    expected &= tissue;
    // Within two pixels of each slanted side per row (the rectangle is 120-320 px wider).
    EXPECT_LE(differing(imaged_area(tissue, grey), expected), 2 * 2 * 400);
    EXPECT_EQ(cv::countNonZero(imaged_area(tissue, grey) & ~tissue), 0);
}

TEST(CutByView, ABandRunningOffTheSideIsNotCutItsThicknessByTheTopIs) {
    LinearScreen s;
    const cv::Mat imaged = imaged_area(s.tissue, s.grey);
    EXPECT_FALSE(measurement_cut_by_view(band(cv::Rect(300, 250, 400, 60)), imaged, {}, View::longitudinal));
    EXPECT_FALSE(measurement_cut_by_view(band(cv::Rect(100, 250, 400, 60)), imaged, {}, View::longitudinal));
    EXPECT_TRUE(measurement_cut_by_view(band(cv::Rect(200, 0, 400, 60)), imaged, {}, View::longitudinal));
    EXPECT_TRUE(measurement_cut_by_view(band(cv::Rect(200, 540, 400, 60)), imaged, {}, View::longitudinal));
    EXPECT_FALSE(measurement_cut_by_view(band(cv::Rect(200, 3, 400, 60)), imaged, {}, View::longitudinal));
}

TEST(CutByView, ACrossSectionAtAnyEdgeIsCut) {
    LinearScreen s;
    const cv::Mat imaged = imaged_area(s.tissue, s.grey);
    EXPECT_TRUE(measurement_cut_by_view(band(cv::Rect(660, 250, 40, 30)), imaged, {}, View::transverse));
    EXPECT_FALSE(measurement_cut_by_view(band(cv::Rect(600, 250, 40, 30)), imaged, {}, View::transverse));
    EXPECT_FALSE(measurement_cut_by_view(band(cv::Rect(600, 250, 40, 30)), imaged, {}, View::none));
}

TEST(CutByView, AFansSlantedSideIsASide) {
    cv::Mat grey = cv::Mat::zeros(600, 800, CV_8UC1);
    cv::fillConvexPoly(grey, std::vector<cv::Point>{{300, 50}, {500, 50}, {700, 550}, {100, 550}}, cv::Scalar(90));
    const cv::Mat tissue(600, 800, CV_8UC1, cv::Scalar(255));
    const cv::Mat imaged = imaged_area(tissue, grey);
    cv::Mat tendon = cv::Mat::zeros(600, 800, CV_8UC1);
    cv::fillConvexPoly(tendon, std::vector<cv::Point>{{200, 300}, {560, 300}, {600, 360}, {200, 360}}, cv::Scalar(255));
    tendon &= imaged; // the band runs off the fan's right side, as a mask is cut there
    EXPECT_FALSE(measurement_cut_by_view(tendon, imaged, {}, View::longitudinal));
}

TEST(CutByView, TheBonesShadowEndingARowIsNotTheView) {
    LinearScreen s;
    s.grey(cv::Rect(500, 300, 200, 300)).setTo(0); // under the bone at row 300, black to the side
    const cv::Mat imaged = imaged_area(s.tissue, s.grey);
    const cv::Mat tendon = band(cv::Rect(200, 250, 400, 50)) & imaged; // resting on the bone
    std::vector<cv::Point> bone;
    for (int x = 500; x < 700; x += 3)
        bone.emplace_back(x, 300);
    EXPECT_FALSE(measurement_cut_by_view(tendon, imaged, bone, View::longitudinal));
    EXPECT_TRUE(measurement_cut_by_view(tendon, imaged, {}, View::longitudinal));
}

} // namespace
} // namespace tendo::detail
