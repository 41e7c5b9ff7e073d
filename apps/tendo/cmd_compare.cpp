#include "cmd_compare.hpp"

#include "cli_options.hpp"
#include "tendo/scoring/followup.hpp"

#include <iostream>

namespace tendo::cli {

CLI::App* add_compare_command(CLI::App& app, CompareOptions& options) {
    auto* command = app.add_subcommand(
        "compare", "follow-up per patient and side: change between visits against the minimal detectable change");
    command->add_option("DIR", options.inputs, "tendo score output folders or tendo.sqlite stores")->required();
    command->add_option("--out", options.out_dir, "report folder: compare.csv, excluded.csv, index.html")
        ->required();
    command->add_option("--clinical", options.clinical_csv,
                        "CSV with patient, date, side, pain (NRS 0-10 during loading), visa_h (0-100)")
        ->check(CLI::ExistingFile);
    command->add_flag("--force", options.force, "write into a folder that holds other files");
    return command;
}

int run_compare(const CompareOptions& options, Reporter& reporter) {
    std::vector<scoring::ScoredScan> scans;
    int failed_inputs = 0;
    for (const auto& input : options.inputs) {
        try {
            auto loaded = scoring::load_scored(input);
            for (auto& scan : loaded)
                scans.push_back(std::move(scan));
        } catch (const Error& error) {
            std::cerr << "error: " << error.what() << '\n';
            ++failed_inputs;
        }
    }
    if (scans.empty()) {
        std::cerr << "error: no scored scans to compare\n";
        return kUsage;
    }
    std::vector<scoring::ClinicalVisit> clinical;
    if (options.clinical_csv)
        clinical = scoring::read_clinical_csv(*options.clinical_csv);

    const auto followup = scoring::build_followup(std::move(scans), std::move(clinical));
    for (const auto& excluded : followup.excluded)
        reporter.warning(excluded.file + ": " + excluded.reason);
    try {
        scoring::write_compare_report(followup, options.out_dir, options.force);
    } catch (const scoring::ReportDirRefused& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    }
    std::size_t visits = 0;
    for (const auto& series : followup.series)
        visits += series.visits.size();
    std::cerr << "compare: " << followup.scans.size() << " scans, " << followup.series.size()
              << " patient/side/view series, " << visits << " visits, " << followup.excluded.size()
              << " left out (excluded.csv) -> " << (options.out_dir / "index.html").string() << '\n';
    if (followup.series.empty())
        return kUsage;
    return failed_inputs > 0 ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
