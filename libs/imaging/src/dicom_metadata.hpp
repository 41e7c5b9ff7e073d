#pragma once

#include "tendo/imaging/scan_info.hpp"

class DcmFileFormat;

namespace tendo::detail {

/// Fills every ScanInfo field that comes from attributes (identity, image description, timing,
/// regions with their defects, spacings, laterality). Does not check the pixel data and does not
/// resolve the calibration.
void read_metadata(DcmFileFormat& file, ScanInfo& info);

} // namespace tendo::detail
