#pragma once

#include "tendo/imaging/spacing.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tendo {

/// One item of the Sequence of Ultrasound Regions (0018,6011), values as stored in the file.
/// Pixel bounds are inclusive, in the displayed frame (x = column, y = row).
struct UltrasoundRegion {
    /// RegionSpatialFormat (0018,6012): 0 none, 1 2D, 2 M-mode, 3 spectral, 4 waveform, 5 graphics.
    int spatial_format = 0;
    /// RegionDataType (0018,6014): 1 tissue, 2 colour flow, 3 PW spectral, ... (PS3.3 C.8.5.5.1.2).
    int data_type = 0;
    /// RegionFlags (0018,6016).
    std::uint32_t flags = 0;
    int x0 = 0;
    int y0 = 0;
    int x1 = 0;
    int y1 = 0;
    /// PhysicalUnitsX/YDirection (0018,6024/6026): 3 = cm, 4 = seconds, ... (PS3.3 C.8.5.5.1.15).
    int units_x = 0;
    int units_y = 0;
    /// PhysicalDeltaX/Y (0018,602C/602E) in the file's units per pixel, sign as stored.
    double delta_x = 0.0;
    double delta_y = 0.0;
    /// Why this item cannot be trusted, or empty when it is well-formed.
    std::string defect;

    static constexpr int kSpatial2D = 1;
    static constexpr int kTissue = 1;
    static constexpr int kColorFlow = 2;
    static constexpr int kUnitsCm = 3;

    bool valid() const { return defect.empty(); }
    bool is_2d() const { return spatial_format == kSpatial2D; }
    bool is_tissue_2d() const { return is_2d() && data_type == kTissue; }
    bool is_color_flow_2d() const { return is_2d() && data_type == kColorFlow; }
    int width_px() const { return x1 - x0 + 1; }
    int height_px() const { return y1 - y0 + 1; }
    long long area_px() const { return static_cast<long long>(width_px()) * height_px(); }
    bool contains(int col, int row) const { return col >= x0 && col <= x1 && row >= y0 && row <= y1; }

    /// Spacing in mm when both directions are in cm with non-zero deltas, otherwise nullopt.
    std::optional<Spacing> spacing_mm() const;
};

} // namespace tendo
