// tendo-viewer: the sonographer's review and correction workstation.
#include "app.hpp"
#include "tendo/imaging/memory_reuse.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    tendo::keep_freed_memory_for_reuse();
    tendo::viewer::ViewerOptions options;
    CLI::App app{
        "tendo-viewer: review, correct and compare ultrasound scans of the proximal hamstring tendon"};
    app.add_option("PATH", options.paths, "scans or folders to open");
    app.add_option("--compare", options.compare, "visits to compare with the first PATH (two more at most)")
        ->expected(1, 2);
    app.add_option("--screenshot", options.screenshot,
                   "render the window once the scans are analysed, write this PNG and exit");
    app.add_option("--result-json", options.result_json,
                   "with --screenshot: write the shown results (corrections applied) as JSON lines");
    app.add_option("--frame", options.frame, "frame to show first (0-based; default the analysed frame)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--width", options.width, "window width in pixels")->check(CLI::Range(320, 8192));
    app.add_option("--height", options.height, "window height in pixels")->check(CLI::Range(240, 8192));
    app.add_option("--layout", options.layout, "full (default) or image (first scan only, 1:1, no panels)")
        ->check(CLI::IsMember({"full", "image"}));
    app.add_option(
        "--overlays", options.overlays,
        "overlays to show: comma list of outline,centreline,max,bone,doppler,vessels,regions; all; none");
    app.add_option("--ui-scale", options.ui_scale,
                   "interface scale (default: the monitor's content scale, e.g. 2 on a high-DPI screen)")
        ->check(CLI::Range(0.5, 4.0));
    app.add_option("--tool", options.tool, "tool active at start")
        ->check(CLI::IsMember({"pan", "caliper", "ellipse", "polygon", "paint", "erase", "outline"}));
    app.add_option("--timeout", options.timeout_s, "screenshot: seconds to wait for the analysis")
        ->check(CLI::PositiveNumber);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : 2;
    }
    if (!options.compare.empty() && options.paths.empty()) {
        std::cerr << "tendo-viewer: --compare needs a first scan as PATH\n";
        return 2;
    }
    if (!options.screenshot.empty() && options.paths.empty()) {
        std::cerr << "tendo-viewer: --screenshot needs a scan to show\n";
        return 2;
    }
    return tendo::viewer::run_viewer(options);
}
