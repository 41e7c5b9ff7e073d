#include "pixel_checks.hpp"

#include "tendo/imaging/error.hpp"

#include <array>
#include <sstream>
#include <string_view>

namespace tendo::detail {

namespace {

struct PhotometricRule {
    std::string_view name;
    int samples_per_pixel;
};

constexpr std::array kPhotometrics{
    PhotometricRule{"MONOCHROME1", 1},     PhotometricRule{"MONOCHROME2", 1},
    PhotometricRule{"PALETTE COLOR", 1},   PhotometricRule{"RGB", 3},
    PhotometricRule{"YBR_FULL", 3},        PhotometricRule{"YBR_FULL_422", 3},
    PhotometricRule{"YBR_PARTIAL_422", 3}, PhotometricRule{"YBR_PARTIAL_420", 3},
    PhotometricRule{"YBR_RCT", 3},         PhotometricRule{"YBR_ICT", 3},
};

const PhotometricRule* find_photometric(std::string_view name) {
    for (const auto& rule : kPhotometrics)
        if (rule.name == name)
            return &rule;
    return nullptr;
}

// Tiny images are suspicious but legal; a single frame above this is a header lie, not a scan.
constexpr std::uint64_t kMaxFrameBytes = 512ull * 1024 * 1024;
constexpr int kMaxFrames = 100000;

[[noreturn]] void fail(const ScanInfo& info, const std::string& reason) {
    throw DicomError(info.file.string() + ": " + reason);
}

} // namespace

std::optional<std::uint64_t> native_frame_bytes(const ScanInfo& info) {
    if (info.rows <= 0 || info.cols <= 0 || (info.bits_allocated != 8 && info.bits_allocated != 16))
        return std::nullopt;
    const std::uint64_t pixels = static_cast<std::uint64_t>(info.rows) * static_cast<std::uint64_t>(info.cols);
    const std::uint64_t bytes_per_sample = static_cast<std::uint64_t>(info.bits_allocated) / 8;
    if (info.photometric == "YBR_FULL_422" || info.photometric == "YBR_PARTIAL_422")
        return pixels * 2 * bytes_per_sample; // two luma samples share one Cb and one Cr
    return pixels * static_cast<std::uint64_t>(info.samples_per_pixel) * bytes_per_sample;
}

void check_pixel_description(const ScanInfo& info, const PixelDataShape& shape) {
    if (!shape.present)
        fail(info, "no pixel data");
    if (info.rows <= 0 || info.cols <= 0) {
        std::ostringstream reason;
        reason << "invalid image size (rows " << info.rows << ", columns " << info.cols << ")";
        fail(info, reason.str());
    }
    if (info.frames <= 0 || info.frames > kMaxFrames) {
        std::ostringstream reason;
        reason << "invalid number of frames " << info.frames;
        fail(info, reason.str());
    }
    const PhotometricRule* rule = find_photometric(info.photometric);
    if (!rule)
        throw UnsupportedEncoding(info.file.string() + ": unsupported photometric interpretation '" +
                                  info.photometric + "'");
    if (info.samples_per_pixel != rule->samples_per_pixel) {
        std::ostringstream reason;
        reason << "inconsistent pixel description (" << info.photometric << " with SamplesPerPixel "
               << info.samples_per_pixel << ")";
        fail(info, reason.str());
    }
    if (info.bits_allocated != 8 && info.bits_allocated != 16) {
        std::ostringstream reason;
        reason << "inconsistent pixel description (unsupported BitsAllocated " << info.bits_allocated
               << " for this data)";
        fail(info, reason.str());
    }
    if (info.bits_stored <= 0 || info.bits_stored > info.bits_allocated) {
        std::ostringstream reason;
        reason << "inconsistent pixel description (BitsStored " << info.bits_stored << " with BitsAllocated "
               << info.bits_allocated << ")";
        fail(info, reason.str());
    }
    const std::uint64_t frame_bytes = *native_frame_bytes(info);
    if (frame_bytes > kMaxFrameBytes) {
        std::ostringstream reason;
        reason << "invalid image size (" << info.cols << " x " << info.rows << " claims " << frame_bytes
               << " bytes per frame)";
        fail(info, reason.str());
    }
    if (shape.encapsulated) {
        if (shape.fragments == 0)
            fail(info, "no pixel data (empty encapsulated pixel data)");
        if (shape.fragments < static_cast<std::uint64_t>(info.frames)) {
            std::ostringstream reason;
            reason << "pixel data holds " << shape.fragments << " fragment(s) for " << info.frames << " frames";
            fail(info, reason.str());
        }
        return;
    }
    const std::uint64_t expected = frame_bytes * static_cast<std::uint64_t>(info.frames);
    if (shape.native_length_bytes < expected) {
        std::ostringstream reason;
        reason << "pixel data length " << shape.native_length_bytes
               << " bytes does not match the image size (expected " << expected << " = " << info.frames
               << " frame(s) of " << frame_bytes << " bytes)";
        fail(info, reason.str());
    }
}

} // namespace tendo::detail
