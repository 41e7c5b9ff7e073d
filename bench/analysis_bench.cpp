// Whole analysis of one 800x600 frame against decoding the same frame, on one core, and each
// stage of the analysis on its own.
// The frames come from tendo::phantom (a longitudinal and a transverse colour-Doppler case),
// written as DICOM with JPEG baseline YBR_422 (what scanners export) and as uncompressed RGB.
// A cross-section is outlined only when a band does not already win the view, so the two views
// cost differently.
#include "tendo/imaging/area_reduction.hpp"
#include "tendo/imaging/memory_reuse.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/imaging/segmentation.hpp"
#include "tendo/phantom/phantom.hpp"
#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/measurements.hpp"

#include <benchmark/benchmark.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <map>
#include <utility>
#include <memory>
#include <unistd.h>

namespace {

using namespace tendo;

struct Fixture {
    std::filesystem::path file;
    std::unique_ptr<Scan> scan;
    Frame frame;

    Fixture() = default;
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    ~Fixture() {
        if (file.empty())
            return;
        scan.reset();
        std::error_code ignored;
        std::filesystem::remove(file, ignored);
    }
};

Fixture& fixture(phantom::Encoding encoding, phantom::CaseView view = phantom::CaseView::longitudinal) {
    static std::map<std::pair<phantom::Encoding, phantom::CaseView>, Fixture> cache;
    auto it = cache.find({encoding, view});
    if (it != cache.end())
        return it->second;
    cv::setNumThreads(1); // one core, as tendo score runs each file
    phantom::CaseSpec spec;
    spec.view = view;
    spec.doppler = phantom::DopplerMode::colour;
    spec.vessels_in = 3;
    spec.vessels_around = 2;
    spec.encoding = encoding;
    spec.rows = 600;
    spec.cols = 800;
    const phantom::PhantomCase pc = phantom::generate_case(spec, 11);
    Fixture& f = cache[{encoding, view}];
    f.file = std::filesystem::temp_directory_path() / ("tendo-analysis-bench-" + std::to_string(::getpid()) + "-" +
                                                       phantom::to_string(encoding) + "-" + phantom::to_string(view) + ".dcm");
    phantom::write_dicom(pc, f.file);
    SilentReporter quiet;
    f.scan = std::make_unique<Scan>(Scan::open(f.file, OpenOptions{}, quiet));
    f.frame = f.scan->frame(0);
    return f;
}

void BM_Decode(benchmark::State& state, phantom::Encoding encoding) {
    Fixture& f = fixture(encoding);
    for (auto _ : state) {
        Frame frame = f.scan->frame(0);
        benchmark::DoNotOptimize(frame.pixels.data);
    }
}

void BM_Analyze(benchmark::State& state, phantom::Encoding encoding, phantom::CaseView view) {
    Fixture& f = fixture(encoding, view);
    const ScanInfo& info = f.scan->info();
    for (auto _ : state) {
        scoring::ScanAnalysis a = scoring::analyze_frame(f.frame, info.regions, info.calibration.spacing_mm, {});
        benchmark::DoNotOptimize(a.result.confidence);
    }
}

/// One stage of the analysis on its own, with its inputs from a whole analysis of the frame: where
/// the time of BM_Analyze goes (bench/results/score.md breaks a batch down the same way).
enum class Stage { tissue_from_image, doppler_separation, segmentation, echogenicity, neovascularity, thickness };

void BM_Stage(benchmark::State& state, phantom::CaseView view, Stage stage) {
    Fixture& f = fixture(phantom::Encoding::jpeg_ybr422, view);
    const ScanInfo& info = f.scan->info();
    const std::optional<Spacing>& spacing = info.calibration.spacing_mm;
    const scoring::ScanAnalysis a = scoring::analyze_frame(f.frame, info.regions, spacing, {});
    const cv::Mat& mask = a.segmentation.mask;
    if (stage >= Stage::echogenicity && (a.result.view == View::none || !spacing)) {
        state.SkipWithError("no tendon found in the benchmark frame");
        return;
    }
    for (auto _ : state) {
        switch (stage) {
        case Stage::tissue_from_image: // a scan without calibration regions
            benchmark::DoNotOptimize(find_tissue_area(f.frame.pixels, {}).bounds);
            break;
        case Stage::doppler_separation:
            benchmark::DoNotOptimize(separate_doppler(f.frame.pixels, a.tissue, info.regions).doppler);
            break;
        case Stage::segmentation:
            benchmark::DoNotOptimize(segment_tendon(a.grey, a.tissue, a.colour_mask, spacing).confidence);
            break;
        case Stage::echogenicity:
            benchmark::DoNotOptimize(
                scoring::measure_echogenicity(a.grey, mask, a.colour_mask, a.graphics_mask, a.tissue.mask, spacing).mean);
            break;
        case Stage::neovascularity:
            benchmark::DoNotOptimize(scoring::measure_neovascularity(a.colour_mask, mask, true, spacing, nullptr).vessel_count);
            break;
        case Stage::thickness:
            if (view == phantom::CaseView::transverse)
                benchmark::DoNotOptimize(scoring::max_ap_extent(mask, *spacing).mm);
            else
                benchmark::DoNotOptimize(
                    scoring::longitudinal_thickness(mask, a.tissue.mask, *spacing, a.segmentation.insertion).arc_mm.size());
            break;
        }
    }
}

/// The segmentation's reduction of a frame to its work resolution (0.25 mm a pixel from the
/// phantom's 0.08 mm: a factor of 0.32): OpenCV's INTER_AREA against `reduce_by_area`.
enum class Reduction { opencv_inter_area, reduce_by_area };

void BM_Reduce(benchmark::State& state, Reduction reduction) {
    cv::setNumThreads(1);
    cv::Mat grey(600, 800, CV_32FC1);
    cv::RNG(5).fill(grey, cv::RNG::UNIFORM, 0.0f, 255.0f);
    constexpr double kFactor = 0.32;
    for (auto _ : state) {
        cv::Mat reduced;
        if (reduction == Reduction::opencv_inter_area)
            cv::resize(grey, reduced, cv::Size(), kFactor, kFactor, cv::INTER_AREA);
        else
            reduced = reduce_by_area(grey, kFactor);
        benchmark::DoNotOptimize(reduced.data);
    }
}

#define TENDO_STAGE_BENCHMARKS(view)                                                                                      \
    BENCHMARK_CAPTURE(BM_Stage, view##_tissue_from_image, phantom::CaseView::view, Stage::tissue_from_image)               \
        ->Unit(benchmark::kMillisecond);                                                                                  \
    BENCHMARK_CAPTURE(BM_Stage, view##_doppler_separation, phantom::CaseView::view, Stage::doppler_separation)             \
        ->Unit(benchmark::kMillisecond);                                                                                  \
    BENCHMARK_CAPTURE(BM_Stage, view##_segmentation, phantom::CaseView::view, Stage::segmentation)                         \
        ->Unit(benchmark::kMillisecond);                                                                                  \
    BENCHMARK_CAPTURE(BM_Stage, view##_echogenicity, phantom::CaseView::view, Stage::echogenicity)                         \
        ->Unit(benchmark::kMillisecond);                                                                                  \
    BENCHMARK_CAPTURE(BM_Stage, view##_neovascularity, phantom::CaseView::view, Stage::neovascularity)                     \
        ->Unit(benchmark::kMillisecond);                                                                                  \
    BENCHMARK_CAPTURE(BM_Stage, view##_thickness, phantom::CaseView::view, Stage::thickness)->Unit(benchmark::kMillisecond)

BENCHMARK_CAPTURE(BM_Decode, jpeg_ybr422, phantom::Encoding::jpeg_ybr422)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Analyze, jpeg_ybr422, phantom::Encoding::jpeg_ybr422, phantom::CaseView::longitudinal)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Analyze, jpeg_ybr422_transverse, phantom::Encoding::jpeg_ybr422, phantom::CaseView::transverse)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, rgb, phantom::Encoding::rgb)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Analyze, rgb, phantom::Encoding::rgb, phantom::CaseView::longitudinal)->Unit(benchmark::kMillisecond);
TENDO_STAGE_BENCHMARKS(longitudinal);
TENDO_STAGE_BENCHMARKS(transverse);
BENCHMARK_CAPTURE(BM_Reduce, opencv_inter_area, Reduction::opencv_inter_area)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Reduce, reduce_by_area, Reduction::reduce_by_area)->Unit(benchmark::kMillisecond);

} // namespace

// As the tendo and tendo-viewer programs do: freed working images are reused, not faulted in again.
int main(int argc, char** argv) {
    tendo::keep_freed_memory_for_reuse();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
