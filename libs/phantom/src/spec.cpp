#include "tendo/phantom/phantom.hpp"

#include "rng.hpp"
#include "tendo/imaging/error.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tendo::phantom {

namespace {

template <typename E, std::size_t N>
E parse_enum(const std::string& text, const std::array<const char*, N>& names, const char* what) {
    for (std::size_t i = 0; i < N; ++i)
        if (text == names[i])
            return static_cast<E>(i);
    throw Error(std::string("phantom: unknown ") + what + " '" + text + "'");
}

constexpr std::array<const char*, 4> kViews{"longitudinal", "transverse", "negative_no_tendon", "negative_fascia"};
constexpr std::array<const char*, 2> kGeometries{"linear", "curvilinear"};
constexpr std::array<const char*, 3> kDoppler{"none", "colour", "power"};
constexpr std::array<const char*, 5> kEncodings{"rgb", "mono2", "jpeg_ybr422", "rle", "palette"};
constexpr std::array<const char*, 3> kCalibrations{"regions", "pixel_spacing", "none"};

bool valid_date(const std::string& date) {
    if (date.size() != 8 || !std::all_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const int month = std::stoi(date.substr(4, 2));
    const int day = std::stoi(date.substr(6, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

} // namespace

std::string to_string(CaseView value) { return kViews[static_cast<std::size_t>(value)]; }
std::string to_string(ProbeGeometry value) { return kGeometries[static_cast<std::size_t>(value)]; }
std::string to_string(DopplerMode value) { return kDoppler[static_cast<std::size_t>(value)]; }
std::string to_string(Encoding value) { return kEncodings[static_cast<std::size_t>(value)]; }
std::string to_string(CalibrationKind value) { return kCalibrations[static_cast<std::size_t>(value)]; }

CaseView case_view_from_string(const std::string& text) { return parse_enum<CaseView>(text, kViews, "view"); }
ProbeGeometry geometry_from_string(const std::string& text) {
    return parse_enum<ProbeGeometry>(text, kGeometries, "geometry");
}
DopplerMode doppler_from_string(const std::string& text) {
    if (text == "color")
        return DopplerMode::colour;
    return parse_enum<DopplerMode>(text, kDoppler, "doppler mode");
}
Encoding encoding_from_string(const std::string& text) { return parse_enum<Encoding>(text, kEncodings, "encoding"); }
CalibrationKind calibration_from_string(const std::string& text) {
    return parse_enum<CalibrationKind>(text, kCalibrations, "calibration");
}

CaseSpec CaseSpec::normalized() const {
    CaseSpec s = *this;
    s.thickness_mm = std::clamp(s.thickness_mm, 3.0, 12.0);
    s.slope_deg = std::clamp(s.slope_deg, -15.0, 15.0);
    s.curvature_per_mm = std::clamp(s.curvature_per_mm, -0.01, 0.01);
    s.hypoechoic_fraction = std::clamp(s.hypoechoic_fraction, 0.0, 0.6);
    s.calcific_foci = std::clamp(s.calcific_foci, 0, 4);
    s.vessels_in = std::clamp(s.vessels_in, 0, 10);
    s.vessels_around = std::clamp(s.vessels_around, 0, 6);
    s.vessels_away = std::clamp(s.vessels_away, 0, 6);
    s.flow_nyquist_ratio = std::clamp(s.flow_nyquist_ratio, 0.3, 2.5);
    s.frames = std::clamp(s.frames, 1, 120);
    s.frame_time_ms = std::clamp(s.frame_time_ms, 10.0, 200.0);
    s.rows = std::clamp(s.rows, 300, 1200);
    s.cols = std::clamp(s.cols, 400, 1600);
    s.spacing_mm.dx_mm = std::clamp(s.spacing_mm.dx_mm, 0.03, 0.3);
    s.spacing_mm.dy_mm = std::clamp(s.spacing_mm.dy_mm, 0.03, 0.3);
    s.gain_db = std::clamp(s.gain_db, -8.0, 8.0);
    s.dynamic_range_db = std::clamp(s.dynamic_range_db, 40.0, 80.0);
    s.frequency_mhz = std::clamp(s.frequency_mhz, 5.0, 15.0);
    if (s.laterality != "L" && s.laterality != "R")
        s.laterality.clear();
    if (!valid_date(s.study_date))
        s.study_date = "20260101";
    if (s.patient_id.empty())
        s.patient_id = "PHANTOM-0001";
    if (s.encoding == Encoding::mono2)
        s.doppler = DopplerMode::none;
    if (s.doppler == DopplerMode::none) {
        s.vessels_in = s.vessels_around = s.vessels_away = 0;
        s.flash_artefact = false;
    }
    const bool negative = s.view == CaseView::negative_no_tendon || s.view == CaseView::negative_fascia;
    if (negative) {
        s.hypoechoic_fraction = 0.0;
        s.calcific_foci = 0;
        s.vessels_in = 0;
        s.vessels_around = 0;
    }
    return s;
}

nlohmann::json to_json(const CaseSpec& s) {
    return {{"view", to_string(s.view)},
            {"geometry", to_string(s.geometry)},
            {"thickness_mm", s.thickness_mm},
            {"slope_deg", s.slope_deg},
            {"curvature_per_mm", s.curvature_per_mm},
            {"hypoechoic_fraction", s.hypoechoic_fraction},
            {"calcific_foci", s.calcific_foci},
            {"insertion_on_left", s.insertion_on_left},
            {"doppler", to_string(s.doppler)},
            {"vessels_in", s.vessels_in},
            {"vessels_around", s.vessels_around},
            {"vessels_away", s.vessels_away},
            {"flow_nyquist_ratio", s.flow_nyquist_ratio},
            {"flash_artefact", s.flash_artefact},
            {"frames", s.frames},
            {"frame_time_ms", s.frame_time_ms},
            {"encoding", to_string(s.encoding)},
            {"calibration", to_string(s.calibration)},
            {"spacing_mm", {s.spacing_mm.dx_mm, s.spacing_mm.dy_mm}},
            {"rows", s.rows},
            {"cols", s.cols},
            {"gain_db", s.gain_db},
            {"dynamic_range_db", s.dynamic_range_db},
            {"frequency_mhz", s.frequency_mhz},
            {"patient_id", s.patient_id},
            {"study_date", s.study_date},
            {"laterality", s.laterality}};
}

CaseSpec case_spec_from_json(const nlohmann::json& j) {
    CaseSpec s;
    try {
        auto get = [&](const char* key, auto& target) {
            if (j.contains(key) && !j.at(key).is_null())
                j.at(key).get_to(target);
        };
        std::string text;
        if (j.contains("view"))
            s.view = case_view_from_string(j.at("view").get<std::string>());
        if (j.contains("geometry"))
            s.geometry = geometry_from_string(j.at("geometry").get<std::string>());
        if (j.contains("doppler"))
            s.doppler = doppler_from_string(j.at("doppler").get<std::string>());
        if (j.contains("encoding"))
            s.encoding = encoding_from_string(j.at("encoding").get<std::string>());
        if (j.contains("calibration"))
            s.calibration = calibration_from_string(j.at("calibration").get<std::string>());
        get("thickness_mm", s.thickness_mm);
        get("slope_deg", s.slope_deg);
        get("curvature_per_mm", s.curvature_per_mm);
        get("hypoechoic_fraction", s.hypoechoic_fraction);
        get("calcific_foci", s.calcific_foci);
        get("insertion_on_left", s.insertion_on_left);
        get("vessels_in", s.vessels_in);
        get("vessels_around", s.vessels_around);
        get("vessels_away", s.vessels_away);
        get("flow_nyquist_ratio", s.flow_nyquist_ratio);
        get("flash_artefact", s.flash_artefact);
        get("frames", s.frames);
        get("frame_time_ms", s.frame_time_ms);
        if (j.contains("spacing_mm") && j.at("spacing_mm").is_array() && j.at("spacing_mm").size() == 2)
            s.spacing_mm = {j.at("spacing_mm")[0].get<double>(), j.at("spacing_mm")[1].get<double>()};
        get("rows", s.rows);
        get("cols", s.cols);
        get("gain_db", s.gain_db);
        get("dynamic_range_db", s.dynamic_range_db);
        get("frequency_mhz", s.frequency_mhz);
        get("patient_id", s.patient_id);
        get("study_date", s.study_date);
        get("laterality", s.laterality);
    } catch (const nlohmann::json::exception& error) {
        throw Error(std::string("phantom: bad case spec: ") + error.what());
    }
    return s;
}

std::uint64_t case_seed(std::uint64_t seed, int index) {
    return detail::mix_seed(seed, static_cast<std::uint64_t>(index) + 1);
}

CaseSpec random_case_spec(std::uint64_t seed) {
    detail::Rng rng(detail::mix_seed(seed, 0x5EC));
    CaseSpec s;
    const double v = rng.uniform();
    s.view = v < 0.5    ? CaseView::longitudinal
             : v < 0.8  ? CaseView::transverse
             : v < 0.9  ? CaseView::negative_no_tendon
                        : CaseView::negative_fascia;
    s.geometry = rng.chance(0.75) ? ProbeGeometry::linear : ProbeGeometry::curvilinear;
    s.thickness_mm = rng.uniform(3.0, 12.0);
    s.slope_deg = rng.uniform(-12.0, 12.0);
    s.curvature_per_mm = rng.uniform(-0.006, 0.006);
    s.hypoechoic_fraction = rng.chance(0.5) ? 0.0 : rng.uniform(0.05, 0.45);
    s.calcific_foci = rng.chance(0.8) ? 0 : rng.integer(1, 3);
    s.insertion_on_left = rng.chance(0.5);
    const double d = rng.uniform();
    s.doppler = d < 0.45 ? DopplerMode::none : d < 0.8 ? DopplerMode::colour : DopplerMode::power;
    s.vessels_in = rng.integer(0, 8);
    s.vessels_around = rng.integer(0, 3);
    s.vessels_away = rng.integer(0, 2);
    s.flow_nyquist_ratio = rng.uniform(0.5, 1.8);
    s.flash_artefact = rng.chance(0.2);
    s.frames = rng.chance(0.85) ? 1 : rng.integer(4, 12);
    s.frame_time_ms = rng.uniform(30.0, 70.0);
    const double e = rng.uniform();
    s.encoding = e < 0.3    ? Encoding::rgb
                 : e < 0.45 ? Encoding::mono2
                 : e < 0.7  ? Encoding::jpeg_ybr422
                 : e < 0.85 ? Encoding::rle
                            : Encoding::palette;
    const double c = rng.uniform();
    s.calibration = c < 0.7 ? CalibrationKind::regions : c < 0.88 ? CalibrationKind::pixel_spacing : CalibrationKind::none;
    s.frequency_mhz = s.geometry == ProbeGeometry::linear ? rng.uniform(8.0, 14.0) : rng.uniform(5.0, 8.0);
    const double base = s.geometry == ProbeGeometry::linear ? rng.uniform(0.06, 0.1) : rng.uniform(0.1, 0.14);
    s.spacing_mm = {base, rng.chance(0.8) ? base : base * rng.uniform(0.9, 1.1)};
    s.gain_db = rng.uniform(-6.0, 6.0);
    s.dynamic_range_db = rng.uniform(45.0, 75.0);
    char id[48];
    std::snprintf(id, sizeof id, "PHANTOM-%04d", static_cast<int>(seed % 10000));
    s.patient_id = id;
    char date[40];
    std::snprintf(date, sizeof date, "2026%02d%02d", rng.integer(1, 12), rng.integer(1, 28));
    s.study_date = date;
    const double l = rng.uniform();
    s.laterality = l < 0.45 ? "L" : l < 0.9 ? "R" : "";
    return s.normalized();
}

std::vector<CaseSpec> case_set(std::uint64_t seed, int n) {
    std::vector<CaseSpec> set;
    for (int i = 0; i < n; ++i) {
        CaseSpec s = random_case_spec(case_seed(seed, i));
        // Rotate through every category first so small sets still cover them all.
        s.view = static_cast<CaseView>(i % 4 == 3 && i % 8 == 7 ? 3 : i % 4 == 3 ? 2 : i % 2);
        if (i < 10) {
            s.encoding = static_cast<Encoding>(i % 5);
            s.calibration = static_cast<CalibrationKind>(i % 3);
            s.geometry = static_cast<ProbeGeometry>((i / 2) % 2);
            s.doppler = static_cast<DopplerMode>(i % 3);
            if (s.encoding == Encoding::mono2)
                s.doppler = DopplerMode::none;
            if (s.doppler != DopplerMode::none && s.vessels_in + s.vessels_around == 0)
                s.vessels_in = 2;
            s.frames = i == 4 ? 6 : 1;
        }
        set.push_back(s.normalized());
    }
    return set;
}

} // namespace tendo::phantom
