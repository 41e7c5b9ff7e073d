// Every real scanner file decodes as the reference decoder shows it, with the facts a correct
// reader reports (tests/data/dicom-real/facts.json, SOURCES.md for provenance).
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace tendo {
namespace {

namespace fs = std::filesystem;
const fs::path kRealDir = fs::path(TENDO_TEST_DATA) / "dicom-real";

std::vector<nlohmann::json> real_files() {
    std::ifstream in(kRealDir / "facts.json");
    const auto facts = nlohmann::json::parse(in);
    return facts.at("files").get<std::vector<nlohmann::json>>();
}

/// Reference PNG in OpenCV's layout (grey, or BGR) for comparison with Frame::pixels.
cv::Mat reference_frame(const std::string& name) {
    return read_image(kRealDir / name);
}

class RealFile : public ::testing::TestWithParam<nlohmann::json> {};

TEST_P(RealFile, MetadataMatchesFacts) {
    const auto& facts = GetParam();
    SilentReporter reporter;
    const Scan scan = Scan::open(kRealDir / facts.at("file").get<std::string>(), {}, reporter);
    const ScanInfo& info = scan.info();
    EXPECT_EQ(info.sop_class_uid, facts.at("sop_class_uid").get<std::string>());
    EXPECT_EQ(info.transfer_syntax_uid, facts.at("transfer_syntax_uid").get<std::string>());
    EXPECT_EQ(info.photometric, facts.at("photometric").get<std::string>());
    EXPECT_EQ(info.rows, facts.at("rows").get<int>());
    EXPECT_EQ(info.cols, facts.at("cols").get<int>());
    EXPECT_EQ(info.frames, facts.at("frames").get<int>());
    if (facts.at("frame_time_ms").is_null())
        EXPECT_FALSE(info.frame_time_ms);
    else
        EXPECT_NEAR(info.frame_time_ms.value_or(-1), facts.at("frame_time_ms").get<double>(), 1e-6);

    const auto& expected_spacing = facts.at("expected_spacing_mm");
    if (expected_spacing.is_null()) {
        EXPECT_FALSE(info.calibration.spacing_mm) << "never a made-up spacing";
    } else {
        ASSERT_TRUE(info.calibration.spacing_mm);
        EXPECT_NEAR(info.calibration.spacing_mm->dx_mm, expected_spacing.at(0).get<double>(), 1e-9);
        EXPECT_NEAR(info.calibration.spacing_mm->dy_mm, expected_spacing.at(1).get<double>(), 1e-9);
    }
    EXPECT_EQ(std::string(to_string(info.calibration.source)), facts.at("expected_spacing_source").get<std::string>());

    const auto& regions = facts.at("regions");
    ASSERT_EQ(info.regions.size(), regions.size());
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto& r = regions[i];
        const auto& region = info.regions[i];
        EXPECT_EQ(region.spatial_format, r.at("spatial_format").get<int>());
        EXPECT_EQ(region.data_type, r.at("data_type").get<int>());
        EXPECT_EQ(region.x0, r.at("x0").get<int>());
        EXPECT_EQ(region.y0, r.at("y0").get<int>());
        EXPECT_EQ(region.x1, r.at("x1").get<int>());
        EXPECT_EQ(region.y1, r.at("y1").get<int>());
        EXPECT_EQ(region.units_x, r.at("units_x").get<int>());
        EXPECT_EQ(region.units_y, r.at("units_y").get<int>());
        EXPECT_DOUBLE_EQ(region.delta_x, r.at("delta_x").get<double>());
        EXPECT_DOUBLE_EQ(region.delta_y, r.at("delta_y").get<double>());
    }

    auto optional_text = [&](const char* key) -> std::optional<std::string> {
        const auto& value = facts.at(key);
        return value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>());
    };
    EXPECT_EQ(info.patient_id, optional_text("patient_id"));
    EXPECT_EQ(info.study_date, optional_text("study_date"));
    EXPECT_EQ(info.manufacturer, optional_text("manufacturer"));
    EXPECT_EQ(info.model, optional_text("model"));
    EXPECT_EQ(info.laterality, optional_text("laterality"));
}

TEST_P(RealFile, FrameZeroMatchesTheReferenceDecode) {
    const auto& facts = GetParam();
    SilentReporter reporter;
    const Scan scan = Scan::open(kRealDir / facts.at("file").get<std::string>(), {}, reporter);
    const Frame frame = scan.frame(0);
    const cv::Mat reference = reference_frame(facts.at("reference_png").get<std::string>());
    ASSERT_FALSE(reference.empty());
    ASSERT_EQ(frame.pixels.size(), reference.size());
    ASSERT_EQ(frame.pixels.channels(), reference.channels()) << "grey stays grey, colour stays colour";
    if (facts.at("reference_exact").get<bool>()) {
        EXPECT_EQ(cv::norm(frame.pixels, reference, cv::NORM_INF), 0.0) << "lossless data must be pixel-identical";
    } else {
        const double psnr_db = cv::PSNR(frame.pixels, reference);
        EXPECT_GE(psnr_db, facts.at("reference_min_psnr_db").get<double>());
    }
}

TEST_P(RealFile, EveryFrameDecodesAndLastIndexIsBounded) {
    const auto& facts = GetParam();
    SilentReporter reporter;
    const Scan scan = Scan::open(kRealDir / facts.at("file").get<std::string>(), {}, reporter);
    const int last = scan.frame_count() - 1;
    const Frame frame = scan.frame(last);
    EXPECT_EQ(frame.index, last);
    EXPECT_EQ(frame.pixels.rows, scan.info().rows);
    EXPECT_THROW(scan.frame(scan.frame_count()), FrameIndexError);
    EXPECT_THROW(scan.frame(-1), FrameIndexError);
    if (scan.info().frame_time_ms && last > 0) {
        EXPECT_NEAR(frame.time_ms.value_or(-1), *scan.info().frame_time_ms * last, 1e-6);
    }
}

std::string test_name(const ::testing::TestParamInfo<nlohmann::json>& info) {
    std::string name = info.param.at("file").get<std::string>();
    name = name.substr(0, name.rfind('.'));
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Facts, RealFile, ::testing::ValuesIn(real_files()), test_name);

} // namespace
} // namespace tendo
