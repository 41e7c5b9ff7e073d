#pragma once

#include "tendo/imaging/reporter.hpp"
#include "tendo/scoring/batch.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <vector>

namespace tendo::cli {

struct MergeOptions {
    std::vector<std::filesystem::path> shard_dirs;
    std::filesystem::path out_dir;
    bool force = false;
};

CLI::App* add_merge_command(CLI::App& app, MergeOptions& options);
int run_merge(const MergeOptions& options, Reporter& reporter);

/// The summary line `tendo score` and `tendo merge` print on stderr.
void print_batch_summary(const scoring::BatchSummary& summary, const std::filesystem::path& out_dir);

} // namespace tendo::cli
