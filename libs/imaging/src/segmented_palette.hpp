#pragma once

#include <cstdint>
#include <vector>

class DcmItem;

namespace tendo::detail {

/// Expands one Segmented Palette Color Lookup Table (PS3.3 C.7.9.2: discrete, linear and indirect
/// segments) into `entries` plain LUT values. Throws std::invalid_argument on malformed data
/// (unknown opcode, overrun, recursion through indirect segments).
std::vector<std::uint16_t> expand_segmented_lut(const std::vector<std::uint16_t>& segmented, std::size_t entries);

/// DCMTK's image layer does not read segmented palettes; this replaces Segmented Red/Green/Blue
/// Palette Color LUT Data in `dataset` by the equivalent plain LUT Data. Returns false (dataset
/// untouched) when there is nothing to expand; throws std::invalid_argument when the data are bad.
bool expand_segmented_palettes(DcmItem& dataset);

} // namespace tendo::detail
