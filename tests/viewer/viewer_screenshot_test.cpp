// tendo-viewer rendered headless (xvfb-run, Mesa): screenshots are not blank, the outline overlay
// lies on the mask, and a stored correction re-measures the thickness. Scans are phantoms made at
// test time. Each failing test leaves its screenshots in the temporary directory it prints.
#include "tendo/imaging/image_io.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/phantom/phantom.hpp"
#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/sidecar.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace {

bool have_xvfb() {
    return std::system("command -v xvfb-run > /dev/null 2>&1") == 0;
}

const fs::path& work_dir() {
    static const tendo::test::ScratchDir dir("tendo_viewer_test_");
    return dir.path();
}

/// Runs tendo-viewer under xvfb-run; returns its exit code. Output goes to `<name>.log`, xvfb-run's
/// and Xvfb's own messages to `<name>.xvfb.log`. xvfb-run exits 5 when it cannot remove its
/// temporary directory after the run (seen once with tests running side by side), hiding the
/// viewer's code, which is never 5: the run is then repeated, at most twice.
int run_viewer(const std::string& arguments, const std::string& name) {
    const fs::path log = work_dir() / (name + ".log");
    const fs::path xvfb_log = work_dir() / (name + ".xvfb.log");
    const std::string command = "xvfb-run -a -e '" + xvfb_log.string() + "' -s '-screen 0 1920x1200x24' '" +
                                std::string(TENDO_VIEWER_EXE) + "' " + arguments + " > '" + log.string() + "' 2>&1";
    constexpr int kXvfbRunCleanupFailed = 5;
    int code = -1;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int status = std::system(command.c_str());
        code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code != kXvfbRunCleanupFailed)
            break;
    }
    return code;
}

std::string quoted(const fs::path& path) {
    return "'" + path.string() + "'";
}

/// A phantom scan written as DICOM; cached per name for the whole run.
fs::path phantom(const std::string& name, tendo::phantom::CaseSpec spec, std::uint64_t seed) {
    const fs::path path = work_dir() / (name + ".dcm");
    if (!fs::exists(path))
        tendo::phantom::write_dicom(tendo::phantom::generate_case(spec, seed), path);
    return path;
}

tendo::phantom::CaseSpec longitudinal(double thickness_mm, const std::string& date) {
    tendo::phantom::CaseSpec spec;
    spec.view = tendo::phantom::CaseView::longitudinal;
    spec.thickness_mm = thickness_mm;
    spec.study_date = date;
    spec.patient_id = "VIEWER-TEST";
    spec.laterality = "R";
    spec.spacing_mm = {0.08, 0.08};
    return spec;
}

fs::path doppler_scan() {
    auto spec = longitudinal(7.0, "20260105");
    spec.doppler = tendo::phantom::DopplerMode::colour;
    spec.vessels_in = 3;
    spec.vessels_around = 1;
    return phantom("doppler", spec, 11);
}

fs::path bmode_scan() {
    return phantom("bmode", longitudinal(8.0, "20260310"), 12);
}

/// Not blank: the screenshot varies (grey spread) and holds many distinct colours.
void expect_not_blank(const cv::Mat& image, const std::string& what, std::size_t min_colours = 200) {
    ASSERT_FALSE(image.empty()) << what;
    cv::Mat grey;
    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    cv::Scalar mean;
    cv::Scalar sd;
    cv::meanStdDev(grey, mean, sd);
    EXPECT_GT(sd[0], 15.0) << what << ": almost uniform";
    cv::Mat small;
    cv::resize(image, small, cv::Size(), 0.25, 0.25, cv::INTER_NEAREST);
    std::set<int> colours;
    for (int row = 0; row < small.rows; ++row)
        for (int col = 0; col < small.cols; ++col) {
            const cv::Vec3b p = small.at<cv::Vec3b>(row, col);
            colours.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
        }
    EXPECT_GT(colours.size(), min_colours) << what << ": too few colours";
}

/// Pixels with clear Doppler-like chroma.
int colour_pixels(const cv::Mat& image) {
    int count = 0;
    for (int row = 0; row < image.rows; ++row)
        for (int col = 0; col < image.cols; ++col) {
            const cv::Vec3b p = image.at<cv::Vec3b>(row, col);
            if (std::max({std::abs(p[0] - p[1]), std::abs(p[0] - p[2]), std::abs(p[1] - p[2])}) > 80)
                ++count;
        }
    return count;
}

tendo::scoring::ScanAnalysis analyse(const fs::path& path) {
    tendo::SilentReporter reporter;
    const tendo::Scan scan = tendo::Scan::open(path, {}, reporter);
    return tendo::scoring::analyze_scan(scan, {}, reporter);
}

nlohmann::json first_result(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return nlohmann::json::parse(line);
}

class Viewer : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_xvfb())
            GTEST_SKIP() << "xvfb-run is not installed";
    }
};

} // namespace

TEST_F(Viewer, DopplerScreenshotIsNotBlank) {
    const fs::path shot = work_dir() / "doppler.png";
    ASSERT_EQ(run_viewer(quoted(doppler_scan()) + " --screenshot " + quoted(shot), "doppler"), 0)
        << "see " << (work_dir() / "doppler.log");
    const cv::Mat image = tendo::read_image(shot);
    EXPECT_EQ(image.cols, 1440);
    EXPECT_EQ(image.rows, 900);
    expect_not_blank(image, shot.string());
    EXPECT_GT(colour_pixels(image), 100) << shot << ": no Doppler colour shown";
}

TEST_F(Viewer, CompareScreenshotShowsEveryVisit) {
    const fs::path shot = work_dir() / "compare.png";
    ASSERT_EQ(run_viewer(quoted(doppler_scan()) + " --compare " + quoted(bmode_scan()) + " --screenshot " +
                             quoted(shot),
                         "compare"),
              0)
        << "see " << (work_dir() / "compare.log");
    const cv::Mat image = tendo::read_image(shot);
    expect_not_blank(image, shot.string());
    // The compare panes share the centre column (between the browser and the measurements):
    // each half holds a scan, so each half varies.
    const cv::Rect centre(300, 80, 740, 420);
    for (int half = 0; half < 2; ++half) {
        cv::Mat grey;
        cv::cvtColor(
            image(cv::Rect(centre.x + half * centre.width / 2, centre.y, centre.width / 2, centre.height)),
            grey, cv::COLOR_BGR2GRAY);
        cv::Scalar mean;
        cv::Scalar sd;
        cv::meanStdDev(grey, mean, sd);
        EXPECT_GT(sd[0], 10.0) << shot << ": compare pane " << half << " looks empty";
    }
}

TEST_F(Viewer, OutlineOverlayLiesOnTheMaskBoundary) {
    const fs::path scan = bmode_scan();
    const tendo::scoring::ScanAnalysis analysis = analyse(scan);
    const cv::Mat& mask = analysis.segmentation.mask;
    ASSERT_GT(cv::countNonZero(mask), 0) << "the phantom's tendon was not found; nothing to outline";
    const std::string size = " --layout image --width " + std::to_string(mask.cols) + " --height " +
                             std::to_string(mask.rows) + " --screenshot ";
    const fs::path bare = work_dir() / "overlay_none.png";
    const fs::path outlined = work_dir() / "overlay_outline.png";
    ASSERT_EQ(run_viewer(quoted(scan) + " --overlays none" + size + quoted(bare), "overlay_none"), 0);
    ASSERT_EQ(run_viewer(quoted(scan) + " --overlays outline" + size + quoted(outlined), "overlay_outline"),
              0);
    const cv::Mat a = tendo::read_image(bare);
    const cv::Mat b = tendo::read_image(outlined);
    ASSERT_EQ(a.size(), mask.size());
    ASSERT_EQ(b.size(), mask.size());

    // Overlay pixels: where the two renderings differ clearly.
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    cv::Mat channels[3];
    cv::split(difference, channels);
    cv::Mat overlay = cv::max(channels[0], cv::max(channels[1], channels[2])) > 60;
    // Mask boundary: mask pixels with a 4-neighbour outside the mask.
    cv::Mat eroded;
    cv::erode(mask, eroded, cv::getStructuringElement(cv::MORPH_CROSS, cv::Size(3, 3)), cv::Point(-1, -1), 1,
              cv::BORDER_CONSTANT, cv::Scalar(0));
    const cv::Mat boundary = (mask > 0) & (eroded == 0);
    // Within one pixel (the outline is drawn through boundary pixel centres, antialiased).
    cv::Mat near_boundary;
    cv::Mat near_overlay;
    cv::dilate(boundary, near_boundary, cv::Mat::ones(3, 3, CV_8UC1));
    cv::dilate(overlay, near_overlay, cv::Mat::ones(3, 3, CV_8UC1));
    const int overlay_count = cv::countNonZero(overlay);
    const int boundary_count = cv::countNonZero(boundary);
    ASSERT_GT(overlay_count, 0) << outlined << ": no outline drawn";
    const double on_boundary = cv::countNonZero(overlay & near_boundary) / static_cast<double>(overlay_count);
    const double covered = cv::countNonZero(boundary & near_overlay) / static_cast<double>(boundary_count);
    EXPECT_GT(on_boundary, 0.97) << "outline pixels off the mask boundary; see " << outlined;
    EXPECT_GT(covered, 0.95) << "mask boundary not outlined; see " << outlined;
}

TEST_F(Viewer, StoredCorrectionIsReMeasured) {
    // A copy of the scan, so its sidecar does not affect the other tests.
    const fs::path scan = work_dir() / "corrected.dcm";
    fs::copy_file(bmode_scan(), scan, fs::copy_options::overwrite_existing);
    const tendo::scoring::ScanAnalysis analysis = analyse(scan);
    ASSERT_GT(cv::countNonZero(analysis.segmentation.mask), 0);
    ASSERT_TRUE(analysis.spacing_mm.has_value());
    ASSERT_TRUE(analysis.result.thickness.max_mm.has_value());

    // The user redraws the tendon as a band 4.0 mm thick along the mask's columns, starting at its
    // top row: an outline edit along pixel edges, so exactly `rows` rows.
    const cv::Rect bounds = cv::boundingRect(analysis.segmentation.mask);
    const int rows = static_cast<int>(std::lround(4.0 / analysis.spacing_mm->dy_mm));
    const double expected_mm = rows * analysis.spacing_mm->dy_mm;
    tendo::scoring::Corrections corrections;
    corrections.rows = analysis.grey.rows;
    corrections.cols = analysis.grey.cols;
    corrections.frame = analysis.frame.index;
    const double x0 = bounds.x + 2;
    const double x1 = bounds.x + bounds.width - 2;
    const double y0 = bounds.y + 10;
    corrections.edits = {{tendo::scoring::MaskEdit::Kind::outline,
                          0.0,
                          {{x0, y0}, {x1, y0}, {x1, y0 + rows}, {x0, y0 + rows}}}};
    tendo::scoring::write_sidecar(scan, corrections);

    const fs::path shot = work_dir() / "corrected.png";
    const fs::path results = work_dir() / "corrected.jsonl";
    ASSERT_EQ(run_viewer(quoted(scan) + " --tool outline --screenshot " + quoted(shot) + " --result-json " +
                             quoted(results),
                         "corrected"),
              0);
    const nlohmann::json result = first_result(results);
    ASSERT_TRUE(result["thickness_mm"]["max"].is_number()) << result.dump();
    const double corrected_mm = result["thickness_mm"]["max"].get<double>();
    // Half a pixel either side: where a cross-section is measured along a slightly tilted normal.
    EXPECT_NEAR(corrected_mm, expected_mm, 0.5 * analysis.spacing_mm->dy_mm + 0.05) << result.dump();
    EXPECT_GT(std::abs(*analysis.result.thickness.max_mm - corrected_mm), 1.0)
        << "the correction should change the thickness (analysed " << *analysis.result.thickness.max_mm
        << " mm)";
    bool marked = false;
    for (const auto& warning : result["warnings"])
        marked |= warning.get<std::string>().find("by hand") != std::string::npos;
    EXPECT_TRUE(marked) << "a corrected result must say so: " << result.dump();
    // The library gives the same number the viewer showed.
    const auto direct = tendo::scoring::apply_corrections(analysis, corrections, scan);
    ASSERT_TRUE(direct.result.thickness.max_mm.has_value());
    EXPECT_NEAR(*direct.result.thickness.max_mm, corrected_mm, 1e-9);
    fs::remove(tendo::scoring::sidecar_path(scan));
}

TEST_F(Viewer, UnreadableFilesAreListedNotFatal) {
    // Every malformed file of tests/data/dicom-bad: each becomes a red entry with its reason, the
    // readable one is shown, and the viewer exits 1 (some inputs failed) instead of crashing.
    const fs::path shot = work_dir() / "bad.png";
    ASSERT_EQ(
        run_viewer(quoted(fs::path(TENDO_TEST_DATA) / "dicom-bad") + " --screenshot " + quoted(shot), "bad"),
        1);
    // The one readable scan is grey: only the spread is checked, not the colour count.
    expect_not_blank(tendo::read_image(shot), shot.string(), 0);
    std::ifstream log(work_dir() / "bad.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("empty.dcm: empty file"), std::string::npos) << text;
    EXPECT_NE(text.find("not_dicom.dcm: not a DICOM file"), std::string::npos) << text;
    EXPECT_EQ(text.find("bad_region.dcm:"), std::string::npos) << "bad_region.dcm is readable: " << text;
}
