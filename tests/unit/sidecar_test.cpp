#include "tendo/imaging/error.hpp"
#include "tendo/scoring/sidecar.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <fstream>

using namespace tendo::scoring;

namespace {

std::filesystem::path temp_scan_path(const std::string& name) {
    static const tendo::test::ScratchDir dir("tendo_sidecar_test_");
    return dir.path() / name;
}

cv::Mat band(int rows, int cols, int top, int bottom) {
    cv::Mat mask = cv::Mat::zeros(rows, cols, CV_8UC1);
    mask.rowRange(top, bottom + 1).setTo(255);
    return mask;
}

} // namespace

TEST(Sidecar, PathAppendsTendoJson) {
    EXPECT_EQ(sidecar_path("/data/us 1.dcm").string(), "/data/us 1.dcm.tendo.json");
    EXPECT_EQ(sidecar_path("IM0001").string(), "IM0001.tendo.json");
}

TEST(Sidecar, WriteThenReadGivesTheSameCorrections) {
    const auto scan = temp_scan_path("roundtrip.dcm");
    Corrections corrections;
    corrections.sop_instance_uid = "1.2.3.4";
    corrections.rows = 480;
    corrections.cols = 640;
    corrections.frame = 7;
    corrections.edits = {{MaskEdit::Kind::paint, 4.5, {{10.5, 20.25}, {30, 40}}},
                         {MaskEdit::Kind::erase, 2.0, {{11, 21}}},
                         {MaskEdit::Kind::outline, 0.0, {{1, 1}, {50, 1}, {50, 30}}}};
    write_sidecar(scan, corrections);
    const auto read = read_sidecar(scan);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*read, corrections);
    // No edits left: the sidecar goes away rather than lingering empty.
    write_sidecar(scan, Corrections{corrections.sop_instance_uid, 480, 640, 7, {}});
    EXPECT_FALSE(std::filesystem::exists(sidecar_path(scan)));
    EXPECT_FALSE(read_sidecar(scan).has_value());
}

TEST(Sidecar, MalformedFileIsAnErrorNamingIt) {
    const auto scan = temp_scan_path("malformed.dcm");
    std::ofstream(sidecar_path(scan)) << R"({"format": "tendo-corrections", "version": 1, "rows": "x"})";
    try {
        read_sidecar(scan);
        FAIL() << "expected tendo::Error";
    } catch (const tendo::Error& error) {
        EXPECT_NE(std::string(error.what()).find("malformed.dcm.tendo.json: "), std::string::npos)
            << error.what();
    }
    std::ofstream(sidecar_path(scan)) << R"({"format": "tendo-corrections", "version": 99})";
    EXPECT_THROW(read_sidecar(scan), tendo::Error);
    std::filesystem::remove(sidecar_path(scan));
}

TEST(Sidecar, CorrectionsForAnotherScanAreRefused) {
    tendo::ScanInfo info;
    info.file = "a.dcm";
    info.rows = 100;
    info.cols = 200;
    info.frames = 3;
    info.sop_instance_uid = "1.2.3";
    Corrections corrections{std::string("1.2.3"), 100, 200, 2, {}};
    EXPECT_NO_THROW(check_corrections_match(corrections, info));
    corrections.sop_instance_uid = "9.9";
    EXPECT_THROW(check_corrections_match(corrections, info), tendo::Error);
    corrections.sop_instance_uid.reset();
    corrections.rows = 101;
    EXPECT_THROW(check_corrections_match(corrections, info), tendo::Error);
    corrections.rows = 100;
    corrections.frame = 3;
    EXPECT_THROW(check_corrections_match(corrections, info), tendo::Error);
}

TEST(Sidecar, PaintAndEraseStrokesChangeOnlyPixelsWithinTheRadius) {
    const cv::Mat mask = band(100, 100, 40, 59); // rows 40..59
    // Erase a horizontal stroke along row centre 42.5 with radius 3: rows 40..45 cleared in cols 20..79.
    const cv::Mat erased = apply_edits(mask, {{MaskEdit::Kind::erase, 3.0, {{20.5, 42.5}, {79.5, 42.5}}}});
    EXPECT_EQ(erased.at<unsigned char>(40, 50), 0);
    EXPECT_EQ(erased.at<unsigned char>(45, 50), 0);
    EXPECT_EQ(erased.at<unsigned char>(46, 50), 255);
    EXPECT_EQ(erased.at<unsigned char>(40, 10), 255);
    EXPECT_EQ(cv::countNonZero(mask), 2000) << "the input must not change";
    // A single-point paint is a disc: 29 pixel centres within 3 px of a pixel centre.
    const cv::Mat painted =
        apply_edits(cv::Mat::zeros(20, 20, CV_8UC1), {{MaskEdit::Kind::paint, 3.0, {{10.5, 10.5}}}});
    EXPECT_EQ(cv::countNonZero(painted), 29);
}

TEST(Sidecar, OutlineThroughControlPointsGivesTheMaskBack) {
    cv::Mat mask = cv::Mat::zeros(120, 160, CV_8UC1);
    cv::Mat(band(120, 160, 50, 69)).colRange(30, 130).copyTo(mask.colRange(30, 130));
    const auto points = outline_control_points(mask);
    ASSERT_GE(points.size(), 4u);
    const cv::Mat rebuilt =
        apply_edits(cv::Mat::zeros(mask.size(), CV_8UC1), {{MaskEdit::Kind::outline, 0.0, points}});
    cv::Mat difference;
    cv::bitwise_xor(mask, rebuilt, difference);
    EXPECT_EQ(cv::countNonZero(difference), 0);
    // Dragging the bottom edge down by 5 rows thickens the band by 5 rows over its whole width.
    std::vector<cv::Point2d> moved = points;
    for (auto& point : moved)
        if (point.y > 60)
            point.y += 5;
    const cv::Mat thicker = apply_edits(mask, {{MaskEdit::Kind::outline, 0.0, moved}});
    EXPECT_EQ(cv::countNonZero(thicker), 100 * 25);
}

TEST(Sidecar, OutlineAlongPixelEdgesCoversExactlyThePixelsInside) {
    // Corners on pixel edges: columns 10..49 and rows 20..29, nothing more.
    const cv::Mat mask =
        apply_edits(cv::Mat::zeros(60, 80, CV_8UC1),
                    {{MaskEdit::Kind::outline, 0.0, {{10, 20}, {50, 20}, {50, 30}, {10, 30}}}});
    EXPECT_EQ(cv::countNonZero(mask), 40 * 10);
    EXPECT_EQ(cv::countNonZero(mask.rowRange(20, 30).colRange(10, 50)), 400);
}
