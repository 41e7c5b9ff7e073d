// tendo: quantitative ultrasound of the proximal hamstring tendon (command line).
#include "cli_options.hpp"
#include "cmd_analyze.hpp"
#include "cmd_compare.hpp"
#include "cmd_export_sr.hpp"
#include "cmd_evaluate.hpp"
#include "cli_reporter.hpp"
#include "cmd_frames.hpp"
#include "cmd_info.hpp"
#include "cmd_phantom.hpp"
#include "cmd_merge.hpp"
#include "cmd_score.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/memory_reuse.hpp"
#include "tendo/version.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
    using namespace tendo::cli;
    tendo::keep_freed_memory_for_reuse();
    CLI::App app{"tendo: quantitative ultrasound of the proximal hamstring tendon"};
    app.set_version_flag("--version", std::string("tendo ") + tendo::kPipelineVersion);
    app.require_subcommand(1);

    CliReporter reporter;
    std::vector<std::pair<CLI::App*, std::function<int()>>> commands;

    InfoOptions info;
    commands.emplace_back(add_info_command(app, info), [&] { return run_info(info, reporter); });
    AnalyzeOptions analyze;
    commands.emplace_back(add_analyze_command(app, analyze), [&] { return run_analyze(analyze, reporter); });
    EvaluateOptions evaluate;
    commands.emplace_back(add_evaluate_command(app, evaluate), [&] { return run_evaluate(evaluate, reporter); });
    ScoreOptions score;
    commands.emplace_back(add_score_command(app, score), [&] { return run_score(score, reporter); });
    MergeOptions merge;
    commands.emplace_back(add_merge_command(app, merge), [&] { return run_merge(merge, reporter); });
    CompareOptions compare;
    commands.emplace_back(add_compare_command(app, compare), [&] { return run_compare(compare, reporter); });
    ExportSrOptions export_sr;
    commands.emplace_back(add_export_sr_command(app, export_sr), [&] { return run_export_sr(export_sr, reporter); });
    FramesOptions frames;
    commands.emplace_back(add_frames_command(app, frames), [&] { return run_frames(frames, reporter); });
    PhantomOptions phantom;
    commands.emplace_back(add_phantom_command(app, phantom), [&] { return run_phantom(phantom, reporter); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? kAllOk : kUsage;
    }

    try {
        for (auto& [command, run] : commands)
            if (command->parsed())
                return run();
    } catch (const tendo::Error& error) {
        reporter.finish();
        std::cerr << "error: " << error.what() << '\n';
        return kSomeFailed;
    } catch (const std::exception& error) {
        reporter.finish();
        std::cerr << "error: internal: " << error.what() << '\n';
        return kSomeFailed;
    }
    return kUsage;
}
