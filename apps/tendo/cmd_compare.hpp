#pragma once

#include "tendo/imaging/reporter.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace tendo::cli {

struct CompareOptions {
    /// `tendo score` output folders or tendo.sqlite stores.
    std::vector<std::filesystem::path> inputs;
    std::filesystem::path out_dir;
    std::optional<std::filesystem::path> clinical_csv;
    bool force = false;
};

CLI::App* add_compare_command(CLI::App& app, CompareOptions& options);
int run_compare(const CompareOptions& options, Reporter& reporter);

} // namespace tendo::cli
