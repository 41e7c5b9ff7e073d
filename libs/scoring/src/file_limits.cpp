#include "tendo/scoring/file_limits.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tendo::scoring {

namespace {

using Clock = std::chrono::steady_clock;

// Bytes of working images per pixel of the analysed frame: `tendo analyze` peaks 10-11 MB above
// its start on a 640 x 480 frame and 24 MB on a 1016 x 708 one (GNU time, maximum RSS); rounded up.
constexpr std::uint64_t kAnalysisBytesPerPixel = 16;

/// The caller's reporter, plus a deadline: cancelled() turns true once the time budget is spent,
/// which stops the analysis at its next check (between frames).
class DeadlineReporter final : public Reporter {
public:
    DeadlineReporter(Reporter& outer, std::optional<Clock::time_point> deadline)
        : outer_(outer), deadline_(deadline) {}

    void progress(std::size_t done, std::size_t total) override { outer_.progress(done, total); }
    void warning(const std::string& message) override { outer_.warning(message); }
    bool cancelled() const override {
        if (deadline_ && Clock::now() >= *deadline_) {
            expired_ = true;
            return true;
        }
        return outer_.cancelled();
    }
    bool expired() const { return expired_ || (deadline_ && Clock::now() >= *deadline_); }

private:
    Reporter& outer_;
    std::optional<Clock::time_point> deadline_;
    mutable std::atomic<bool> expired_{false};
};

std::string megabytes(std::uint64_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20);
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

} // namespace

std::uint64_t estimated_analysis_bytes(const ScanInfo& info) {
    const std::uint64_t pixels = static_cast<std::uint64_t>(std::max(info.rows, 0)) *
                                 static_cast<std::uint64_t>(std::max(info.cols, 0));
    const std::uint64_t bytes_per_sample = info.bits_allocated > 8 ? 2 : 1;
    const std::uint64_t decoded =
        pixels * static_cast<std::uint64_t>(std::max(info.samples_per_pixel, 1)) * bytes_per_sample;
    return decoded + pixels * kAnalysisBytesPerPixel;
}

FileAnalyzer limit_file_analyzer(FileAnalyzer analyzer, const FileLimits& limits,
                                 const OpenOptions& open_options) {
    return [analyzer = std::move(analyzer), limits, open_options](const FileRequest& request,
                                                                  Reporter& reporter) {
        const auto start = Clock::now();
        if (limits.memory_mb > 0) {
            std::optional<ScanInfo> info;
            try {
                SilentReporter quiet;
                info = Scan::open(request.file, open_options, quiet).info();
            } catch (const Error&) {
                // The analyzer opens it again and says why it cannot.
            }
            const std::uint64_t budget = std::min<std::uint64_t>(limits.memory_mb, UINT64_MAX >> 20)
                                         << 20; // no wrap-around
            if (info) {
                const std::uint64_t needed = estimated_analysis_bytes(*info);
                if (needed > budget)
                    return FileAnalysis{
                        error_result(request.file, request.file + ": needs about " + megabytes(needed) +
                                                       " MB to analyse (" + std::to_string(info->cols) +
                                                       " x " + std::to_string(info->rows) +
                                                       " pixels per frame), over the memory budget of " +
                                                       std::to_string(limits.memory_mb) +
                                                       " MB (--file-memory)"),
                        {},
                        {}};
            }
        }
        std::optional<Clock::time_point> deadline;
        if (limits.timeout_s > 0)
            deadline = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(limits.timeout_s));
        DeadlineReporter limited(reporter, deadline);
        FileAnalysis analysis = analyzer(request, limited);
        if (limited.expired()) {
            const double spent = std::chrono::duration<double>(Clock::now() - start).count();
            return FileAnalysis{error_result(request.file, request.file + ": analysis stopped after " +
                                                               seconds_text(std::round(spent * 10) / 10) +
                                                               " s, over the time budget of " +
                                                               seconds_text(limits.timeout_s) +
                                                               " s (--file-timeout)"),
                                {},
                                {}};
        }
        return analysis;
    };
}

} // namespace tendo::scoring
