#pragma once

#include "frame_source.hpp"
#include "tendo/imaging/scan_info.hpp"

#include <memory>
#include <mutex>

class DcmFileFormat;

namespace tendo::detail {

/// Decodes frames with DCMTK's DicomImage, one frame at a time (partial pixel-data access), so the
/// output matches DCMTK's reference viewer (dcmj2pnm): YBR converted to RGB, palettes applied,
/// MONOCHROME1 inverted, no VOI window.
class DcmtkFrameSource final : public FrameSource {
public:
    DcmtkFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info);
    cv::Mat decode(int index) override;

private:
    std::shared_ptr<DcmFileFormat> file_;
    std::string file_name_;
    int rows_;
    int cols_;
    std::mutex mutex_;
};

} // namespace tendo::detail
