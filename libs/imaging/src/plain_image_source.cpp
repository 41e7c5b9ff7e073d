#include "plain_image_source.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"

#include <algorithm>
#include <cctype>

namespace tendo::detail {

bool has_plain_image_extension(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".bmp";
}

PlainImageSource::PlainImageSource(const std::filesystem::path& path) {
    try {
        pixels_ = read_image(path);
    } catch (const Error& error) {
        throw DicomError(error.what());
    }
}

cv::Mat PlainImageSource::decode(int /*index*/) { return pixels_.clone(); }

} // namespace tendo::detail
