#pragma once

#include <filesystem>

namespace tendo::detail {

/// True when the file has the 128-byte preamble followed by "DICM" (PS3.10 file format).
bool has_dicm_marker(const std::filesystem::path& path);

} // namespace tendo::detail
