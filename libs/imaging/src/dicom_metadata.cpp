#include "dicom_metadata.hpp"

#include "laterality.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cmath>
#include <numeric>
#include <sstream>

namespace tendo::detail {

namespace {

std::optional<std::string> text(DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    if (item.findAndGetOFStringArray(tag, value).bad())
        return std::nullopt;
    std::string result(value.c_str());
    const auto first = result.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return std::nullopt;
    const auto last = result.find_last_not_of(" \t\r\n");
    return result.substr(first, last - first + 1);
}

std::optional<long> integer(DcmItem& item, const DcmTagKey& tag) {
    // Handles US, SS, UL, SL and IS alike.
    Sint32 signed_value = 0;
    if (item.findAndGetSint32(tag, signed_value).good())
        return signed_value;
    Uint32 unsigned_value = 0;
    if (item.findAndGetUint32(tag, unsigned_value).good())
        return static_cast<long>(unsigned_value);
    Uint16 short_value = 0;
    if (item.findAndGetUint16(tag, short_value).good())
        return short_value;
    Sint16 signed_short = 0;
    if (item.findAndGetSint16(tag, signed_short).good())
        return signed_short;
    if (auto value = text(item, tag)) {
        try {
            return std::stol(*value);
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

std::optional<double> real(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0) {
    Float64 value = 0.0;
    if (item.findAndGetFloat64(tag, value, position).good() && std::isfinite(value))
        return value;
    return std::nullopt;
}

/// A [row spacing, column spacing] pair as stored in PixelSpacing-like attributes, as {dx, dy}.
std::optional<Spacing> row_col_spacing(DcmItem& item, const DcmTagKey& tag) {
    auto row_mm = real(item, tag, 0);
    auto col_mm = real(item, tag, 1);
    if (!row_mm || !col_mm || *row_mm <= 0.0 || *col_mm <= 0.0)
        return std::nullopt;
    return Spacing{*col_mm, *row_mm};
}

// Bounds past the image edge are tolerated: scanners write x1 = columns, and rescaled exports keep
// the original bounds while the deltas stay right. Users of a region clip it to the image.
std::string describe_defect(const UltrasoundRegion& region) {
    std::ostringstream out;
    if (region.x1 < region.x0 || region.y1 < region.y0)
        out << "bounds inverted (x0 " << region.x0 << ", x1 " << region.x1 << ", y0 " << region.y0 << ", y1 "
            << region.y1 << ")";
    else if (region.x0 < 0 || region.y0 < 0)
        out << "negative bounds (x0 " << region.x0 << ", y0 " << region.y0 << ")";
    else if (region.is_2d() && (region.units_x == UltrasoundRegion::kUnitsCm ||
                                region.units_y == UltrasoundRegion::kUnitsCm) &&
             (region.delta_x == 0.0 || region.delta_y == 0.0 || !std::isfinite(region.delta_x) ||
              !std::isfinite(region.delta_y)))
        out << "zero or invalid physical delta (" << region.delta_x << ", " << region.delta_y << ")";
    return out.str();
}

std::vector<UltrasoundRegion> read_regions(DcmItem& dataset) {
    std::vector<UltrasoundRegion> regions;
    DcmSequenceOfItems* sequence = nullptr;
    if (dataset.findAndGetSequence(DCM_SequenceOfUltrasoundRegions, sequence).bad() || !sequence)
        return regions;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
        DcmItem* item = sequence->getItem(i);
        if (!item)
            continue;
        UltrasoundRegion region;
        region.spatial_format = static_cast<int>(integer(*item, DCM_RegionSpatialFormat).value_or(0));
        region.data_type = static_cast<int>(integer(*item, DCM_RegionDataType).value_or(0));
        region.flags = static_cast<std::uint32_t>(integer(*item, DCM_RegionFlags).value_or(0));
        auto x0 = integer(*item, DCM_RegionLocationMinX0);
        auto y0 = integer(*item, DCM_RegionLocationMinY0);
        auto x1 = integer(*item, DCM_RegionLocationMaxX1);
        auto y1 = integer(*item, DCM_RegionLocationMaxY1);
        region.x0 = static_cast<int>(x0.value_or(0));
        region.y0 = static_cast<int>(y0.value_or(0));
        region.x1 = static_cast<int>(x1.value_or(0));
        region.y1 = static_cast<int>(y1.value_or(0));
        region.units_x = static_cast<int>(integer(*item, DCM_PhysicalUnitsXDirection).value_or(0));
        region.units_y = static_cast<int>(integer(*item, DCM_PhysicalUnitsYDirection).value_or(0));
        auto delta_x = real(*item, DCM_PhysicalDeltaX);
        auto delta_y = real(*item, DCM_PhysicalDeltaY);
        region.delta_x = delta_x.value_or(0.0);
        region.delta_y = delta_y.value_or(0.0);
        if (!x0 || !y0 || !x1 || !y1)
            region.defect = "region location missing";
        else
            region.defect = describe_defect(region);
        regions.push_back(region);
    }
    return regions;
}

void read_timing(DcmItem& dataset, ScanInfo& info) {
    if (auto frame_time = real(dataset, DCM_FrameTime); frame_time && *frame_time > 0.0) {
        info.frame_time_ms = frame_time;
        return;
    }
    if (auto frame_time = text(dataset, DCM_FrameTime)) {
        try {
            double value = std::stod(*frame_time);
            if (value > 0.0 && std::isfinite(value)) {
                info.frame_time_ms = value;
                return;
            }
        } catch (const std::exception&) {
        }
    }
    // FrameTimeVector: the first entry is 0, the others are increments from the previous frame.
    std::vector<double> increments;
    for (unsigned long i = 0;; ++i) {
        auto value = real(dataset, DCM_FrameTimeVector, i);
        if (!value)
            break;
        increments.push_back(*value);
    }
    if (increments.size() >= 2) {
        double offset = 0.0;
        for (std::size_t i = 0; i < increments.size(); ++i) {
            if (i > 0)
                offset += increments[i];
            info.frame_offsets_ms.push_back(offset);
        }
        const double sum = std::accumulate(increments.begin() + 1, increments.end(), 0.0);
        if (sum > 0.0) {
            info.frame_time_ms = sum / static_cast<double>(increments.size() - 1);
            return;
        }
    }
    if (auto cine_rate = integer(dataset, DCM_CineRate); cine_rate && *cine_rate > 0)
        info.frame_time_ms = 1000.0 / static_cast<double>(*cine_rate);
}

std::optional<std::string> read_laterality(DcmItem& dataset) {
    for (const auto& tag : {DCM_ImageLaterality, DCM_Laterality})
        if (auto code = text(dataset, tag))
            if (auto side = laterality_from_code(*code))
                return side;
    std::optional<std::string> side;
    for (const auto& tag : {DCM_BodyPartExamined, DCM_SeriesDescription}) {
        auto value = text(dataset, tag);
        if (!value)
            continue;
        auto found = laterality_from_text(*value);
        if (!found)
            continue;
        if (side && *side != *found)
            return std::nullopt; // the texts disagree: not unambiguous
        side = found;
    }
    return side;
}

} // namespace

void read_metadata(DcmFileFormat& file, ScanInfo& info) {
    DcmItem& dataset = *file.getDataset();
    DcmItem& meta = *file.getMetaInfo();

    info.sop_class_uid = text(dataset, DCM_SOPClassUID).value_or(text(meta, DCM_MediaStorageSOPClassUID).value_or(""));
    info.sop_instance_uid =
        text(dataset, DCM_SOPInstanceUID).value_or(text(meta, DCM_MediaStorageSOPInstanceUID).value_or(""));
    info.photometric = text(dataset, DCM_PhotometricInterpretation).value_or("");
    info.rows = static_cast<int>(integer(dataset, DCM_Rows).value_or(0));
    info.cols = static_cast<int>(integer(dataset, DCM_Columns).value_or(0));
    info.frames = static_cast<int>(integer(dataset, DCM_NumberOfFrames).value_or(1));
    info.samples_per_pixel = static_cast<int>(integer(dataset, DCM_SamplesPerPixel).value_or(1));
    info.bits_allocated = static_cast<int>(integer(dataset, DCM_BitsAllocated).value_or(0));
    info.bits_stored = static_cast<int>(integer(dataset, DCM_BitsStored).value_or(info.bits_allocated));
    if (auto planar = integer(dataset, DCM_PlanarConfiguration))
        info.planar_configuration = static_cast<int>(*planar);

    read_timing(dataset, info);
    info.regions = read_regions(dataset);
    info.pixel_spacing_mm = row_col_spacing(dataset, DCM_PixelSpacing);
    info.imager_pixel_spacing_mm = row_col_spacing(dataset, DCM_ImagerPixelSpacing);

    info.patient_id = text(dataset, DCM_PatientID);
    info.study_date = text(dataset, DCM_StudyDate);
    info.laterality = read_laterality(dataset);
    info.manufacturer = text(dataset, DCM_Manufacturer);
    info.model = text(dataset, DCM_ManufacturerModelName);
    info.modality = text(dataset, DCM_Modality);
}

} // namespace tendo::detail
