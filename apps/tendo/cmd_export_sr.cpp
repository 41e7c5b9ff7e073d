#include "cmd_export_sr.hpp"

#include "cli_options.hpp"
#include "tendo/scoring/sr_export.hpp"

#include <iostream>

namespace tendo::cli {

CLI::App* add_export_sr_command(CLI::App& app, ExportSrOptions& options) {
    auto* command = app.add_subcommand("export-sr", "one DICOM SR (TID 1500 measurement report) per scored scan");
    command->add_option("DIR", options.results, "tendo score output folder or tendo.sqlite store")->required();
    command->add_option("--out", options.out_dir, "folder for the <stem>.sr.dcm files")->required();
    return command;
}

int run_export_sr(const ExportSrOptions& options, Reporter& reporter) {
    const auto counts = scoring::export_sr(options.results, options.out_dir, reporter);
    std::cerr << "export-sr: " << counts.written << " reports, " << counts.skipped << " not scored, "
              << counts.failed << " failed -> " << options.out_dir.string() << '\n';
    if (counts.written == 0)
        return kUsage;
    return counts.failed > 0 ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
