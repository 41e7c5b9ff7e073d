#pragma once

#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/spacing.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

namespace tendo::cli {

struct FramesOptions {
    std::filesystem::path file;
    int frame = 0;
    std::filesystem::path out;
    bool force = false;
};

CLI::App* add_frames_command(CLI::App& app, FramesOptions& options);
int run_frames(const FramesOptions& options, Reporter& reporter);

} // namespace tendo::cli
