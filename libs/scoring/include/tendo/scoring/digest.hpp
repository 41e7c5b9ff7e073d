#pragma once

#include <filesystem>
#include <string>

namespace tendo::scoring {

/// SHA-256 of the whole content of `path`, as 64 lowercase hex digits. Reads the file in blocks,
/// so memory stays small for long cine loops. Throws tendo::Error ("file: cannot read ...").
std::string sha256_file_hex(const std::filesystem::path& path);

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
std::string sha256_hex(const std::string& bytes);

/// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits (RFC 2104 / FIPS 198-1).
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

} // namespace tendo::scoring
