#include "cmd_info.hpp"

#include "cli_options.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/info_json.hpp"

#include <chrono>
#include <iomanip>
#include <iostream>

namespace tendo::cli {

CLI::App* add_info_command(CLI::App& app, InfoOptions& options) {
    auto* command = app.add_subcommand("info", "what a DICOM file holds: image, timing, calibration, identity");
    command->add_option("FILE", options.files, "DICOM files or PNG/JPEG captures")->required();
    command->add_flag("--json", options.json, "one JSON object per line (interface.md)");
    command->add_flag("--decode", options.decode, "also decode every frame (checks the pixels, times the decoder)");
    add_spacing_option(*command, options.spacing_mm);
    return command;
}

namespace {

void print_text(const nlohmann::json& info) {
    std::cout << info["file"].get<std::string>() << '\n';
    for (const auto& [key, value] : info.items()) {
        if (key == "file" || key == "ok" || key == "error" || key == "warnings" || value.is_null())
            continue;
        std::cout << "  " << std::left << std::setw(20) << key << ' ' << value.dump() << '\n';
    }
}

/// Decodes every frame; returns the mean ms per frame.
double decode_all(const Scan& scan) {
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < scan.frame_count(); ++k)
        scan.frame(k);
    const double total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return total_ms / scan.frame_count();
}

} // namespace

int run_info(const InfoOptions& options, Reporter& reporter) {
    int failures = 0;
    for (const auto& file : options.files) {
        nlohmann::json record;
        try {
            Scan scan = Scan::open(file, OpenOptions{options.spacing_mm}, reporter);
            // Frame 0 is always decoded: a file whose pixels cannot be decoded is not "ok".
            const double decode_ms_per_frame = options.decode ? decode_all(scan) : 0.0;
            if (!options.decode)
                scan.frame(0);
            record = scoring::info_to_json(scan.info());
            if (options.decode)
                record["decode_ms_per_frame"] = decode_ms_per_frame;
        } catch (const Error& error) {
            ++failures;
            std::cerr << "error: " << error.what() << '\n';
            record = scoring::info_error_to_json(file, error.what());
        }
        if (options.json)
            std::cout << record.dump() << '\n';
        else if (record["ok"].get<bool>())
            print_text(record);
    }
    return failures == 0 ? kAllOk : kSomeFailed;
}

} // namespace tendo::cli
