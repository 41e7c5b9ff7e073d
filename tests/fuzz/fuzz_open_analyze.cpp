// libFuzzer target for the loader and the analysis: the input bytes become a file, which is
// probed the way `tendo score` sorts its inputs, opened as a scan, its frames decoded and analysed
// the way `tendo analyze` and `tendo score` do, and the overlay drawn.
// Any crash, leak, sanitizer report, hang or oversized allocation is a bug; tendo::Error is the
// only acceptable way to refuse an input.

#include "tendo/imaging/dicom_probe.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/analysis.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

// Frames analysed per input: enough to reach the cine code (analysed-frame choice, median), few
// enough that one input stays well under the hang timeout.
constexpr std::size_t kMaxAnalysedFrames = 3;

class FrameCapReporter final : public tendo::Reporter {
public:
    void progress(std::size_t done, std::size_t /*total*/) override { done_ = done; }
    bool cancelled() const override { return done_ >= kMaxAnalysedFrames; }

private:
    std::size_t done_ = 0;
};

std::filesystem::path scratch_path(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        return std::filesystem::path(tmp && *tmp ? tmp : "/tmp");
    }();
    // The loader picks the plain-image decoder by extension, so PNG/JPEG/BMP signatures get theirs.
    const char* extension = ".dcm";
    if (size >= 4 && data[0] == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G')
        extension = ".png";
    else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        extension = ".jpg";
    else if (size >= 2 && data[0] == 'B' && data[1] == 'M')
        extension = ".bmp";
    return dir / ("tendo-fuzz-" + std::to_string(getpid()) + extension);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::filesystem::path path = scratch_path(data, size);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!out)
            std::abort(); // the scratch directory itself is broken: not the input's fault
    }
    // The batch's content probe runs on every file first and must never throw.
    (void)tendo::probe_dicom_object(path);
    try {
        FrameCapReporter reporter;
        tendo::Scan scan = tendo::Scan::open(path, {}, reporter);
        // Every frame decodes or throws, including the ones the analysis would not reach.
        for (int i = 0; i < scan.frame_count() && i < static_cast<int>(kMaxAnalysedFrames); ++i)
            (void)scan.frame(i);
        tendo::scoring::ScanAnalysis analysis = tendo::scoring::analyze_scan(scan, {}, reporter);
        (void)tendo::scoring::render_overlay(analysis);
    } catch (const tendo::Error&) {
        // A refused input is the expected outcome for most mutations.
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return 0;
}
