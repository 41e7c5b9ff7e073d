// Cine loops: the analysed frame and the cine median of the thickness (measurements.md, "Cine
// loops"), on phantom loops written as DICOM and read back as `tendo score` reads them.
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/imaging/segmentation.hpp"
#include "tendo/phantom/phantom.hpp"
#include "tendo/scoring/analysis.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace tendo::scoring {
namespace {

namespace fs = std::filesystem;

/// A phantom loop written as DICOM to a file of this process's own, removed with the object.
struct WrittenLoop {
    fs::path path;
    explicit WrittenLoop(const phantom::CaseSpec& spec)
        : path(fs::temp_directory_path() /
               ("tendo_cine_test_" + std::to_string(::getpid()) + "_" + phantom::to_string(spec.view) + ".dcm")) {
        phantom::write_dicom(phantom::generate_case(spec, 20261128), path);
    }
    WrittenLoop(const WrittenLoop&) = delete;
    WrittenLoop& operator=(const WrittenLoop&) = delete;
    ~WrittenLoop() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
};

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t m = values.size();
    return m % 2 ? values[m / 2] : 0.5 * (values[m / 2 - 1] + values[m / 2]);
}

/// The median over the first, middle and last frames, each frame analysed on its own in full.
double median_of_whole_analyses(const Scan& scan) {
    const ScanInfo& info = scan.info();
    std::vector<double> max_mm;
    for (int i : {0, scan.frame_count() / 2, scan.frame_count() - 1}) {
        const ScanAnalysis a = analyze_frame(scan.frame(i), info.regions, info.calibration.spacing_mm, AnalysisOptions{});
        if (a.result.thickness.max_mm)
            max_mm.push_back(*a.result.thickness.max_mm);
    }
    return median_of(max_mm);
}

class CineMedian : public ::testing::TestWithParam<phantom::CaseView> {};

TEST_P(CineMedian, IsTheMedianOfTheFirstMiddleAndLastFramesMaxima) {
    phantom::CaseSpec spec;
    spec.view = GetParam();
    spec.thickness_mm = 7.0;
    spec.frames = 7;
    spec.encoding = phantom::Encoding::rgb;
    const WrittenLoop loop(spec);
    SilentReporter reporter;
    const Scan scan = Scan::open(loop.path, OpenOptions{}, reporter);
    ASSERT_EQ(scan.frame_count(), 7);
    const ScanResult r = analyze_scan(scan, AnalysisOptions{}, reporter).result;
    ASSERT_EQ(r.view, GetParam() == phantom::CaseView::transverse ? View::transverse : View::longitudinal);
    ASSERT_TRUE(r.thickness.cine_median_mm.has_value());
    EXPECT_NEAR(*r.thickness.cine_median_mm, median_of_whole_analyses(scan), 1e-9);
    // Each frame's own maximum, found without the rest of the analysis, is the whole analysis's.
    const TissueArea tissue = find_tissue_area(scan.frame(0).pixels, scan.info().regions);
    for (int i = 1; i < scan.frame_count(); i += 2) {
        const ScanAnalysis whole =
            analyze_frame(scan.frame(i), scan.info().regions, scan.info().calibration.spacing_mm, AnalysisOptions{});
        const std::optional<double> max_mm = cine_frame_thickness_max_mm(
            scan.frame(i), tissue, scan.info().regions, scan.info().calibration.spacing_mm, AnalysisOptions{});
        ASSERT_TRUE(whole.result.thickness.max_mm.has_value()) << "frame " << i;
        ASSERT_TRUE(max_mm.has_value()) << "frame " << i;
        EXPECT_NEAR(*max_mm, *whole.result.thickness.max_mm, 1e-9) << "frame " << i;
    }
    // The probe moves a little over the sweep; the tendon does not change its thickness.
    EXPECT_NEAR(*r.thickness.cine_median_mm, 7.0, 0.5);
    EXPECT_EQ(r.frames, 7);
    EXPECT_EQ(r.frame, 0); // no Doppler: frame 0 is the analysed frame
}

INSTANTIATE_TEST_SUITE_P(Views, CineMedian,
                         ::testing::Values(phantom::CaseView::longitudinal, phantom::CaseView::transverse),
                         [](const auto& info) {
                             return info.param == phantom::CaseView::transverse ? std::string("transverse")
                                                                                : std::string("longitudinal");
                         });

} // namespace
} // namespace tendo::scoring
