#pragma once

#include "tendo/imaging/spacing.hpp"
#include "tendo/imaging/view.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tendo::scoring {

/// Thickness of the tendon in mm (measurements.md, "Thickness"). Unknown values are nullopt.
struct Thickness {
    std::optional<double> max_mm;
    std::optional<double> mean_mm;
    std::optional<double> at_reference_mm;
    /// Median over cine frames of the per-frame max thickness, when the scan is a loop.
    std::optional<double> cine_median_mm;
    /// [arc length from the start of the centreline in mm, thickness in mm], every 0.2 mm.
    std::vector<std::pair<double, double>> profile_mm;
};

/// Echogenicity of the tendon (grey levels 0-255; ratios and fractions 0-1).
struct Echogenicity {
    std::optional<double> mean;
    std::optional<double> sd;
    std::optional<double> normalized;
    std::optional<double> hypoechoic_fraction;
    std::optional<double> coherence;
};

/// Doppler neovascularity (measurements.md, "Neovascularity").
struct Neovascularity {
    bool doppler = false;
    std::optional<double> vascular_fraction;
    std::optional<int> vessel_count;
    std::optional<int> vessels_in_tendon;
    std::optional<int> ohberg_grade;
    /// The analysed frame (0-based).
    int frame = 0;
};

enum class Status { ok, warning, error };
std::string to_string(Status status);

/// Everything tendo reports for one scan: the result object of interface.md.
struct ScanResult {
    std::string file;
    std::optional<std::string> sop_instance_uid;
    std::optional<std::string> patient_id;
    /// ISO YYYY-MM-DD.
    std::optional<std::string> study_date;
    /// "L" or "R".
    std::optional<std::string> laterality;
    View view = View::none;
    int frames = 0;
    int frame = 0;
    std::optional<Spacing> spacing_mm;
    bool calibrated = false;
    Status status = Status::error;
    std::vector<std::string> warnings;
    std::optional<std::string> error;

    Thickness thickness;
    std::optional<double> csa_mm2;
    std::optional<double> tendon_area_mm2;
    Echogenicity echogenicity;
    Neovascularity neovascularity;
    /// 0-1: how much the segmentation can be trusted.
    double confidence = 0.0;
    std::string pipeline_version;
};

/// The result object exactly as interface.md spells it (unknown values null).
nlohmann::json to_json(const ScanResult& result);

/// Reads a result object written by to_json (results.jsonl, the SQLite store). Throws
/// nlohmann::json::exception on a malformed object.
ScanResult result_from_json(const nlohmann::json& object);

/// A result for a file that could not be read: status error, the reason, every number null.
ScanResult error_result(const std::string& file, const std::string& reason);

} // namespace tendo::scoring
