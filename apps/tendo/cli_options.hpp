#pragma once

#include "tendo/imaging/spacing.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace tendo::cli {

/// Exit codes of every subcommand (interface.md).
enum ExitCode : int { kAllOk = 0, kSomeFailed = 1, kUsage = 2 };

/// Parses "DX,DY" in mm (both > 0); throws CLI::ValidationError otherwise.
Spacing parse_spacing(const std::string& text);

/// Adds `--spacing DX,DY` to a subcommand, storing into `target`.
void add_spacing_option(CLI::App& command, std::optional<Spacing>& target);

} // namespace tendo::cli
