#include "dcmtk_frame_source.hpp"

#include "dcmtk_runtime.hpp"
#include "tendo/imaging/error.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcxfer.h>
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

/// `dataset`'s attributes without its pixel data, as the header of one uncompressed frame.
std::unique_ptr<DcmDataset> one_frame_header(DcmDataset& dataset) {
    auto header = std::make_unique<DcmDataset>();
    for (unsigned long i = 0; i < dataset.card(); ++i) {
        const DcmElement* element = dataset.getElement(i);
        if (element->getTag() != DCM_PixelData)
            header->insert(static_cast<DcmElement*>(element->clone()));
    }
    header->putAndInsertString(DCM_NumberOfFrames, "1");
    return header;
}

} // namespace

DcmtkFrameSource::DcmtkFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info)
    : file_(std::move(file)), file_name_(info.file.string()), rows_(info.rows), cols_(info.cols) {}

DcmtkFrameSource::~DcmtkFrameSource() = default;

DicomError DcmtkFrameSource::corrupt(int index, const std::string& reason) const {
    std::ostringstream message;
    message << file_name_ << ": corrupt compressed pixel data in frame " << index << " (" << reason << ")";
    return DicomError(message.str());
}

cv::Mat DcmtkFrameSource::decode(int index) {
    std::lock_guard lock(mutex_);
    DcmDataset* dataset = file_->getDataset();
    if (DcmXfer(dataset->getOriginalXfer()).isEncapsulated())
        return decode_compressed(index);
    DcmtkLogCapture capture;
    DicomImage image(dataset, dataset->getOriginalXfer(), CIF_UsePartialAccessToPixelData,
                     static_cast<unsigned long>(index), 1);
    return pixels_of(image, index, capture.messages());
}

cv::Mat DcmtkFrameSource::decode_compressed(int index) {
    DcmtkLogCapture capture;
    DcmDataset* dataset = file_->getDataset();
    DcmElement* element = nullptr;
    DcmPixelData* pixel_data = nullptr;
    if (dataset->findAndGetElement(DCM_PixelData, element).good())
        pixel_data = dynamic_cast<DcmPixelData*>(element);
    Uint32 frame_bytes = 0;
    if (!pixel_data || pixel_data->getUncompressedFrameSize(dataset, frame_bytes).bad() || frame_bytes == 0)
        throw corrupt(index, "no pixel data of the described size");
    if (!one_frame_)
        one_frame_ = one_frame_header(*dataset);

    std::vector<Uint8> frame(frame_bytes + (frame_bytes & 1));
    Uint32 start_fragment = 0; // found by the codec (from the offset table, or by counting frames)
    OFString colour_model;
    const OFCondition decoded =
        pixel_data->getUncompressedFrame(dataset, static_cast<Uint32>(index), start_fragment, frame.data(),
                                         static_cast<Uint32>(frame.size()), colour_model);
    if (const auto complaint = first_codec_message(capture.messages()))
        throw corrupt(index, *complaint);
    if (decoded.bad())
        throw corrupt(index, decoded.text());

    Uint16 bits_allocated = 0;
    one_frame_->findAndGetUint16(DCM_BitsAllocated, bits_allocated);
    one_frame_->putAndInsertString(DCM_PhotometricInterpretation, colour_model.c_str());
    const OFCondition stored =
        bits_allocated > 8
            ? one_frame_->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(frame.data()),
                                                  static_cast<unsigned long>(frame_bytes / 2))
            : one_frame_->putAndInsertUint8Array(DCM_PixelData, frame.data(), static_cast<unsigned long>(frame_bytes));
    if (stored.bad())
        throw corrupt(index, stored.text());
    DicomImage image(one_frame_.get(), EXS_LittleEndianExplicit, 0UL, 0UL, 1UL);
    return pixels_of(image, index, capture.messages());
}

cv::Mat DcmtkFrameSource::pixels_of(DicomImage& image, int index, const std::vector<std::string>& messages) const {
    const auto codec_complaint = first_codec_message(messages);
    if (image.getStatus() != EIS_Normal) {
        if (codec_complaint)
            throw corrupt(index, *codec_complaint);
        std::string reason = DicomImage::getString(image.getStatus());
        if (!messages.empty())
            reason += ": " + messages.front();
        throw corrupt(index, reason);
    }
    const bool grey = image.isMonochrome();
    const std::size_t expected = static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_) * (grey ? 1 : 3);
    const void* data = image.getOutputData(8, 0, 0);
    // Decoder warnings mean the stream was damaged and the frame is partly made up: never measured.
    if (const auto complaint = first_codec_message(messages))
        throw corrupt(index, *complaint);
    if (!data || image.getOutputDataSize(8) != expected || image.getWidth() != static_cast<unsigned long>(cols_) ||
        image.getHeight() != static_cast<unsigned long>(rows_))
        throw corrupt(index, "decoder returned no image of the described size");

    const cv::Mat wrapped(rows_, cols_, grey ? CV_8UC1 : CV_8UC3, const_cast<void*>(data));
    cv::Mat pixels;
    if (grey)
        pixels = wrapped.clone(); // DicomImage owns `data`
    else
        cv::cvtColor(wrapped, pixels, cv::COLOR_RGB2BGR);
    return pixels;
}

} // namespace tendo::detail
