#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tendo {

/// PNG bytes of `pixels` (CV_8UC1 grey, CV_8UC3 BGR or CV_8UC4 BGRA). Throws tendo::Error if the
/// image has another type or cannot be encoded.
std::vector<std::uint8_t> encode_png(const cv::Mat& pixels);

/// Writes `pixels` as PNG: first to a temporary file beside `path`, then renamed over it, so a
/// reader never sees a half-written file. Throws tendo::Error naming `path` on failure.
void write_png_atomically(const std::filesystem::path& path, const cv::Mat& pixels);

/// Writes `bytes` to `path` through a temporary file and a rename. Throws tendo::Error naming `path`.
void write_file_atomically(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

/// Reads a PNG, JPEG or BMP image as CV_8UC1 (grey files) or CV_8UC3 BGR (colour files; alpha is
/// dropped, 16-bit PNG scaled to 8 bits). Throws tendo::Error naming `path` if it cannot be read.
cv::Mat read_image(const std::filesystem::path& path);

} // namespace tendo
