// PNG/JPEG through stb (Debian libstb) rather than OpenCV's imgcodecs: imgcodecs links GDAL and some
// 140 shared libraries, which cost every tendo process about 0.2 s at start-up.
#include "tendo/imaging/image_io.hpp"

#include "tendo/imaging/error.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <opencv2/imgproc.hpp>

#include <unistd.h>

#include <fstream>
#include <memory>

namespace tendo {

namespace {

void append_bytes(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}

} // namespace

std::vector<std::uint8_t> encode_png(const cv::Mat& pixels) {
    cv::Mat ordered;
    switch (pixels.type()) {
    case CV_8UC1:
        ordered = pixels.isContinuous() ? pixels : pixels.clone();
        break;
    case CV_8UC3:
        cv::cvtColor(pixels, ordered, cv::COLOR_BGR2RGB);
        break;
    case CV_8UC4:
        cv::cvtColor(pixels, ordered, cv::COLOR_BGRA2RGBA);
        break;
    default:
        throw Error("cannot encode PNG: unsupported image type");
    }
    if (ordered.empty())
        throw Error("cannot encode PNG: empty image");
    std::vector<std::uint8_t> encoded;
    const int ok = stbi_write_png_to_func(append_bytes, &encoded, ordered.cols, ordered.rows, ordered.channels(),
                                          ordered.data, static_cast<int>(ordered.step));
    if (!ok)
        throw Error("cannot encode PNG");
    return encoded;
}

void write_file_atomically(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::filesystem::path temporary = path;
    temporary += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
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

void write_png_atomically(const std::filesystem::path& path, const cv::Mat& pixels) {
    std::vector<std::uint8_t> encoded;
    try {
        encoded = encode_png(pixels);
    } catch (const Error& error) {
        throw Error(path.string() + ": " + error.what());
    }
    write_file_atomically(path, encoded);
}

cv::Mat read_image(const std::filesystem::path& path) {
    int width = 0;
    int height = 0;
    int channels_in_file = 0;
    if (!stbi_info(path.c_str(), &width, &height, &channels_in_file))
        throw Error(path.string() + ": unreadable image (" + stbi_failure_reason() + ")");
    const bool grey = channels_in_file <= 2;
    const int channels = grey ? 1 : 3;
    std::unique_ptr<stbi_uc, void (*)(void*)> data(stbi_load(path.c_str(), &width, &height, &channels_in_file, channels),
                                                   stbi_image_free);
    if (!data)
        throw Error(path.string() + ": unreadable image (" + stbi_failure_reason() + ")");
    const cv::Mat wrapped(height, width, grey ? CV_8UC1 : CV_8UC3, data.get());
    cv::Mat pixels;
    if (grey)
        pixels = wrapped.clone();
    else
        cv::cvtColor(wrapped, pixels, cv::COLOR_RGB2BGR);
    return pixels;
}

} // namespace tendo
