#pragma once

#include "tendo/imaging/calibration.hpp"
#include "tendo/imaging/ultrasound_region.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tendo {

/// What kind of container a scan came from.
enum class ScanFormat { dicom, plain_image };

/// Everything known about a scan without decoding its pixels. Text values are as stored in the
/// file (trimmed); absent or empty attributes are nullopt.
struct ScanInfo {
    std::filesystem::path file;
    ScanFormat format = ScanFormat::dicom;

    std::string sop_class_uid;
    std::string sop_instance_uid;
    std::string transfer_syntax_uid;
    /// PhotometricInterpretation as stored (before any conversion the decoder does).
    std::string photometric;
    int rows = 0;
    int cols = 0;
    int frames = 1;
    int samples_per_pixel = 1;
    int bits_allocated = 8;
    int bits_stored = 8;
    std::optional<int> planar_configuration;

    /// Nominal time between frames in ms (FrameTime, else the mean of FrameTimeVector, else
    /// 1000 / CineRate); nullopt for stills and loops that do not say.
    std::optional<double> frame_time_ms;
    /// Per-frame start times in ms from the first frame, when FrameTimeVector gives them.
    std::vector<double> frame_offsets_ms;

    std::vector<UltrasoundRegion> regions;
    std::optional<Spacing> pixel_spacing_mm;
    std::optional<Spacing> imager_pixel_spacing_mm;
    Calibration calibration;

    std::optional<std::string> patient_id;
    /// StudyDate as stored (normally YYYYMMDD; old files may use YYYY.MM.DD).
    std::optional<std::string> study_date;
    /// "L" or "R" when the file says so unambiguously.
    std::optional<std::string> laterality;
    std::optional<std::string> manufacturer;
    std::optional<std::string> model;
    std::optional<std::string> modality;

    /// Load-time warnings (invalid regions, tolerated quirks), each naming the file.
    std::vector<std::string> warnings;

    /// StudyDate as ISO YYYY-MM-DD, or nullopt if absent or not a date.
    std::optional<std::string> study_date_iso() const;
    /// Regions of colour-flow Doppler (2D, data type 2).
    std::vector<UltrasoundRegion> doppler_regions() const;
};

} // namespace tendo
