// Decode time per frame for every real sample (one per transfer syntax / photometric), in process:
//   decode/<file>       Scan::frame(k) on an opened scan, cycling through the frames
//   open_decode/<file>  Scan::open + frame 0, what a one-shot command pays besides process start-up
// Run: build/bench/tendo_decode_bench [--benchmark_format=json]; data dir from TENDO_BENCH_DATA or
// the compiled-in tests/data/dicom-real.
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

fs::path data_dir() {
    if (const char* dir = std::getenv("TENDO_BENCH_DATA"))
        return dir;
    return fs::path(TENDO_TEST_DATA) / "dicom-real";
}

void decode(benchmark::State& state, const fs::path& file) {
    tendo::SilentReporter reporter;
    const tendo::Scan scan = tendo::Scan::open(file, {}, reporter);
    int index = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(scan.frame(index).pixels.data);
        index = (index + 1) % scan.frame_count();
    }
    state.counters["frames"] = scan.frame_count();
    state.counters["megapixels"] = scan.info().rows * scan.info().cols / 1e6;
}

void open_decode(benchmark::State& state, const fs::path& file) {
    tendo::SilentReporter reporter;
    for (auto _ : state) {
        const tendo::Scan scan = tendo::Scan::open(file, {}, reporter);
        benchmark::DoNotOptimize(scan.frame(0).pixels.data);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(data_dir()))
        if (entry.path().extension() == ".dcm")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const std::string name = file.stem().string();
        benchmark::RegisterBenchmark(("decode/" + name).c_str(), decode, file)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("open_decode/" + name).c_str(), open_decode, file)
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
