// A hypoechoic focus too long for the row span, read along a sloping band: taken in where tendon
// lies on both sides of it along the band and under it; muscle under the tendon is not.
#include "tendon_finders.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include <vector>

namespace tendo::detail {
namespace {

constexpr double kPxPerMm = 4.0;
constexpr double kSplit = 100.0;
constexpr int kCols = 400;
constexpr int kReach = 48; // 12 mm

/// Muscle (grey 60) searched from row 10 to the bone at row 190, under a band sloping down by one
/// row in ten columns: tendon (grey 140) from 10 rows above its centre to 30 rows below.
struct Scene {
    cv::Mat smooth = cv::Mat(200, kCols, CV_32FC1, cv::Scalar(60.0f));
    std::vector<int> centre = std::vector<int>(kCols);
    Work w;
    Scene() {
        w.px_x = w.px_y = kPxPerMm;
        w.top.assign(kCols, 10);
        w.limit.assign(kCols, 190);
        for (int x = 0; x < kCols; ++x) {
            centre[static_cast<std::size_t>(x)] = 60 + x / 10;
            fill(x, -10, 30, 140.0f);
        }
    }
    int row(int x, int offset) const { return centre[static_cast<std::size_t>(x)] + offset; }
    void fill(int x, int from, int to, float grey) {
        smooth(cv::Range(row(x, from), row(x, to)), cv::Range(x, x + 1)).setTo(grey);
    }
    cv::Mat levels() const {
        cv::Mat out = smooth.clone();
        fill_foci_along_band(out, smooth, w, centre, 0, kCols, kReach, kSplit);
        return out;
    }
};

TEST(FociAlongBand, LongFocusInsideTheTendonReadsAsTendon) {
    Scene s;
    for (int x = 150; x < 250; ++x) // a focus 25 mm long, tendon 2.5 mm thick under it
        s.fill(x, 5, 20, 50.0f);
    const cv::Mat levels = s.levels();
    for (int x = 150; x < 250; x += 5)
        for (int offset = 5; offset < 20; offset += 2)
            EXPECT_GT(levels.at<float>(s.row(x, offset), x), kSplit) << x << "," << offset;
    // The muscle under the tendon and the tissue above the band's centre are left as they were.
    for (int x = 0; x < kCols; x += 10) {
        for (int offset = 32; offset < kReach && s.row(x, offset) < 190; ++offset)
            EXPECT_EQ(levels.at<float>(s.row(x, offset), x), 60.0f) << x << "," << offset;
        for (int offset = -kReach; offset < 0; ++offset) {
            if (s.row(x, offset) >= 0) {
                EXPECT_EQ(levels.at<float>(s.row(x, offset), x), s.smooth.at<float>(s.row(x, offset), x));
            }
        }
    }
}

TEST(FociAlongBand, ThinBrightLinesDoNotEncloseMuscle) {
    Scene s;
    // Septa in the muscle under the tendon: one-row lines along the band 9.5 mm below its centre
    // on either side of a stretch of muscle, and one under that stretch at 11.5 mm.
    for (int x = 0; x < kCols; ++x) {
        if (x < 100 || x >= 300)
            s.fill(x, 38, 39, 200.0f);
        s.fill(x, 46, 47, 200.0f);
    }
    const cv::Mat levels = s.levels();
    for (int x = 110; x < 290; x += 10)
        for (int offset = 32; offset < 46; ++offset)
            EXPECT_EQ(levels.at<float>(s.row(x, offset), x), 60.0f) << x << "," << offset;
}

TEST(FociAlongBand, DarkGapOverTheBoneIsNotEnclosedByTheCortex) {
    Scene s;
    // The band rests on the bone along its length, with the tendon's last rows bright only in the
    // cortex's blur (the last 1.5 mm above the bone) over a dark gap.
    for (int x = 0; x < kCols; ++x) {
        s.w.limit[static_cast<std::size_t>(x)] = s.row(x, 36);
        s.fill(x, 25, 30, 50.0f);
        s.fill(x, 31, 36, 160.0f);
    }
    for (int x = 0; x < 100; ++x) // tendon at both ends of the gap along the band
        s.fill(x, 25, 30, 140.0f);
    for (int x = 300; x < kCols; ++x)
        s.fill(x, 25, 30, 140.0f);
    const cv::Mat levels = s.levels();
    for (int x = 110; x < 290; x += 10)
        for (int offset = 25; offset < 30; ++offset)
            EXPECT_EQ(levels.at<float>(s.row(x, offset), x), 50.0f) << x << "," << offset;
}

} // namespace
} // namespace tendo::detail
