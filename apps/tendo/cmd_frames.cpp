#include "cmd_frames.hpp"

#include "cli_options.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"
#include "tendo/imaging/scan.hpp"

#include <iostream>

namespace tendo::cli {

CLI::App* add_frames_command(CLI::App& app, FramesOptions& options) {
    auto* command = app.add_subcommand("frames", "write one decoded frame as displayed (RGB or grey PNG)");
    command->add_option("FILE", options.file, "DICOM file")->required();
    command->add_option("--frame", options.frame, "0-based frame index")->check(CLI::NonNegativeNumber);
    command->add_option("--out", options.out, "output PNG")->required();
    command->add_flag("--force", options.force, "overwrite --out if it exists");
    return command;
}

int run_frames(const FramesOptions& options, Reporter& reporter) {
    try {
        if (!options.force && std::filesystem::exists(options.out)) {
            std::cerr << "error: " << options.out.string() << ": exists; not overwritten (use --force)\n";
            return kUsage;
        }
        Scan scan = Scan::open(options.file, OpenOptions{}, reporter);
        const Frame frame = scan.frame(options.frame);
        write_png_atomically(options.out, frame.pixels);
    } catch (const Error& error) {
        std::cerr << "error: " << error.what() << '\n';
        return kSomeFailed;
    }
    return kAllOk;
}

} // namespace tendo::cli
