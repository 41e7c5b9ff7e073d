#pragma once

#include <opencv2/core/mat.hpp>

namespace tendo {

/// A decoder for the frames of one opened file. decode() returns CV_8UC1 grey or CV_8UC3 BGR and
/// throws tendo::Error subclasses only. Implementations serialise their own calls.
class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual cv::Mat decode(int index) = 0;
};

} // namespace tendo
