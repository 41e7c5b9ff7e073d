#include "gdcm_frame_source.hpp"

#include "tendo/imaging/error.hpp"

#include <gdcmImageRegionReader.h>
#include <gdcmBoxRegion.h>
#include <gdcmTrace.h>

#include <opencv2/imgproc.hpp>

#include <mutex>
#include <vector>

namespace tendo::detail {

namespace {
void silence_gdcm() {
    static std::once_flag once;
    std::call_once(once, [] {
        gdcm::Trace::SetDebug(false);
        gdcm::Trace::SetWarning(false);
        gdcm::Trace::SetError(false);
    });
}
} // namespace

GdcmFrameSource::GdcmFrameSource(const ScanInfo& info) : info_(info) {
    silence_gdcm();
    const bool grey8 = info.samples_per_pixel == 1 && info.bits_allocated == 8 &&
                       (info.photometric == "MONOCHROME2" || info.photometric == "MONOCHROME1");
    const bool colour8 = info.samples_per_pixel == 3 && info.bits_allocated == 8;
    if (!grey8 && !colour8)
        throw UnsupportedEncoding(info.file.string() + ": unsupported JPEG 2000 pixel description (" +
                                  info.photometric + ", " + std::to_string(info.bits_allocated) + " bits)");
}

cv::Mat GdcmFrameSource::decode(int index) {
    std::lock_guard lock(mutex_);
    const std::string name = info_.file.string();
    gdcm::ImageRegionReader reader;
    reader.SetFileName(name.c_str());
    if (!reader.ReadInformation())
        throw DicomError(name + ": unreadable DICOM dataset (GDCM)");
    gdcm::BoxRegion box;
    box.SetDomain(0, static_cast<unsigned int>(info_.cols - 1), 0, static_cast<unsigned int>(info_.rows - 1),
                  static_cast<unsigned int>(index), static_cast<unsigned int>(index));
    reader.SetRegion(box);
    const std::size_t length = reader.ComputeBufferLength();
    const int channels = info_.samples_per_pixel;
    const std::size_t expected =
        static_cast<std::size_t>(info_.rows) * static_cast<std::size_t>(info_.cols) * static_cast<std::size_t>(channels);
    if (length != expected)
        throw DicomError(name + ": JPEG 2000 frame " + std::to_string(index) + " has an unexpected size");
    std::vector<char> buffer(length);
    if (!reader.ReadIntoBuffer(buffer.data(), buffer.size()))
        throw DicomError(name + ": corrupt compressed pixel data in frame " + std::to_string(index) +
                         " (JPEG 2000 decode failed)");

    const cv::Mat wrapped(info_.rows, info_.cols, channels == 1 ? CV_8UC1 : CV_8UC3, buffer.data());
    cv::Mat pixels;
    if (channels == 3)
        cv::cvtColor(wrapped, pixels, cv::COLOR_RGB2BGR);
    else if (info_.photometric == "MONOCHROME1")
        cv::bitwise_not(wrapped, pixels);
    else
        pixels = wrapped.clone();
    return pixels;
}

} // namespace tendo::detail
