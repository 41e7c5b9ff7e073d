#include "dcmtk_frame_source.hpp"

#include "dcmtk_runtime.hpp"
#include "tendo/imaging/error.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmimage/diregist.h> // enables colour images in DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>

#include <opencv2/imgproc.hpp>

#include <optional>
#include <sstream>

namespace tendo::detail {

namespace {

/// The first complaint of a pixel-data codec (JPEG, JPEG-LS, RLE). Warnings of the image layer
/// (an unexpected attribute it ignores) are quirks, not damage.
std::optional<std::string> first_codec_message(const std::vector<std::string>& messages) {
    for (const auto& message : messages)
        if (message.rfind("dcmtk.dcmjpeg", 0) == 0 || message.rfind("dcmtk.dcmjpls", 0) == 0 ||
            message.rfind("dcmtk.dcmdata", 0) == 0)
            return message;
    return std::nullopt;
}

} // namespace

DcmtkFrameSource::DcmtkFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info)
    : file_(std::move(file)), file_name_(info.file.string()), rows_(info.rows), cols_(info.cols) {}

cv::Mat DcmtkFrameSource::decode(int index) {
    std::lock_guard lock(mutex_);
    DcmtkLogCapture capture;
    DcmDataset* dataset = file_->getDataset();
    DicomImage image(dataset, dataset->getOriginalXfer(), CIF_UsePartialAccessToPixelData,
                     static_cast<unsigned long>(index), 1);

    auto fail = [&](const std::string& reason) -> DicomError {
        std::ostringstream message;
        message << file_name_ << ": corrupt compressed pixel data in frame " << index << " (" << reason << ")";
        return DicomError(message.str());
    };
    const auto codec_complaint = first_codec_message(capture.messages());
    if (image.getStatus() != EIS_Normal) {
        if (codec_complaint)
            throw fail(*codec_complaint);
        std::string reason = DicomImage::getString(image.getStatus());
        if (!capture.messages().empty())
            reason += ": " + capture.messages().front();
        throw fail(reason);
    }
    const bool grey = image.isMonochrome();
    const std::size_t expected = static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_) * (grey ? 1 : 3);
    const void* data = image.getOutputData(8, 0, 0);
    // Decoder warnings mean the stream was damaged and the frame is partly made up: never measured.
    if (codec_complaint)
        throw fail(*codec_complaint);
    if (!data || image.getOutputDataSize(8) != expected || image.getWidth() != static_cast<unsigned long>(cols_) ||
        image.getHeight() != static_cast<unsigned long>(rows_))
        throw fail("decoder returned no image of the described size");

    const cv::Mat wrapped(rows_, cols_, grey ? CV_8UC1 : CV_8UC3, const_cast<void*>(data));
    cv::Mat pixels;
    if (grey)
        pixels = wrapped.clone(); // DicomImage owns `data`
    else
        cv::cvtColor(wrapped, pixels, cv::COLOR_RGB2BGR);
    return pixels;
}

} // namespace tendo::detail
