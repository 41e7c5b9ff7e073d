#pragma once

#include "frame_source.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan_info.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

class DcmDataset;
class DcmFileFormat;
class DicomImage;

namespace tendo::detail {

/// Decodes frames with DCMTK's DicomImage, one frame at a time (partial pixel-data access), so the
/// output matches DCMTK's reference viewer (dcmj2pnm): YBR converted to RGB, palettes applied,
/// MONOCHROME1 inverted, no VOI window.
///
/// A compressed frame is decompressed apart and read by DicomImage through a copy of the file's
/// attributes holding that frame alone: on compressed data DicomImage first asks the codec for the
/// colour model after decompression, which DCMTK's JPEG codec learns by decompressing the first
/// frame, so every frame read cost two JPEG decodes.
class DcmtkFrameSource final : public FrameSource {
public:
    DcmtkFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info);
    ~DcmtkFrameSource() override;
    cv::Mat decode(int index) override;

private:
    cv::Mat decode_compressed(int index);
    cv::Mat pixels_of(DicomImage& image, int index, const std::vector<std::string>& messages) const;
    /// "FILE: corrupt compressed pixel data in frame INDEX (REASON)".
    DicomError corrupt(int index, const std::string& reason) const;

    std::shared_ptr<DcmFileFormat> file_;
    std::string file_name_;
    int rows_;
    int cols_;
    std::unique_ptr<DcmDataset> one_frame_; // the file's attributes, for one decompressed frame
    std::mutex mutex_;
};

} // namespace tendo::detail
