#pragma once

#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/spacing.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace tendo::cli {

struct AnalyzeOptions {
    std::filesystem::path file;
    bool json = false;
    std::filesystem::path mask;    // empty: not written
    std::filesystem::path overlay; // empty: not written
    std::optional<Spacing> spacing_mm;
    double reference_mm = 10.0;
    std::string roi; // "X,Y,W,H" in pixels, empty for none
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& options);
int run_analyze(const AnalyzeOptions& options, Reporter& reporter);

} // namespace tendo::cli
