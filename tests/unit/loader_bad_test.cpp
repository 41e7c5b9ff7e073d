// Every malformed file of tests/data/dicom-bad (BAD.md) is refused with a reason naming the file,
// or, for a bad region, loaded with a warning and no made-up calibration.
#include "tendo/imaging/dicom_probe.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tendo {
namespace {

namespace fs = std::filesystem;
const fs::path kBadDir = fs::path(TENDO_TEST_DATA) / "dicom-bad";

class RecordingReporter final : public Reporter {
public:
    void warning(const std::string& message) override { warnings.push_back(message); }
    std::vector<std::string> warnings;
};

struct BadCase {
    const char* file;
    const char* reason; // a fragment the message must contain
};

class BadFile : public ::testing::TestWithParam<BadCase> {};

/// Opening and decoding every frame must fail with a tendo::Error whose message starts with the path.
TEST_P(BadFile, IsRefusedWithTheFileAndTheReason) {
    const BadCase& bad = GetParam();
    const fs::path path = kBadDir / bad.file;
    SilentReporter reporter;
    try {
        const Scan scan = Scan::open(path, {}, reporter);
        for (int k = 0; k < scan.frame_count(); ++k)
            scan.frame(k);
        FAIL() << bad.file << " was accepted";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
        EXPECT_NE(message.find(bad.reason), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
    }
}

INSTANTIATE_TEST_SUITE_P(
    BadMd, BadFile,
    ::testing::Values(BadCase{"empty.dcm", "empty file"}, BadCase{"not_dicom.dcm", "not a DICOM file"},
                      BadCase{"preamble_then_garbage.dcm", "unreadable DICOM dataset"},
                      BadCase{"truncated_header.dcm", "truncated file (header)"},
                      BadCase{"truncated_pixels.dcm", "truncated pixel data"},
                      BadCase{"no_pixel_data.dcm", "no pixel data"},
                      BadCase{"rows_zero.dcm", "invalid image size"},
                      BadCase{"pixel_length_mismatch.dcm", "pixel data length"},
                      BadCase{"bits_inconsistent.dcm", "inconsistent pixel description"},
                      BadCase{"huge_frame_count.dcm", "does not match the image size"},
                      BadCase{"corrupt_jpeg_stream.dcm", "corrupt compressed pixel data"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
        std::string name = info.param.file;
        name = name.substr(0, name.find('.'));
        return name;
    });

TEST(DamagedCineFrame, IsRefusedAloneTheOtherFramesDecode) {
    // A loop whose first JPEG frame is corrupt: DCMTK's DicomImage decompresses the first frame of
    // compressed data to learn its colour model whatever frame is asked for, so every frame was
    // refused with frame 0's damage (dcmj2pnm fails the same way). Each frame is its own.
    const fs::path path = kBadDir / "jpeg_cine_first_frame_corrupt.dcm";
    SilentReporter reporter;
    const Scan scan = Scan::open(path, {}, reporter);
    ASSERT_EQ(scan.frame_count(), 3);
    try {
        scan.frame(0);
        FAIL() << "the corrupt first frame was accepted";
    } catch (const DicomError& error) {
        EXPECT_NE(std::string(error.what()).find("corrupt compressed pixel data in frame 0"), std::string::npos);
    }
    const Scan intact = Scan::open(fs::path(TENDO_TEST_DATA) / "dicom-real" / "us_mf_ybr422_jpeg_regions_sonosite.dcm",
                                   {}, reporter);
    for (int k = 1; k < 3; ++k) {
        const cv::Mat pixels = scan.frame(k).pixels;
        ASSERT_EQ(pixels.size(), intact.frame(k).pixels.size());
        EXPECT_EQ(cv::norm(pixels, intact.frame(k).pixels, cv::NORM_INF), 0.0) << "frame " << k;
    }
}

TEST(BadRegion, LoadsWithAWarningAndFallsToUncalibrated) {
    const fs::path path = kBadDir / "bad_region.dcm";
    RecordingReporter reporter;
    const Scan scan = Scan::open(path, {}, reporter);
    ASSERT_EQ(reporter.warnings.size(), 1u);
    EXPECT_NE(reporter.warnings[0].find("region 0 is invalid and ignored"), std::string::npos);
    EXPECT_EQ(reporter.warnings[0].rfind(path.string(), 0), 0u);
    EXPECT_FALSE(scan.info().calibration.spacing_mm);
    EXPECT_EQ(scan.info().calibration.source, SpacingSource::none);
    EXPECT_EQ(scan.frame(0).pixels.rows, scan.info().rows);
}

TEST(BadRegion, UserSpacingIsTheNextCalibrationSource) {
    SilentReporter reporter;
    const Scan scan = Scan::open(kBadDir / "bad_region.dcm", OpenOptions{Spacing{0.2, 0.25}}, reporter);
    EXPECT_EQ(scan.info().calibration.source, SpacingSource::user);
    EXPECT_EQ(scan.info().calibration.spacing_mm, (Spacing{0.2, 0.25}));
}

// Found by fuzzing: files whose element claims a value longer than the whole file (224 bytes with a
// 2.8 GB SOP Class UID; 5760 bytes with a 3.9 GB Instance Number, which the first fix's own check
// loaded by asking DCMTK for the value's length). DCMTK leaves long values on disk and allocates the
// claimed length when one is read; the probe and the loader must refuse the file before that.
TEST(FuzzRegression, ValueLongerThanTheFileIsRefusedBeforeItIsRead) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"oom-value-longer-than-file.bin", "(0008,0016) claims 2812739610 bytes"},
        {"oom-value-longer-than-file-checked.bin", "(0020,0013) claims 3941264106 bytes"}};
    for (const auto& [file, claim] : cases) {
        const fs::path path = fs::path(TENDO_TEST_DATA) / "fuzz-regressions" / file;
        ASSERT_LT(fs::file_size(path), 10000u);
        const DicomProbe probe = probe_dicom_object(path);
        EXPECT_EQ(probe.kind, DicomObjectKind::not_dicom) << file;
        SilentReporter reporter;
        try {
            Scan::open(path, {}, reporter);
            ADD_FAILURE() << file << " was accepted";
        } catch (const Error& error) {
            const std::string message = error.what();
            EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
            EXPECT_NE(message.find(claim), std::string::npos) << message;
        }
    }
}

TEST(MissingFile, IsAnErrorNamingTheFile) {
    SilentReporter reporter;
    EXPECT_THROW(Scan::open(kBadDir / "does_not_exist.dcm", {}, reporter), DicomError);
}

TEST(PlainImage, LoadsUncalibratedUnlessTheUserGivesASpacing) {
    // A PNG named .png is a screen capture; the same bytes named .dcm are "not a DICOM file" (above).
    const fs::path png = fs::path(TENDO_TEST_DATA) / "dicom-real" / "us_rgb_explicit_logiq700.frame0.png";
    SilentReporter reporter;
    const Scan plain = Scan::open(png, {}, reporter);
    EXPECT_EQ(plain.info().format, ScanFormat::plain_image);
    EXPECT_FALSE(plain.info().calibration.spacing_mm);
    EXPECT_EQ(plain.frame(0).pixels.type(), CV_8UC3);
    const Scan calibrated = Scan::open(png, OpenOptions{Spacing{0.1, 0.1}}, reporter);
    EXPECT_EQ(calibrated.info().calibration.source, SpacingSource::user);
}

} // namespace
} // namespace tendo
