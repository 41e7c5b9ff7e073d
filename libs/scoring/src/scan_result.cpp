#include "tendo/scoring/scan_result.hpp"

#include "json_optional.hpp"

#include "tendo/version.hpp"

namespace tendo::scoring {

using detail::or_null;

namespace {

template <typename T> std::optional<T> optional_from(const nlohmann::json& object, const char* key) {
    if (!object.contains(key) || object.at(key).is_null())
        return std::nullopt;
    return object.at(key).get<T>();
}

} // namespace

std::string to_string(Status status) {
    switch (status) {
    case Status::ok:
        return "ok";
    case Status::warning:
        return "warning";
    case Status::error:
        return "error";
    }
    return "error";
}

nlohmann::json to_json(const ScanResult& result) {
    nlohmann::json profile = nlohmann::json::array();
    for (const auto& [arc_mm, thickness_mm] : result.thickness.profile_mm)
        profile.push_back({arc_mm, thickness_mm});
    nlohmann::json thickness = {{"max", or_null(result.thickness.max_mm)},
                                {"mean", or_null(result.thickness.mean_mm)},
                                {"at_reference", or_null(result.thickness.at_reference_mm)},
                                {"profile", profile}};
    if (result.thickness.cine_median_mm)
        thickness["cine_median"] = *result.thickness.cine_median_mm;
    nlohmann::json spacing = nullptr;
    if (result.spacing_mm)
        spacing = {result.spacing_mm->dx_mm, result.spacing_mm->dy_mm};
    const auto& echo = result.echogenicity;
    const auto& neo = result.neovascularity;
    return {
        {"file", result.file},
        {"sop_instance_uid", or_null(result.sop_instance_uid)},
        {"patient_id", or_null(result.patient_id)},
        {"study_date", or_null(result.study_date)},
        {"laterality", or_null(result.laterality)},
        {"view", to_string(result.view)},
        {"frames", result.frames},
        {"frame", result.frame},
        {"spacing_mm", spacing},
        {"calibrated", result.calibrated},
        {"status", to_string(result.status)},
        {"warnings", result.warnings},
        {"error", or_null(result.error)},
        {"thickness_mm", thickness},
        {"csa_mm2", or_null(result.csa_mm2)},
        {"tendon_area_mm2", or_null(result.tendon_area_mm2)},
        {"echogenicity",
         {{"mean", or_null(echo.mean)},
          {"sd", or_null(echo.sd)},
          {"normalized", or_null(echo.normalized)},
          {"hypoechoic_fraction", or_null(echo.hypoechoic_fraction)},
          {"coherence", or_null(echo.coherence)}}},
        {"neovascularity",
         {{"doppler", neo.doppler},
          {"vascular_fraction", or_null(neo.vascular_fraction)},
          {"vessel_count", or_null(neo.vessel_count)},
          {"vessels_in_tendon", or_null(neo.vessels_in_tendon)},
          {"ohberg_grade", or_null(neo.ohberg_grade)},
          {"frame", neo.frame}}},
        {"confidence", result.confidence},
        {"pipeline_version", result.pipeline_version},
    };
}

ScanResult result_from_json(const nlohmann::json& object) {
    ScanResult result;
    result.file = object.at("file").get<std::string>();
    result.sop_instance_uid = optional_from<std::string>(object, "sop_instance_uid");
    result.patient_id = optional_from<std::string>(object, "patient_id");
    result.study_date = optional_from<std::string>(object, "study_date");
    result.laterality = optional_from<std::string>(object, "laterality");
    result.view = view_from_string(object.at("view").get<std::string>());
    result.frames = object.at("frames").get<int>();
    result.frame = object.at("frame").get<int>();
    if (!object.at("spacing_mm").is_null())
        result.spacing_mm = Spacing{object.at("spacing_mm").at(0).get<double>(), object.at("spacing_mm").at(1).get<double>()};
    result.calibrated = object.at("calibrated").get<bool>();
    const std::string status = object.at("status").get<std::string>();
    result.status = status == "ok" ? Status::ok : status == "warning" ? Status::warning : Status::error;
    result.warnings = object.at("warnings").get<std::vector<std::string>>();
    result.error = optional_from<std::string>(object, "error");
    const auto& thickness = object.at("thickness_mm");
    result.thickness.max_mm = optional_from<double>(thickness, "max");
    result.thickness.mean_mm = optional_from<double>(thickness, "mean");
    result.thickness.at_reference_mm = optional_from<double>(thickness, "at_reference");
    result.thickness.cine_median_mm = optional_from<double>(thickness, "cine_median");
    for (const auto& pair : thickness.at("profile"))
        result.thickness.profile_mm.emplace_back(pair.at(0).get<double>(), pair.at(1).get<double>());
    result.csa_mm2 = optional_from<double>(object, "csa_mm2");
    result.tendon_area_mm2 = optional_from<double>(object, "tendon_area_mm2");
    const auto& echo = object.at("echogenicity");
    result.echogenicity.mean = optional_from<double>(echo, "mean");
    result.echogenicity.sd = optional_from<double>(echo, "sd");
    result.echogenicity.normalized = optional_from<double>(echo, "normalized");
    result.echogenicity.hypoechoic_fraction = optional_from<double>(echo, "hypoechoic_fraction");
    result.echogenicity.coherence = optional_from<double>(echo, "coherence");
    const auto& neo = object.at("neovascularity");
    result.neovascularity.doppler = neo.at("doppler").get<bool>();
    result.neovascularity.vascular_fraction = optional_from<double>(neo, "vascular_fraction");
    result.neovascularity.vessel_count = optional_from<int>(neo, "vessel_count");
    result.neovascularity.vessels_in_tendon = optional_from<int>(neo, "vessels_in_tendon");
    result.neovascularity.ohberg_grade = optional_from<int>(neo, "ohberg_grade");
    result.neovascularity.frame = neo.at("frame").get<int>();
    result.confidence = object.at("confidence").get<double>();
    result.pipeline_version = object.at("pipeline_version").get<std::string>();
    return result;
}

ScanResult error_result(const std::string& file, const std::string& reason) {
    ScanResult result;
    result.file = file;
    result.status = Status::error;
    result.error = reason;
    result.pipeline_version = kPipelineVersion;
    return result;
}

} // namespace tendo::scoring
