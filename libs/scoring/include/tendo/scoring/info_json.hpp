#pragma once

#include "tendo/imaging/scan_info.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace tendo::scoring {

/// The `tendo info --json` object for a scan that opened (interface.md): values as stored in the
/// file, spacing_mm as [dx, dy] mm or null, absent attributes null.
nlohmann::json info_to_json(const ScanInfo& info);

/// The `tendo info --json` object for a file that could not be opened: ok false and the reason.
nlohmann::json info_error_to_json(const std::filesystem::path& file, const std::string& reason);

} // namespace tendo::scoring
