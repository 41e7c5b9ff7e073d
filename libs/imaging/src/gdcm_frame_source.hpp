#pragma once

#include "frame_source.hpp"
#include "tendo/imaging/scan_info.hpp"

#include <mutex>

namespace tendo::detail {

/// Decodes JPEG 2000 frames with GDCM (free DCMTK has no JPEG 2000 codec), one frame at a time.
/// GDCM applies the inverse component transform, so YBR_RCT/YBR_ICT arrive as RGB.
class GdcmFrameSource final : public FrameSource {
public:
    explicit GdcmFrameSource(const ScanInfo& info);
    cv::Mat decode(int index) override;

private:
    ScanInfo info_;
    std::mutex mutex_;
};

} // namespace tendo::detail
