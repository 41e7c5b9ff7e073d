#include "cmd_analyze.hpp"

#include "cli_options.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/analysis.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>

namespace tendo::cli {

namespace {

cv::Rect parse_roi(const std::string& text) {
    std::stringstream in(text);
    int v[4];
    char comma = 0;
    if (!(in >> v[0] >> comma) || comma != ',' || !(in >> v[1] >> comma) || comma != ',' || !(in >> v[2] >> comma) ||
        comma != ',' || !(in >> v[3]) || !in.eof() || v[2] <= 0 || v[3] <= 0 || v[0] < 0 || v[1] < 0)
        throw CLI::ValidationError("--roi", "expected X,Y,W,H in pixels with W, H > 0");
    return {v[0], v[1], v[2], v[3]};
}

std::string number(const std::optional<double>& v, const char* unit) {
    if (!v)
        return "-";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.2f%s", *v, unit);
    return buffer;
}

void print_summary(const scoring::ScanResult& r) {
    std::cout << r.file << ": " << scoring::to_string(r.status) << ", view " << to_string(r.view) << ", confidence "
              << number(r.confidence, "") << '\n';
    if (r.error)
        std::cout << "  error: " << *r.error << '\n';
    std::cout << "  thickness max " << number(r.thickness.max_mm, " mm") << ", mean " << number(r.thickness.mean_mm, " mm")
              << ", at reference " << number(r.thickness.at_reference_mm, " mm") << '\n';
    std::cout << "  csa " << number(r.csa_mm2, " mm2") << ", tendon area " << number(r.tendon_area_mm2, " mm2") << '\n';
    std::cout << "  echogenicity mean " << number(r.echogenicity.mean, "") << ", sd " << number(r.echogenicity.sd, "")
              << ", normalized " << number(r.echogenicity.normalized, "") << ", hypoechoic "
              << number(r.echogenicity.hypoechoic_fraction, "") << ", coherence " << number(r.echogenicity.coherence, "")
              << '\n';
    const auto& n = r.neovascularity;
    std::cout << "  doppler " << (n.doppler ? "yes" : "no") << ", vascular fraction " << number(n.vascular_fraction, "")
              << ", vessels " << (n.vessel_count ? std::to_string(*n.vessel_count) : "-") << " ("
              << (n.vessels_in_tendon ? std::to_string(*n.vessels_in_tendon) : "-") << " in tendon), Ohberg grade "
              << (n.ohberg_grade ? std::to_string(*n.ohberg_grade) : "-") << ", frame " << n.frame << '\n';
    for (const auto& w : r.warnings)
        std::cout << "  warning: " << w << '\n';
}

} // namespace

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& options) {
    auto* command = app.add_subcommand("analyze", "segment the tendon and measure thickness, echogenicity and Doppler");
    command->add_option("FILE", options.file, "DICOM file or PNG/JPEG screen capture")->required();
    command->add_flag("--json", options.json, "print the result object as one JSON line");
    command->add_option("--mask", options.mask, "write the tendon mask (8-bit PNG, 255 = tendon)");
    command->add_option("--overlay", options.overlay, "write the frame with outline, thickness lines and numbers");
    add_spacing_option(*command, options.spacing_mm);
    command->add_option("--reference-mm", options.reference_mm, "distance from the insertion of thickness at_reference")
        ->check(CLI::PositiveNumber);
    command->add_option("--roi", options.roi, "search the tendon only in this rectangle (pixels)")
        ->type_name("X,Y,W,H")
        ->check([](const std::string& text) {
            try {
                parse_roi(text);
            } catch (const CLI::ValidationError& e) {
                return std::string(e.what());
            }
            return std::string();
        });
    return command;
}

int run_analyze(const AnalyzeOptions& options, Reporter& reporter) {
    scoring::AnalysisOptions analysis_options;
    analysis_options.user_spacing_mm = options.spacing_mm;
    analysis_options.reference_mm = options.reference_mm;
    if (!options.roi.empty())
        analysis_options.roi = parse_roi(options.roi);
    scoring::ScanResult result;
    try {
        OpenOptions open;
        open.user_spacing_mm = options.spacing_mm;
        const Scan scan = Scan::open(options.file, open, reporter);
        const scoring::ScanAnalysis analysis = scoring::analyze_scan(scan, analysis_options, reporter);
        result = analysis.result;
        result.file = options.file.string();
        if (!options.mask.empty())
            write_png_atomically(options.mask, analysis.segmentation.mask);
        if (!options.overlay.empty())
            write_png_atomically(options.overlay, scoring::render_overlay(analysis));
    } catch (const Error& error) {
        result = scoring::error_result(options.file.string(), error.what());
        std::cerr << "error: " << error.what() << '\n';
    }
    if (options.json)
        std::cout << scoring::to_json(result).dump() << '\n';
    else
        print_summary(result);
    return result.status == scoring::Status::error ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
