// Images without OpenCV's imgcodecs, which links GDAL and some 140 shared libraries (about 0.2 s at
// every process start): PNG is written with libpng (stb's encoder costs 5x the instructions of a
// whole DICOM decode), PNG/JPEG/BMP are read with stb.
#include "tendo/imaging/image_io.hpp"

#include "tendo/imaging/error.hpp"

#include <png.h>
#include <zlib.h>
#include <stb_image.h>

#include <opencv2/imgproc.hpp>

#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>

namespace tendo {

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}

void flush_nothing(png_structp) {}

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
    *static_cast<std::string*>(png_get_error_ptr(png)) = message;
    png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

/// True when every sample is 0 or 255.
bool is_two_level(const cv::Mat& grey) {
    for (int row = 0; row < grey.rows; ++row) {
        const std::uint8_t* p = grey.ptr<std::uint8_t>(row);
        for (int col = 0; col < grey.cols; ++col)
            if (p[col] != 0 && p[col] != 255)
                return false;
    }
    return true;
}

/// Encodes rows of 8-bit samples (1, 3 or 4 channels, RGB order). False with `error` set on failure.
bool write_png(const cv::Mat& ordered, std::vector<std::uint8_t>& out, std::string& error) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, on_png_error, on_png_warning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return false;
    }
    png_set_write_fn(png, &out, append_bytes, flush_nothing);
    const int colour_type = ordered.channels() == 1   ? PNG_COLOR_TYPE_GRAY
                            : ordered.channels() == 3 ? PNG_COLOR_TYPE_RGB
                                                      : PNG_COLOR_TYPE_RGBA;
    png_set_IHDR(png, info, static_cast<png_uint_32>(ordered.cols), static_cast<png_uint_32>(ordered.rows), 8,
                 colour_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Level 3: most of the size reduction of level 6 for well under half the time.
    png_set_compression_level(png, 3);
    // A two-level mask is long runs of equal bytes that deflate packs as they are: trying the five
    // row filters on each row would cost more than the compression itself.
    // Deflate's run-length strategy finds those runs without searching for longer matches: a
    // third of the time of the default strategy on a frame-sized mask.
    if (ordered.channels() == 1 && is_two_level(ordered)) {
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
        png_set_compression_strategy(png, Z_RLE);
    }
    png_write_info(png, info);
    for (int row = 0; row < ordered.rows; ++row)
        png_write_row(png, const_cast<png_bytep>(ordered.ptr<std::uint8_t>(row)));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
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
    std::string error;
    if (!write_png(ordered, encoded, error))
        throw Error("cannot encode PNG" + (error.empty() ? std::string() : " (" + error + ")"));
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
    // A few kB of PNG can claim gigapixels; the same cap as for a DICOM frame (512 MB).
    constexpr std::uint64_t kMaxImageBytes = 512ull * 1024 * 1024;
    if (static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) * static_cast<std::uint64_t>(channels) >
        kMaxImageBytes)
        throw Error(path.string() + ": image too large (" + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels)");
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
