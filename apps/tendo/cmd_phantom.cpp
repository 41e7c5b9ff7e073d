#include "cmd_phantom.hpp"

#include "cli_options.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/phantom/phantom.hpp"

#include <cstdio>
#include <iostream>

namespace tendo::cli {

CLI::App* add_phantom_command(CLI::App& app, PhantomOptions& o) {
    auto* c = app.add_subcommand("phantom", "synthetic proximal-hamstring scans (DICOM) with ground truth");
    c->add_option("--out", o.out, "output directory")->required();
    c->add_option("--seed", o.seed, "random seed (same seed, same files)");
    c->add_option("--n", o.n, "number of cases")->check(CLI::Range(1, 100000));
    c->add_option("--stem", o.stem, "file name stem (default phantom_<seed>_<index>); with --n > 1 an index is appended");
    c->add_option("--view", o.view, "longitudinal|transverse|negative_no_tendon|negative_fascia");
    c->add_option("--geometry", o.geometry, "linear|curvilinear");
    c->add_option("--doppler", o.doppler, "none|colour|power");
    c->add_option("--encoding", o.encoding, "rgb|mono2|jpeg_ybr422|rle|palette");
    c->add_option("--calibration", o.calibration, "regions|pixel_spacing|none");
    c->add_option("--thickness-mm", o.thickness_mm, "tendon thickness by design, 3-12 mm");
    c->add_option("--slope-deg", o.slope_deg, "tendon slope, -15..15 degrees");
    c->add_option("--curvature", o.curvature_per_mm, "tendon curvature, -0.01..0.01 per mm");
    c->add_option("--hypoechoic-fraction", o.hypoechoic_fraction, "fraction of the tendon in hypoechoic foci, 0-0.6");
    c->add_option("--calcific-foci", o.calcific_foci, "number of calcific foci, 0-4");
    c->add_option("--insertion", o.insertion, "side of the bony insertion: left|right");
    c->add_option("--vessels-in", o.vessels_in, "vessels in the tendon");
    c->add_option("--vessels-around", o.vessels_around, "vessels within 2 mm of the tendon");
    c->add_option("--vessels-away", o.vessels_away, "vessels farther away");
    c->add_option("--flow", o.flow_nyquist_ratio, "peak flow speed / Nyquist velocity (above 1 aliases)");
    c->add_option("--flash", o.flash, "add a colour flash artefact away from the tendon (true|false)");
    c->add_option("--frames", o.frames, "frames (more than 1: cine loop)");
    c->add_option("--frame-time-ms", o.frame_time_ms, "time between cine frames in ms");
    c->add_option("--spacing-mm", o.spacing, "true pixel spacing DX,DY in mm");
    c->add_option("--rows", o.rows, "image rows");
    c->add_option("--cols", o.cols, "image columns");
    c->add_option("--gain-db", o.gain_db, "gain, -8..8 dB");
    c->add_option("--dynamic-range-db", o.dynamic_range_db, "log-compression dynamic range, 40..80 dB");
    c->add_option("--frequency-mhz", o.frequency_mhz, "centre frequency, 5..15 MHz");
    c->add_option("--patient-id", o.patient_id, "PatientID");
    c->add_option("--study-date", o.study_date, "StudyDate YYYYMMDD");
    c->add_option("--laterality", o.laterality, "L|R|none");
    return c;
}

namespace {

phantom::CaseSpec apply(phantom::CaseSpec s, const PhantomOptions& o) {
    using namespace phantom;
    if (o.view)
        s.view = case_view_from_string(*o.view);
    if (o.geometry)
        s.geometry = geometry_from_string(*o.geometry);
    if (o.doppler)
        s.doppler = doppler_from_string(*o.doppler);
    if (o.encoding)
        s.encoding = encoding_from_string(*o.encoding);
    if (o.calibration)
        s.calibration = calibration_from_string(*o.calibration);
    if (o.thickness_mm)
        s.thickness_mm = *o.thickness_mm;
    if (o.slope_deg)
        s.slope_deg = *o.slope_deg;
    if (o.curvature_per_mm)
        s.curvature_per_mm = *o.curvature_per_mm;
    if (o.hypoechoic_fraction)
        s.hypoechoic_fraction = *o.hypoechoic_fraction;
    if (o.calcific_foci)
        s.calcific_foci = *o.calcific_foci;
    if (o.insertion) {
        if (*o.insertion != "left" && *o.insertion != "right")
            throw CLI::ValidationError("--insertion", "must be left or right");
        s.insertion_on_left = *o.insertion == "left";
    }
    if (o.vessels_in)
        s.vessels_in = *o.vessels_in;
    if (o.vessels_around)
        s.vessels_around = *o.vessels_around;
    if (o.vessels_away)
        s.vessels_away = *o.vessels_away;
    if (o.flow_nyquist_ratio)
        s.flow_nyquist_ratio = *o.flow_nyquist_ratio;
    if (o.flash)
        s.flash_artefact = *o.flash;
    if (o.frames)
        s.frames = *o.frames;
    if (o.frame_time_ms)
        s.frame_time_ms = *o.frame_time_ms;
    if (o.spacing)
        s.spacing_mm = parse_spacing(*o.spacing);
    if (o.rows)
        s.rows = *o.rows;
    if (o.cols)
        s.cols = *o.cols;
    if (o.gain_db)
        s.gain_db = *o.gain_db;
    if (o.dynamic_range_db)
        s.dynamic_range_db = *o.dynamic_range_db;
    if (o.frequency_mhz)
        s.frequency_mhz = *o.frequency_mhz;
    if (o.patient_id)
        s.patient_id = *o.patient_id;
    if (o.study_date)
        s.study_date = *o.study_date;
    if (o.laterality)
        s.laterality = *o.laterality == "none" ? "" : *o.laterality;
    return s;
}

} // namespace

int run_phantom(const PhantomOptions& o, Reporter& reporter) {
    std::vector<phantom::CaseSpec> specs;
    std::vector<std::uint64_t> seeds;
    try {
        if (o.n == 1) {
            specs.push_back(apply(phantom::random_case_spec(o.seed), o));
            seeds.push_back(o.seed);
        } else {
            specs = phantom::case_set(o.seed, o.n);
            for (int i = 0; i < o.n; ++i) {
                specs[static_cast<std::size_t>(i)] = apply(specs[static_cast<std::size_t>(i)], o);
                seeds.push_back(phantom::case_seed(o.seed, i));
            }
        }
    } catch (const CLI::ValidationError& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    } catch (const Error& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    }
    int failed = 0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (reporter.cancelled())
            break;
        char index[32];
        std::snprintf(index, sizeof index, "%04zu", i);
        std::string stem = o.stem.empty() ? "phantom_" + std::to_string(o.seed) + "_" + index : o.stem;
        if (!o.stem.empty() && specs.size() > 1)
            stem += std::string("_") + index;
        try {
            const auto pc = phantom::generate_case(specs[i], seeds[i]);
            phantom::write_case(pc, o.out, stem);
        } catch (const Error& error) {
            std::cerr << "error: " << error.what() << '\n';
            ++failed;
        }
        reporter.progress(i + 1, specs.size());
    }
    if (failed == static_cast<int>(specs.size()))
        return kUsage;
    return failed ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
