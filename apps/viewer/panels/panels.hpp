#pragma once

#include "../viewer_state.hpp"

// One function per panel, each drawing from the viewer state and posting requests; none computes
// anything heavy. UI thread only.
namespace tendo::viewer {

/// Files grouped patient -> side -> date with thumbnails and status; open and compare buttons.
void draw_browser_panel(ViewerState& state);
/// The current scan: tools, zoom/pan, window/level, overlays, pixel readout, cine controls.
void draw_image_view_panel(ViewerState& state);
/// Every number of the shown analysis with units, confidence and warnings; tools' readings.
void draw_measurements_panel(ViewerState& state);
/// Two or three visits side by side with synchronised zoom.
void draw_compare_panel(ViewerState& state);
/// The metrics of the compared visits over time.
void draw_timeline_panel(ViewerState& state);
/// Keyboard shortcuts and what the overlays mean.
void draw_help_window(ViewerState& state);
/// Path entry and directory listing to open files or folders.
void draw_open_dialog(ViewerState& state);

/// A keyboard shortcut as listed in the help window.
struct Shortcut {
    const char* keys;
    const char* action;
};
extern const Shortcut kShortcuts[];
extern const int kShortcutCount;

/// Label of a study-date/side/patient group, "unknown ..." when the file does not say.
std::string describe_visit(const Entry& entry);

} // namespace tendo::viewer
