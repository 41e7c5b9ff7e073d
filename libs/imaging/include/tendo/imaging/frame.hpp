#pragma once

#include <opencv2/core/mat.hpp>

#include <optional>

namespace tendo {

/// One decoded frame, as a viewer displays it. Owns its pixels.
/// `pixels` is CV_8UC1 (grey: MONOCHROME1/2, already inverted for MONOCHROME1) or CV_8UC3 in
/// OpenCV's BGR order (RGB, YBR and PALETTE COLOR after conversion). cv::Point is x = col, y = row.
struct Frame {
    cv::Mat pixels;
    /// 0-based index within the scan.
    int index = 0;
    /// Time of this frame from the start of the loop in ms, when the file says.
    std::optional<double> time_ms;

    bool is_color() const { return pixels.channels() == 3; }
};

/// Grey value of every pixel: the value itself for grey frames, BT.601 luma
/// 0.299 R + 0.587 G + 0.114 B (rounded) for colour frames. Returns CV_8UC1.
cv::Mat to_grey(const cv::Mat& pixels);

} // namespace tendo
