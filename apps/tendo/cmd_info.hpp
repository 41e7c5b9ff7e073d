#pragma once

#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/spacing.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace tendo::cli {

struct InfoOptions {
    std::vector<std::filesystem::path> files;
    bool json = false;
    bool decode = false;
    std::optional<Spacing> spacing_mm;
};

CLI::App* add_info_command(CLI::App& app, InfoOptions& options);
int run_info(const InfoOptions& options, Reporter& reporter);

} // namespace tendo::cli
