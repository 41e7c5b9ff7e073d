#pragma once

#include "frame_source.hpp"
#include "tendo/imaging/scan_info.hpp"

#include <filesystem>

namespace tendo::detail {

/// True for file names tendo reads as plain screen captures (PNG, JPEG, BMP).
bool has_plain_image_extension(const std::filesystem::path& path);

/// A PNG/JPEG/BMP screen capture: one frame, no calibration of its own.
class PlainImageSource final : public FrameSource {
public:
    /// Reads the image; throws DicomError naming the file if it cannot be decoded.
    explicit PlainImageSource(const std::filesystem::path& path);
    cv::Mat decode(int index) override;
    const cv::Mat& pixels() const { return pixels_; }

private:
    cv::Mat pixels_;
};

} // namespace tendo::detail
