#include "tendo/scoring/info_json.hpp"

#include "json_optional.hpp"

namespace tendo::scoring {

using detail::or_null;

namespace {

nlohmann::json region_to_json(const UltrasoundRegion& region) {
    return {{"spatial_format", region.spatial_format},
            {"data_type", region.data_type},
            {"x0", region.x0},
            {"y0", region.y0},
            {"x1", region.x1},
            {"y1", region.y1},
            {"units_x", region.units_x},
            {"units_y", region.units_y},
            {"delta_x", region.delta_x},
            {"delta_y", region.delta_y},
            {"valid", region.valid()}};
}

} // namespace

nlohmann::json info_to_json(const ScanInfo& info) {
    nlohmann::json regions = nlohmann::json::array();
    for (const auto& region : info.regions)
        regions.push_back(region_to_json(region));
    nlohmann::json spacing = nullptr;
    if (info.calibration.spacing_mm)
        spacing = {info.calibration.spacing_mm->dx_mm, info.calibration.spacing_mm->dy_mm};
    return {{"file", info.file.string()},
            {"ok", true},
            {"error", nullptr},
            {"format", info.format == ScanFormat::dicom ? "dicom" : "image"},
            {"sop_class_uid", info.sop_class_uid.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.sop_class_uid)},
            {"sop_instance_uid",
             info.sop_instance_uid.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.sop_instance_uid)},
            {"transfer_syntax_uid",
             info.transfer_syntax_uid.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.transfer_syntax_uid)},
            {"photometric", info.photometric},
            {"rows", info.rows},
            {"cols", info.cols},
            {"frames", info.frames},
            {"samples_per_pixel", info.samples_per_pixel},
            {"bits_allocated", info.bits_allocated},
            {"frame_time_ms", or_null(info.frame_time_ms)},
            {"spacing_mm", spacing},
            {"spacing_source", std::string(to_string(info.calibration.source))},
            {"regions", regions},
            {"patient_id", or_null(info.patient_id)},
            {"study_date", or_null(info.study_date)},
            {"laterality", or_null(info.laterality)},
            {"manufacturer", or_null(info.manufacturer)},
            {"model", or_null(info.model)},
            {"modality", or_null(info.modality)},
            {"warnings", info.warnings}};
}

nlohmann::json info_error_to_json(const std::filesystem::path& file, const std::string& reason) {
    return {{"file", file.string()}, {"ok", false}, {"error", reason}};
}

} // namespace tendo::scoring
