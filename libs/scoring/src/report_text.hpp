#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tendo::scoring {

/// Rows of RFC 4180 CSV text (quoted cells may hold commas, quotes and line breaks; CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

/// One CSV cell, quoted when it holds a comma, quote or line break.
std::string csv_quote(const std::string& text);

/// Text with &, <, >, " escaped for HTML element content and attribute values.
std::string html_escape(std::string_view text);

/// Standard base64 (RFC 4648) with padding.
std::string base64(std::string_view bytes);

/// Writes `text` to a temporary file beside `path` and renames it into place; throws tendo::Error
/// ("path: cannot write") on failure.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

} // namespace tendo::scoring
