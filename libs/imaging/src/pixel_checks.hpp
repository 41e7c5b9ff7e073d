#pragma once

#include "tendo/imaging/scan_info.hpp"

#include <cstdint>
#include <optional>

namespace tendo::detail {

/// What the Pixel Data element holds, as far as can be told without decoding it.
struct PixelDataShape {
    bool present = false;
    bool encapsulated = false;
    /// Declared value length of native pixel data in bytes.
    std::uint64_t native_length_bytes = 0;
    /// Number of fragments after the basic offset table (encapsulated data).
    std::uint64_t fragments = 0;
};

/// Bytes of one native (uncompressed) frame per the pixel description, or nullopt when the
/// description is not one tendo decodes.
std::optional<std::uint64_t> native_frame_bytes(const ScanInfo& info);

/// Checks the pixel description (size, samples, bits, photometric) and that the pixel data can
/// hold every frame it claims. Throws DicomError or UnsupportedEncoding naming info.file; never
/// allocates anything sized by header values.
void check_pixel_description(const ScanInfo& info, const PixelDataShape& shape);

} // namespace tendo::detail
