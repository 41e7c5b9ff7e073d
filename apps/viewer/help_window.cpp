#include "panels/panels.hpp"

#include <imgui.h>

namespace tendo::viewer {

const Shortcut kShortcuts[] = {
    {"Ctrl+O", "open files or a folder"},
    {"Up / Down", "previous / next scan in the list"},
    {"F", "fit the image to the view"},
    {"1", "one screen pixel per image pixel (1:1)"},
    {"Mouse wheel", "zoom around the cursor"},
    {"Middle drag, or drag with Pan", "pan"},
    {"Right drag", "window (left/right) and level (up/down) of grey"},
    {"R", "reset window/level"},
    {"Space", "play / pause the cine loop"},
    {"Left / Right", "previous / next frame"},
    {"Home", "go to the analysed frame"},
    {"L", "loop playback on/off"},
    {"P C E G", "tools: pan, caliper, ellipse ROI, polygon ROI"},
    {"B X O", "correction: paint, erase, drag the outline"},
    {"[ / ]", "smaller / larger brush"},
    {"Enter / Esc", "close / cancel the polygon being drawn"},
    {"Delete", "remove the last caliper or ROI"},
    {"Ctrl+Z / Ctrl+Y", "undo / redo a correction (saved to the sidecar at once)"},
    {"H", "show / hide every overlay"},
    {"M", "compare mode on/off (tick two or three scans first)"},
    {"F1", "this help"},
    {"Ctrl+Q", "quit"},
};
const int kShortcutCount = static_cast<int>(sizeof kShortcuts / sizeof kShortcuts[0]);

void draw_help_window(ViewerState& state) {
    if (!state.show_help)
        return;
    ImGui::SetNextWindowSize(ImVec2(560 * state.ui_scale, 600 * state.ui_scale), ImGuiCond_Appearing);
    if (!ImGui::Begin("Help", &state.show_help)) {
        ImGui::End();
        return;
    }
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("keys");
        ImGui::TableSetupColumn("action");
        ImGui::TableHeadersRow();
        for (int i = 0; i < kShortcutCount; ++i) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(kShortcuts[i].keys);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(kShortcuts[i].action);
        }
        ImGui::EndTable();
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Overlays (analysed frame only)");
    ImGui::BulletText("yellow: tendon outline (the mask), circle at the bony insertion");
    ImGui::BulletText(
        "cyan: centreline; magenta: maximum thickness; orange: thickness at the reference distance");
    ImGui::BulletText("blue line: bone surface; amber box: Doppler box; green boxes: regions");
    ImGui::BulletText("red boxes: vessels in the tendon; blue boxes: vessels around it (within 2 mm)");
    ImGui::Separator();
    ImGui::TextWrapped(
        "Corrections are stored beside the scan in <file>.tendo.json and used by tendo score; the "
        "DICOM file is never modified. See docs/viewer.md.");
    ImGui::End();
}

} // namespace tendo::viewer
