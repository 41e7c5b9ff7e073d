#include "cmd_score.hpp"

#include "cli_options.hpp"
#include "cmd_merge.hpp"
#include "tendo/scoring/batch.hpp"
#include "tendo/scoring/batch_analyzer.hpp"
#include "tendo/scoring/file_limits.hpp"

#include <opencv2/core/utility.hpp>

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>

namespace tendo::cli {

namespace {

std::string duration_text(double seconds) {
    char text[32];
    if (seconds < 60.0)
        std::snprintf(text, sizeof text, "%.0fs", seconds);
    else if (seconds < 3600.0)
        std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
    else
        std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(seconds) / 3600,
                      (static_cast<int>(seconds) / 60) % 60);
    return text;
}

/// The progress bar on stderr (only on a terminal) and the one-line error per failed file.
class ScoreProgress {
public:
    ScoreProgress() : terminal_(isatty(STDERR_FILENO) == 1) {}
    ~ScoreProgress() { clear(); }
    ScoreProgress(const ScoreProgress&) = delete;
    ScoreProgress& operator=(const ScoreProgress&) = delete;

    void update(const scoring::BatchProgress& p) {
        if (!terminal_ || p.total == 0)
            return;
        constexpr int kWidth = 28;
        const double fraction = static_cast<double>(p.done) / static_cast<double>(p.total);
        const int filled = static_cast<int>(fraction * kWidth);
        const double rate = p.elapsed_s > 0.0 ? static_cast<double>(p.done) / p.elapsed_s : 0.0;
        const std::string eta = rate > 0.0 ? duration_text(static_cast<double>(p.total - p.done) / rate) : "?";
        std::fprintf(stderr, "\r\033[Kscore [%.*s%*s] %zu/%zu  %.1f files/s  ETA %s  %zu failed", filled,
                     "============================", kWidth - filled, "", p.done, p.total, rate, eta.c_str(),
                     p.failed);
        std::fflush(stderr);
        shown_ = true;
    }

    void failure(const std::string& file, const std::string& reason) {
        clear();
        // Reasons name the file first; add it when one does not.
        std::cerr << "error: " << (reason.rfind(file, 0) == 0 ? reason : file + ": " + reason) << '\n';
    }

    void clear() {
        if (shown_) {
            std::fputs("\r\033[K", stderr);
            std::fflush(stderr);
            shown_ = false;
        }
    }

private:
    bool terminal_;
    bool shown_ = false;
};

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) {
    g_interrupted = 1;
}

/// SIGINT/SIGTERM while scoring: files being analysed are finished and stored, no new one starts,
/// the outputs are written and the run can be finished with --resume. The handler is installed
/// once (SA_RESETHAND): a second Ctrl-C stops at once, which the store survives as well.
class InterruptibleReporter final : public Reporter {
public:
    explicit InterruptibleReporter(Reporter& outer) : outer_(outer) {
        struct sigaction action {};
        action.sa_handler = on_interrupt;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~InterruptibleReporter() override {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    InterruptibleReporter(const InterruptibleReporter&) = delete;
    InterruptibleReporter& operator=(const InterruptibleReporter&) = delete;

    void progress(std::size_t done, std::size_t total) override { outer_.progress(done, total); }
    void warning(const std::string& message) override { outer_.warning(message); }
    bool cancelled() const override { return g_interrupted != 0 || outer_.cancelled(); }

private:
    Reporter& outer_;
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

std::string read_key(const std::string& text) {
    if (text.empty() || text[0] != '@')
        return text;
    std::ifstream in(text.substr(1), std::ios::binary);
    if (!in)
        throw CLI::ValidationError("--pseudonymize", "cannot read the key file " + text.substr(1));
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
        key.pop_back();
    if (key.empty())
        throw CLI::ValidationError("--pseudonymize", "the key file " + text.substr(1) + " is empty");
    return key;
}

} // namespace

void print_batch_summary(const scoring::BatchSummary& s, const std::filesystem::path& out_dir) {
    const std::size_t processed = s.scored + s.failed;
    const double rate = s.elapsed_s > 0.0 ? static_cast<double>(processed) / s.elapsed_s : 0.0;
    std::cerr << "scored " << s.scored << " of " << s.inputs << " files";
    if (s.reused > 0)
        std::cerr << " (" << s.reused << " already in the store)";
    std::cerr << ", " << s.failed << " failed" << (s.failed ? " (errors.csv)" : "") << ", " << s.skipped
              << " skipped" << (s.skipped ? " (skipped.csv)" : "");
    if (s.pending > 0)
        std::cerr << ", " << s.pending << " not done";
    char timing[64];
    std::snprintf(timing, sizeof timing, " in %.1f s (%.1f files/s)", s.elapsed_s, rate);
    std::cerr << timing << " -> " << out_dir.string() << '\n';
}

CLI::App* add_score_command(CLI::App& app, ScoreOptions& options) {
    auto* command = app.add_subcommand("score", "score many scans (files and folders, recursively) into a results folder");
    command->add_option("PATH", options.paths, "DICOM files and folders (folders: every DICOM file below, by content)")
        ->required();
    command->add_option("--out", options.out_dir, "output folder: results.jsonl, results.csv, errors.csv, tendo.sqlite")
        ->required();
    command->add_option("--jobs", options.jobs, "files analysed at once (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--masks", options.masks, "write masks/<stem>.png (8-bit, 255 = tendon)");
    command->add_flag("--overlays", options.overlays, "write overlays/<stem>.png (frame with outline and numbers)");
    command->add_flag("--resume", options.resume, "finish an interrupted run in the output folder");
    command->add_flag("--force", options.force, "replace the results of another dataset in the output folder");
    command->add_option("--shard", options.shard, "score only the I-th of N deterministic shares (1 <= I <= N)")
        ->type_name("I/N")
        ->check([](const std::string& text) {
            try {
                scoring::parse_shard(text);
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
            return std::string();
        });
    command->add_option("--pseudonymize", options.pseudonymize,
                        "replace patient ids by HMAC-SHA256 pseudonyms under KEY (or the key in @FILE)")
        ->type_name("KEY|@FILE");
    add_spacing_option(*command, options.spacing_mm);
    command->add_option("--reference-mm", options.reference_mm, "distance from the insertion of thickness at_reference")
        ->check(CLI::PositiveNumber);
    command
        ->add_option(
            "--file-timeout", options.file_timeout_s,
            "seconds one file may take; a slower one is stopped and listed in errors.csv (0: no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    command
        ->add_option("--file-memory", options.file_memory_mb,
                     "MB one file's analysis may need; a larger one is listed in errors.csv (0: no limit)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    return command;
}

int run_score(const ScoreOptions& options, Reporter& reporter) {
    scoring::AnalysisOptions analysis;
    analysis.user_spacing_mm = options.spacing_mm;
    analysis.reference_mm = options.reference_mm;

    scoring::BatchOptions batch;
    batch.paths = options.paths;
    batch.out_dir = options.out_dir;
    batch.jobs = options.jobs;
    batch.masks = options.masks;
    batch.overlays = options.overlays;
    batch.resume = options.resume;
    batch.force = options.force;
    if (!options.shard.empty())
        batch.shard = scoring::parse_shard(options.shard);
    try {
        if (!options.pseudonymize.empty())
            batch.pseudonymize_key = read_key(options.pseudonymize);
    } catch (const CLI::ValidationError& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    }
    batch.analysis_key = scoring::analysis_key(analysis);
    batch.extra_input_key = scoring::sidecar_key;

    ScoreProgress progress;
    batch.on_progress = [&](const scoring::BatchProgress& p) { progress.update(p); };
    batch.on_failure = [&](const std::string& file, const std::string& reason) { progress.failure(file, reason); };

    // Parallelism is across files; OpenCV's own threads would only compete with them.
    cv::setNumThreads(1);
    scoring::BatchSummary summary;
    try {
        const scoring::FileLimits limits{options.file_timeout_s, options.file_memory_mb};
        InterruptibleReporter interruptible(reporter);
        summary = scoring::run_batch(
            batch,
            scoring::limit_file_analyzer(scoring::make_scan_analyzer(analysis), limits, {options.spacing_mm}),
            interruptible);
    } catch (const scoring::BatchRefused& error) {
        progress.clear();
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    }
    progress.clear();
    print_batch_summary(summary, options.out_dir);
    if (g_interrupted != 0)
        std::cerr << "interrupted: " << summary.pending
                  << " file(s) not done; run the same command with --resume to finish\n";
    if (summary.scored + summary.failed == 0) {
        std::cerr << "error: nothing to score: no DICOM image among the inputs\n";
        return kUsage;
    }
    return summary.failed > 0 || summary.pending > 0 ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
