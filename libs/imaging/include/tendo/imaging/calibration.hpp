#pragma once

#include "tendo/imaging/spacing.hpp"
#include "tendo/imaging/ultrasound_region.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tendo {

/// Where a scan's pixel spacing came from, in the order of measurements.md.
enum class SpacingSource { regions, pixel_spacing, imager_pixel_spacing, user, none };

std::string_view to_string(SpacingSource source);

/// The spacing chosen for a scan. `spacing_mm` is nullopt when the scan is uncalibrated; it is
/// never guessed.
struct Calibration {
    std::optional<Spacing> spacing_mm;
    SpacingSource source = SpacingSource::none;
    /// Index into the scan's regions of the region that calibrated it (source == regions).
    std::optional<std::size_t> region_index;

    bool calibrated() const { return spacing_mm.has_value(); }
};

/// Everything a calibration can be decided from.
struct CalibrationInputs {
    std::vector<UltrasoundRegion> regions;
    /// PixelSpacing (0028,0030) converted to {dx, dy} mm.
    std::optional<Spacing> pixel_spacing_mm;
    /// ImagerPixelSpacing (0018,1164) converted to {dx, dy} mm.
    std::optional<Spacing> imager_pixel_spacing_mm;
    /// `--spacing DX,DY` from the user.
    std::optional<Spacing> user_spacing_mm;
};

/// Picks the spacing per measurements.md: the largest valid 2D tissue region in cm, then
/// PixelSpacing, ImagerPixelSpacing, the user's spacing, else uncalibrated. Invalid regions are
/// skipped (their defect is already on the region); `notes` receives a line for anything the user
/// should know, such as regions that disagree with PixelSpacing.
Calibration resolve_calibration(const CalibrationInputs& inputs, std::vector<std::string>& notes);

/// The 2D tissue region containing the pixel (col, row), the largest when several do; nullopt if none.
std::optional<std::size_t> tissue_region_at(const std::vector<UltrasoundRegion>& regions, int col, int row);

} // namespace tendo
