#include "tendo/imaging/calibration.hpp"

#include <cmath>
#include <sstream>

namespace tendo {

std::string_view to_string(SpacingSource source) {
    switch (source) {
    case SpacingSource::regions:
        return "regions";
    case SpacingSource::pixel_spacing:
        return "pixel_spacing";
    case SpacingSource::imager_pixel_spacing:
        return "imager_pixel_spacing";
    case SpacingSource::user:
        return "user";
    case SpacingSource::none:
        return "none";
    }
    return "none";
}

namespace {

/// Index of the largest valid 2D tissue region that `accept` admits.
template <typename Accept>
std::optional<std::size_t> largest_tissue_region(const std::vector<UltrasoundRegion>& regions, Accept accept) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto& region = regions[i];
        if (!region.valid() || !region.is_tissue_2d() || !accept(region))
            continue;
        if (!best || region.area_px() > regions[*best].area_px())
            best = i;
    }
    return best;
}

bool close_enough(const Spacing& a, const Spacing& b) {
    constexpr double kRelativeTolerance = 0.01;
    auto close = [](double u, double v) { return std::abs(u - v) <= kRelativeTolerance * std::max(u, v); };
    return close(a.dx_mm, b.dx_mm) && close(a.dy_mm, b.dy_mm);
}

bool usable(const std::optional<Spacing>& spacing) {
    return spacing && std::isfinite(spacing->dx_mm) && std::isfinite(spacing->dy_mm) && spacing->dx_mm > 0.0 &&
           spacing->dy_mm > 0.0;
}

} // namespace

Calibration resolve_calibration(const CalibrationInputs& inputs, std::vector<std::string>& notes) {
    Calibration result;
    if (auto index = largest_tissue_region(inputs.regions,
                                           [](const UltrasoundRegion& region) { return region.spacing_mm().has_value(); })) {
        result.spacing_mm = inputs.regions[*index].spacing_mm();
        result.source = SpacingSource::regions;
        result.region_index = index;
        if (usable(inputs.pixel_spacing_mm) && !close_enough(*result.spacing_mm, *inputs.pixel_spacing_mm)) {
            std::ostringstream note;
            note << "ultrasound region spacing " << result.spacing_mm->dx_mm << " x " << result.spacing_mm->dy_mm
                 << " mm disagrees with PixelSpacing " << inputs.pixel_spacing_mm->dx_mm << " x "
                 << inputs.pixel_spacing_mm->dy_mm << " mm; using the region";
            notes.push_back(note.str());
        }
    } else if (usable(inputs.pixel_spacing_mm)) {
        result.spacing_mm = inputs.pixel_spacing_mm;
        result.source = SpacingSource::pixel_spacing;
    } else if (usable(inputs.imager_pixel_spacing_mm)) {
        result.spacing_mm = inputs.imager_pixel_spacing_mm;
        result.source = SpacingSource::imager_pixel_spacing;
    } else if (usable(inputs.user_spacing_mm)) {
        result.spacing_mm = inputs.user_spacing_mm;
        result.source = SpacingSource::user;
    }
    return result;
}

std::optional<std::size_t> tissue_region_at(const std::vector<UltrasoundRegion>& regions, int col, int row) {
    return largest_tissue_region(regions, [&](const UltrasoundRegion& region) { return region.contains(col, row); });
}

} // namespace tendo
