#pragma once

#include <opencv2/core/mat.hpp>

#include <filesystem>

namespace tendo {

/// Writes `pixels` (CV_8UC1 grey or CV_8UC3 BGR) as PNG: first to a temporary file beside `path`,
/// then renamed over it, so a reader never sees a half-written file. Throws tendo::Error naming
/// `path` if the image cannot be encoded or written.
void write_png_atomically(const std::filesystem::path& path, const cv::Mat& pixels);

} // namespace tendo
