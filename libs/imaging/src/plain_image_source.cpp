#include "plain_image_source.hpp"

#include "tendo/imaging/error.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>

namespace tendo::detail {

bool has_plain_image_extension(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".bmp" ||
           extension == ".tif" || extension == ".tiff";
}

PlainImageSource::PlainImageSource(const std::filesystem::path& path) {
    cv::Mat raw;
    try {
        raw = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw DicomError(path.string() + ": unreadable image (" + e.msg + ")");
    }
    if (raw.empty())
        throw DicomError(path.string() + ": unreadable image");
    if (raw.depth() == CV_16U)
        raw.convertTo(raw, CV_8U, 1.0 / 257.0);
    else if (raw.depth() != CV_8U)
        throw UnsupportedEncoding(path.string() + ": unsupported image bit depth");
    switch (raw.channels()) {
    case 1:
        pixels_ = raw;
        break;
    case 3:
        pixels_ = raw;
        break;
    case 4:
        cv::cvtColor(raw, pixels_, cv::COLOR_BGRA2BGR);
        break;
    default:
        throw UnsupportedEncoding(path.string() + ": unsupported number of image channels");
    }
}

cv::Mat PlainImageSource::decode(int /*index*/) { return pixels_.clone(); }

} // namespace tendo::detail
