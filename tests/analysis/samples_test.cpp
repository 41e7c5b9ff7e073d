// Real scans from data/samples: none is a hamstring; each must load, run the whole analysis
// without crashing, and must not claim a confident tendon (guards against reporting numbers for
// anatomy tendo was not made for).
#include "tendo/imaging/reporter.hpp"
#include "tendo/scoring/analysis.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace tendo::scoring {
namespace {

class Samples : public ::testing::TestWithParam<const char*> {};

TEST_P(Samples, NotAConfidentTendon) {
    const std::filesystem::path file = std::filesystem::path(TENDO_SAMPLES) / GetParam();
    SilentReporter reporter;
    const ScanResult r = analyze_file(file, AnalysisOptions{}, reporter);
    ASSERT_NE(r.status, Status::error) << (r.error ? *r.error : "");
    EXPECT_LT(r.confidence, 0.5) << "view " << to_string(r.view);
    EXPECT_NE(r.status, Status::ok);
    EXPECT_FALSE(r.warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(Bundled, Samples,
                         ::testing::Values("us_ybr422_explicit_regions_msk_esaote.dcm",
                                           "us_mono_jpeg_lossless_regions_epiq.dcm",
                                           "us_mf_ybr422_jpeg_regions_sonosite.dcm",
                                           "us_rgb_explicit_logiq700.dcm"));

// Every real scanner file of the test data (cardiac, thyroid, abdominal, musculoskeletal; no
// hamstring): none may come out as a confident tendon.
TEST(SamplesReal, NoRealScanIsAConfidentTendon) {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(TENDO_REAL_DICOM)) {
        if (entry.path().extension() != ".dcm")
            continue;
        ++files;
        SilentReporter reporter;
        const ScanResult r = analyze_file(entry.path(), AnalysisOptions{}, reporter);
        ASSERT_NE(r.status, Status::error) << entry.path() << ": " << (r.error ? *r.error : "");
        EXPECT_LT(r.confidence, 0.5) << entry.path() << ": view " << to_string(r.view);
    }
    EXPECT_GE(files, 20);
}

TEST(SamplesErrors, UnreadableFileIsAnErrorResultNotAnException) {
    SilentReporter reporter;
    const ScanResult r = analyze_file(std::filesystem::path(TENDO_SAMPLES) / "does_not_exist.dcm", AnalysisOptions{}, reporter);
    EXPECT_EQ(r.status, Status::error);
    ASSERT_TRUE(r.error.has_value());
    EXPECT_NE(r.error->find("does_not_exist.dcm"), std::string::npos);
    EXPECT_FALSE(r.thickness.max_mm.has_value());
}

} // namespace
} // namespace tendo::scoring
