#pragma once

#include <cmath>

namespace tendo {

/// Physical size of one displayed pixel in millimetres: dx along a row (column step), dy down a
/// column (row step). The two may differ; every length must use both.
struct Spacing {
    double dx_mm = 0.0;
    double dy_mm = 0.0;

    /// Length in mm of a displacement of `d_col` columns and `d_row` rows.
    double length_mm(double d_col, double d_row) const { return std::hypot(d_col * dx_mm, d_row * dy_mm); }

    /// Area in mm² of one pixel.
    double pixel_area_mm2() const { return dx_mm * dy_mm; }

    bool operator==(const Spacing&) const = default;
};

} // namespace tendo
