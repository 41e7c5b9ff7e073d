#include "tendo/scoring/batch_analyzer.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/digest.hpp"
#include "tendo/scoring/sidecar.hpp"

#include <cstdio>

namespace tendo::scoring {

namespace {

std::string number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

} // namespace

FileAnalyzer make_scan_analyzer(const AnalysisOptions& options) {
    return [options](const FileRequest& request, Reporter& reporter) {
        FileAnalysis out;
        try {
            const Scan scan = Scan::open(request.file, OpenOptions{options.user_spacing_mm}, reporter);
            ScanAnalysis analysis = analyze_scan(scan, options, reporter);
            // Corrections the user made in the viewer (`<file>.tendo.json`) replace the automatic
            // mask; one that does not fit this scan is reported, never applied to the wrong frame.
            std::optional<std::string> correction_problem;
            try {
                if (const auto corrections = read_sidecar(request.file)) {
                    check_corrections_match(*corrections, scan.info());
                    analysis = apply_corrections(analysis, *corrections, request.file);
                }
            } catch (const Error& error) {
                correction_problem = std::string(error.what()) + " (corrections not applied)";
            }
            ScanResult& result = analysis.result;
            result.file = request.file;
            if (correction_problem) {
                result.warnings.push_back(*correction_problem);
                if (result.status == Status::ok)
                    result.status = Status::warning;
            }
            if (result.status != Status::error) {
                const cv::Mat& pixels = analysis.frame.pixels;
                out.mask = analysis.segmentation.mask.empty() ? cv::Mat::zeros(pixels.rows, pixels.cols, CV_8UC1)
                                                              : analysis.segmentation.mask;
                // Drawn from the finished result: its numbers and warnings, the corrections' included.
                if (request.want_overlay)
                    out.overlay = render_overlay(analysis);
            }
            out.result = std::move(result);
        } catch (const Error& error) {
            out = FileAnalysis{error_result(request.file, error.what()), {}, {}};
        }
        return out;
    };
}

std::string sidecar_key(const std::string& file) {
    std::error_code error;
    const auto path = sidecar_path(file);
    if (!std::filesystem::exists(path, error))
        return {};
    try {
        return "sidecar:" + sha256_file_hex(path);
    } catch (const Error&) {
        return "sidecar:unreadable";
    }
}

std::string analysis_key(const AnalysisOptions& options) {
    std::string key = "spacing=";
    if (options.user_spacing_mm)
        key += number(options.user_spacing_mm->dx_mm) + "," + number(options.user_spacing_mm->dy_mm);
    key += ";reference_mm=" + number(options.reference_mm);
    if (options.roi)
        key += ";roi=" + std::to_string(options.roi->x) + "," + std::to_string(options.roi->y) + "," +
               std::to_string(options.roi->width) + "," + std::to_string(options.roi->height);
    if (options.seed)
        key += ";seed=" + std::to_string(options.seed->x) + "," + std::to_string(options.seed->y);
    return key;
}

} // namespace tendo::scoring
