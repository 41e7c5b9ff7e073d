#pragma once

#include "tendo/imaging/reporter.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tendo::cli {

struct EvaluateOptions {
    std::uint64_t seed = 1;
    int n = 40;
    /// Keep the generated DICOM files, masks and per-case results here (else a temporary folder).
    std::filesystem::path out;
    /// Exit 1 when an accuracy target of issue 5 is missed.
    bool check = false;
    /// Print the table as Markdown.
    bool markdown = false;
    /// Measure on the phantom's true tendon mask instead of the segmentation: what remains is the
    /// error of the measurements themselves.
    bool truth_masks = false;
    /// Floors a regression test asserts, "key>=value" or "key<=value" (keys as printed by --keys).
    std::vector<std::string> require;
};

CLI::App* add_evaluate_command(CLI::App& app, EvaluateOptions& options);
int run_evaluate(const EvaluateOptions& options, Reporter& reporter);

} // namespace tendo::cli
