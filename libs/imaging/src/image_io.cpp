#include "tendo/imaging/image_io.hpp"

#include "tendo/imaging/error.hpp"

#include <opencv2/imgcodecs.hpp>

#include <unistd.h>

#include <fstream>
#include <vector>

namespace tendo {

void write_png_atomically(const std::filesystem::path& path, const cv::Mat& pixels) {
    std::vector<unsigned char> encoded;
    try {
        if (!cv::imencode(".png", pixels, encoded))
            throw Error(path.string() + ": cannot encode PNG");
    } catch (const cv::Exception& e) {
        throw Error(path.string() + ": cannot encode PNG (" + e.msg + ")");
    }
    std::filesystem::path temporary = path;
    temporary += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(encoded.data()), static_cast<std::streamsize>(encoded.size()));
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw Error(path.string() + ": cannot write file");
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw Error(path.string() + ": cannot write file (" + error.message() + ")");
    }
}

} // namespace tendo
