#include "cmd_merge.hpp"

#include "cli_options.hpp"

#include <iostream>

namespace tendo::cli {

CLI::App* add_merge_command(CLI::App& app, MergeOptions& options) {
    auto* command = app.add_subcommand("merge", "join the output folders of tendo score --shard I/N runs");
    command->add_option("DIR", options.shard_dirs, "the output folders of all N shards")->required();
    command->add_option("--out", options.out_dir, "merged output folder (as one unsharded run writes it)")->required();
    command->add_flag("--force", options.force, "replace the results of another dataset in the output folder");
    return command;
}

int run_merge(const MergeOptions& options, Reporter& reporter) {
    scoring::BatchSummary summary;
    try {
        summary = scoring::merge_batches(options.shard_dirs, options.out_dir, options.force, reporter);
    } catch (const scoring::BatchRefused& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kUsage;
    }
    print_batch_summary(summary, options.out_dir);
    return summary.failed > 0 ? kSomeFailed : kAllOk;
}

} // namespace tendo::cli
