#pragma once

#include "tendo/imaging/spacing.hpp"
#include "tendo/imaging/ultrasound_region.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

/// Synthetic proximal-hamstring ultrasound scans with known ground truth.
///
/// Anatomy is described in millimetres (skin, fat, gluteus maximus, common hamstring tendon,
/// ischial tuberosity, hamstring muscle, sciatic nerve), then imaged: random scatterers weighted
/// by tissue echogenicity and specular reflectors are convolved with a point-spread function in
/// beam space, attenuated, shadowed, depth-gain compensated, log-compressed and scan-converted
/// (linear or curvilinear fan). Colour/power Doppler, cine motion and burned-in overlays follow.
///
/// Coordinates: pixel (row, col) of the displayed frame; cv::Point and cv::Rect use x = col,
/// y = row. Lengths ending in `_mm` are millimetres.
namespace tendo::phantom {

/// What the scan shows. The two negatives contain no tendon (truth view "none").
enum class CaseView { longitudinal, transverse, negative_no_tendon, negative_fascia };
enum class ProbeGeometry { linear, curvilinear };
enum class DopplerMode { none, colour, power };
/// How the pixels are stored in the DICOM file.
enum class Encoding { rgb, mono2, jpeg_ybr422, rle, palette };
/// Which calibration the DICOM file carries: a Sequence of Ultrasound Regions, PixelSpacing only,
/// or nothing (uncalibrated).
enum class CalibrationKind { regions, pixel_spacing, none };

std::string to_string(CaseView value);
std::string to_string(ProbeGeometry value);
std::string to_string(DopplerMode value);
std::string to_string(Encoding value);
std::string to_string(CalibrationKind value);
/// Parse the names above; throw tendo::Error ("phantom: unknown <what> '<text>'") otherwise.
CaseView case_view_from_string(const std::string& text);
ProbeGeometry geometry_from_string(const std::string& text);
DopplerMode doppler_from_string(const std::string& text);
Encoding encoding_from_string(const std::string& text);
CalibrationKind calibration_from_string(const std::string& text);

/// Everything that defines one synthetic case. generate_case() is a pure function of the spec and
/// a seed. Values outside their documented range are clamped by normalized().
struct CaseSpec {
    CaseView view = CaseView::longitudinal;
    ProbeGeometry geometry = ProbeGeometry::linear;

    /// Antero-posterior tendon thickness by design, 3–12 mm (longitudinal band / transverse oval).
    double thickness_mm = 6.0;
    /// Inclination of the tendon to the skin line in degrees, −15…15 (longitudinal).
    double slope_deg = 0.0;
    /// Bend of the tendon's superficial border: depth change in mm per mm² of lateral offset from
    /// the image centre, −0.01…0.01 (longitudinal).
    double curvature_per_mm = 0.0;
    /// Fraction (0–0.6) of the tendon to be covered by hypoechoic foci (0 = healthy).
    double hypoechoic_fraction = 0.0;
    /// Number of calcific foci (0–4), bright with an acoustic shadow.
    int calcific_foci = 0;
    /// The ischial insertion is on the left side of the image (longitudinal).
    bool insertion_on_left = true;

    DopplerMode doppler = DopplerMode::none;
    /// Vessels with pixels in the tendon, within 2 mm around it, and farther away (in the Doppler box).
    int vessels_in = 0;
    int vessels_around = 0;
    int vessels_away = 0;
    /// Largest flow speed as a multiple of the Nyquist velocity (above 1 aliases).
    double flow_nyquist_ratio = 0.8;
    /// Add a colour flash artefact (motion) kept more than 2 mm away from the tendon.
    bool flash_artefact = false;

    /// Number of frames; more than 1 makes a cine loop with pulsatile flow and probe motion.
    int frames = 1;
    double frame_time_ms = 50.0;

    Encoding encoding = Encoding::rgb;
    CalibrationKind calibration = CalibrationKind::regions;
    /// Displayed pixel size {dx, dy} in mm (the true one, whatever the file declares).
    Spacing spacing_mm{0.08, 0.08};
    int rows = 600;
    int cols = 800;
    /// Overall gain in dB (−8…8) and log-compression dynamic range in dB (40…80).
    double gain_db = 0.0;
    double dynamic_range_db = 60.0;
    /// Centre frequency in MHz (5–15): sets the point-spread function and attenuation.
    double frequency_mhz = 10.0;

    std::string patient_id = "PHANTOM-0001";
    /// YYYYMMDD.
    std::string study_date = "20260101";
    /// "L", "R", or "" (not stated in the file).
    std::string laterality = "R";

    /// A copy with every value clamped to its range and combinations made consistent
    /// (MONOCHROME2 has no Doppler; negatives have no hypoechoic or calcific foci).
    CaseSpec normalized() const;
};

nlohmann::json to_json(const CaseSpec& spec);
/// Reads what to_json() writes; missing keys keep their defaults. Throws tendo::Error on bad values.
CaseSpec case_spec_from_json(const nlohmann::json& json);

/// A varied random case (all views, geometries, encodings, calibrations, Doppler modes).
CaseSpec random_case_spec(std::uint64_t seed);
/// `n` varied cases for `seed`: the first ones cover every view, encoding, calibration, geometry
/// and Doppler mode at least once (when n allows), the rest are random_case_spec().
std::vector<CaseSpec> case_set(std::uint64_t seed, int n);
/// Seed for case `index` of a set made with `seed` (what generate_case() should be given).
std::uint64_t case_seed(std::uint64_t seed, int index);

/// One generated case: pixels, truth masks and the truth numbers.
struct PhantomCase {
    CaseSpec spec;
    std::uint64_t seed = 0;
    /// Displayed frames: CV_8UC3 BGR, or CV_8UC1 for Encoding::mono2. For palette encoding the
    /// frames are already quantised to the palette (what a decoder returns); for JPEG they are the
    /// pixels before lossy compression.
    std::vector<cv::Mat> frames;
    /// 0-based frame the truth refers to (measurements.md, "Cine loops").
    int analysed_frame = 0;
    /// CV_8UC1, 255 = tendon on the analysed frame, inside the tissue area, excluding bone.
    /// All zero for negatives.
    cv::Mat tendon_mask;
    /// CV_8UC1 on the analysed frame: 0 = no colour; k = 1…255 = the k-th connected component
    /// (8-connectivity, ≥ 4 pixels) of colour pixels, numbered as truth["phantom"]["vessels"].
    cv::Mat vessel_labels;
    /// CV_8UC1, 255 = colour (Doppler) pixel on the analysed frame, including components < 4 px.
    cv::Mat colour_mask;
    /// CV_8UC1, 255 = burned-in graphics drawn inside the tissue area (Doppler box outline).
    cv::Mat overlay_mask;
    /// CV_8UC1, 255 = tissue (B-mode) area: the region rectangle, or the fan for curvilinear.
    cv::Mat tissue_mask;
    /// B-mode region bounds (inclusive corners as cv::Rect x, y, width, height).
    cv::Rect tissue_rect;
    /// Colour-flow box, when there is Doppler.
    std::optional<cv::Rect> doppler_box;
    /// The Sequence of Ultrasound Regions the file carries (empty unless CalibrationKind::regions).
    std::vector<UltrasoundRegion> regions;
    /// Ground truth: the result-object keys of interface.md plus "phantom" (generator details).
    nlohmann::json truth;
};

/// Generates the case. Deterministic: the same spec and seed give the same pixels and truth.
/// Throws tendo::Error if the spec cannot be imaged (e.g. rows/cols below 200).
PhantomCase generate_case(const CaseSpec& spec, std::uint64_t seed);

/// Writes `<stem>.dcm` (US Image Storage, or US Multi-frame Image Storage for cine),
/// `<stem>.truth.json`, `<stem>.mask.png` and `<stem>.vessels.png` into `dir` (created if needed).
/// Throws tendo::Error naming the file on failure.
void write_case(const PhantomCase& phantom_case, const std::filesystem::path& dir, const std::string& stem);

/// SOP Instance UID written for the case (deterministic, under the 2.25 root).
std::string sop_instance_uid(const PhantomCase& phantom_case);

/// Writes only the DICOM file (the encoding, calibration and identity of phantom_case.spec).
void write_dicom(const PhantomCase& phantom_case, const std::filesystem::path& path);

} // namespace tendo::phantom
