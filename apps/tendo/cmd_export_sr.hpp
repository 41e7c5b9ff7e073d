#pragma once

#include "tendo/imaging/reporter.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

namespace tendo::cli {

struct ExportSrOptions {
    /// A tendo score output folder or tendo.sqlite store.
    std::filesystem::path results;
    std::filesystem::path out_dir;
};

CLI::App* add_export_sr_command(CLI::App& app, ExportSrOptions& options);
int run_export_sr(const ExportSrOptions& options, Reporter& reporter);

} // namespace tendo::cli
