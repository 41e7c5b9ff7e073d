#pragma once

#include "tendo/imaging/reporter.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tendo::cli {

/// `tendo phantom --out DIR [--seed S] [--n N]`: synthetic scans with ground truth. Every other
/// option overrides the matching field of the generated case specs (tendo/phantom/phantom.hpp).
struct PhantomOptions {
    std::filesystem::path out;
    std::uint64_t seed = 1;
    int n = 1;
    std::string stem;
    std::optional<std::string> view, geometry, doppler, encoding, calibration;
    std::optional<double> thickness_mm, slope_deg, curvature_per_mm, hypoechoic_fraction, flow_nyquist_ratio;
    std::optional<double> gain_db, dynamic_range_db, frequency_mhz, frame_time_ms;
    std::optional<int> calcific_foci, vessels_in, vessels_around, vessels_away, frames, rows, cols;
    std::optional<std::string> insertion, spacing, patient_id, study_date, laterality;
    std::optional<bool> flash;
};

CLI::App* add_phantom_command(CLI::App& app, PhantomOptions& options);
int run_phantom(const PhantomOptions& options, Reporter& reporter);

} // namespace tendo::cli
