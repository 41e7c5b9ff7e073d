#pragma once

#include "frame_source.hpp"
#include "tendo/imaging/scan_info.hpp"

#include <memory>
#include <mutex>

class DcmFileFormat;

namespace tendo::detail {

/// Decodes JPEG 2000 frames (free DCMTK has no JPEG 2000 codec) with OpenJPEG, one frame at a time
/// from the encapsulated fragments DCMTK has parsed. OpenJPEG applies the inverse component
/// transform, so YBR_RCT and YBR_ICT arrive as RGB.
class J2kFrameSource final : public FrameSource {
public:
    /// Throws UnsupportedEncoding for pixel descriptions tendo does not decode from JPEG 2000.
    J2kFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info);
    cv::Mat decode(int index) override;

private:
    std::shared_ptr<DcmFileFormat> file_;
    ScanInfo info_;
    std::mutex mutex_;
};

} // namespace tendo::detail
