#pragma once

#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/spacing.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tendo::cli {

struct ScoreOptions {
    std::vector<std::filesystem::path> paths;
    std::filesystem::path out_dir;
    int jobs = 0; // 0: all cores
    bool masks = false;
    bool overlays = false;
    bool resume = false;
    bool force = false;
    std::string shard;        // "I/N", empty for all
    std::string pseudonymize; // KEY or @FILE holding the key, empty for none
    std::optional<Spacing> spacing_mm;
    double reference_mm = 10.0;
    double file_timeout_s = 600.0;       // per-file time budget, 0 = none
    std::uint64_t file_memory_mb = 2048; // per-file memory budget, 0 = none
};

CLI::App* add_score_command(CLI::App& app, ScoreOptions& options);
int run_score(const ScoreOptions& options, Reporter& reporter);

} // namespace tendo::cli
