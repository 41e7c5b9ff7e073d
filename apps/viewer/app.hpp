#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tendo::viewer {

/// What the command line asks of the viewer.
struct ViewerOptions {
    std::vector<std::filesystem::path> paths;
    /// Visits to compare with the first path (compare mode starts on).
    std::vector<std::filesystem::path> compare;
    /// Render the window once everything requested is loaded and analysed, write it here, exit.
    std::filesystem::path screenshot;
    /// With `screenshot`: also write the shown result of every scan (corrections applied), one JSON
    /// object per line in the order opened.
    std::filesystem::path result_json;
    /// Frame to show first (0-based); default the analysed frame.
    std::optional<int> frame;
    int width = 1440;
    int height = 900;
    /// "full": the whole workstation; "image": only the first scan at 1:1 from the top-left
    /// corner, no panels (for overlay checks).
    std::string layout = "full";
    /// Comma-separated overlays to show (outline,centreline,max,bone,doppler,vessels,regions),
    /// "all" or "none"; empty keeps the defaults.
    std::string overlays;
    /// Interface scale (fonts and sizes); default the monitor's content scale.
    std::optional<float> ui_scale;
    /// Tool active at start (pan, caliper, ellipse, polygon, paint, erase, outline).
    std::string tool = "pan";
    /// Screenshot mode gives up (exit 1) when the scans are not ready after this many seconds.
    double timeout_s = 300.0;
};

/// Runs the viewer; returns the process exit code (0 ok, 1 failure, 2 usage).
int run_viewer(const ViewerOptions& options);

} // namespace tendo::viewer
