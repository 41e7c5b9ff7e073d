// Phantom speed: one single-frame 800x600 case (generation with truth), and generation plus
// DICOM writing. The budget is under 1 s per single-frame case.
#include "tendo/phantom/phantom.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>

namespace {

tendo::phantom::CaseSpec spec_for(int index, bool doppler) {
    auto spec = tendo::phantom::case_set(42, 12)[static_cast<std::size_t>(index % 12)];
    spec.frames = 1;
    spec.rows = 600;
    spec.cols = 800;
    spec.doppler = doppler ? tendo::phantom::DopplerMode::colour : tendo::phantom::DopplerMode::none;
    if (doppler)
        spec.encoding = tendo::phantom::Encoding::rgb;
    return spec.normalized();
}

void BM_GenerateCase(benchmark::State& state) {
    int i = 0;
    for (auto _ : state) {
        auto pc = tendo::phantom::generate_case(spec_for(i, state.range(0) != 0), tendo::phantom::case_seed(42, i));
        benchmark::DoNotOptimize(pc.frames.data());
        ++i;
    }
}
BENCHMARK(BM_GenerateCase)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_GenerateAndWrite(benchmark::State& state) {
    const auto dir = std::filesystem::temp_directory_path() / "tendo_phantom_bench";
    int i = 0;
    for (auto _ : state) {
        auto pc = tendo::phantom::generate_case(spec_for(i, false), tendo::phantom::case_seed(42, i));
        tendo::phantom::write_case(pc, dir, "bench");
        ++i;
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GenerateAndWrite)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
