#include "tendo/imaging/ultrasound_region.hpp"

#include <cmath>

namespace tendo {

std::optional<Spacing> UltrasoundRegion::spacing_mm() const {
    if (!valid() || units_x != kUnitsCm || units_y != kUnitsCm)
        return std::nullopt;
    if (!std::isfinite(delta_x) || !std::isfinite(delta_y) || delta_x == 0.0 || delta_y == 0.0)
        return std::nullopt;
    constexpr double kMmPerCm = 10.0;
    return Spacing{std::abs(delta_x) * kMmPerCm, std::abs(delta_y) * kMmPerCm};
}

} // namespace tendo
