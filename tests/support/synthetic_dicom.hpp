#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

// Small DICOM files written with DCMTK at test time, so batch tests need no data from elsewhere.
namespace tendo::testing {

/// A synthetic ultrasound image: MONOCHROME2, 8 bits, explicit VR little endian, with one
/// calibrated tissue region (0.1 mm per pixel). The picture is speckle with a bright band (a
/// tendon-like layer) above a bright line with shadow below (a bone surface); `seed` varies
/// noise, band depth and thickness, so every seed gives different bytes.
struct SyntheticScan {
    int rows = 120;
    int cols = 160;
    int frames = 1;
    std::uint32_t seed = 1;
    std::string patient_id = "PAT-0001";
    std::string study_date = "20240102";
    /// "L", "R" or empty.
    std::string laterality = "L";
    /// Write the 128-byte preamble and "DICM" (a DICOM Part 10 file); without it the file starts
    /// directly with the meta information group, as some old exports do.
    bool preamble = true;
};

/// Writes `scan` to `path`. Throws std::runtime_error when DCMTK cannot write it.
void write_synthetic_scan(const std::filesystem::path& path, const SyntheticScan& scan);

/// A DICOM object without pixels to measure. `kind`: "sr" (Basic Text SR), "pdf" (Encapsulated
/// PDF), "pr" (Grayscale Softcopy Presentation State) or "dicomdir" (Media Storage Directory).
void write_non_image_object(const std::filesystem::path& path, const std::string& kind, std::uint32_t seed);

} // namespace tendo::testing
