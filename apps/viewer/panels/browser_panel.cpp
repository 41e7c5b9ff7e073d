#include "panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <map>

namespace tendo::viewer {

namespace {

ImVec4 status_colour(const std::string& status) {
    if (status == "ok")
        return {0.35f, 0.85f, 0.4f, 1.0f};
    if (status == "warning")
        return {1.0f, 0.78f, 0.2f, 1.0f};
    if (status == "error")
        return {1.0f, 0.35f, 0.35f, 1.0f};
    return {0.6f, 0.6f, 0.6f, 1.0f};
}

void entry_row(ViewerState& state, Entry& entry) {
    ImGui::PushID(entry.id);
    const float scale = state.ui_scale;
    if (!entry.thumbnail.empty() && entry.thumbnail_texture.empty())
        entry.thumbnail_texture.upload(entry.thumbnail);
    const float thumb_w = 48.0f * scale;
    const float thumb_h = entry.thumbnail.empty()
                              ? thumb_w * 0.75f
                              : thumb_w * entry.thumbnail.rows / std::max(1, entry.thumbnail.cols);
    const std::string status = entry.status_text();
    const ImVec2 row_start = ImGui::GetCursorScreenPos();
    const bool selected = state.current == entry.id;
    if (ImGui::Selectable("##row", selected, ImGuiSelectableFlags_AllowItemOverlap,
                          ImVec2(0, std::max(thumb_h, ImGui::GetTextLineHeightWithSpacing() * 2.0f)))) {
        state.current = entry.id;
        state.view.fit_pending = true;
        state.cine.playing = false;
    }
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(entry.path.string().c_str());
        if (!entry.error.empty())
            ImGui::TextColored(status_colour("error"), "%s", entry.error.c_str());
        if (!entry.analysis_error.empty())
            ImGui::TextColored(status_colour("error"), "%s", entry.analysis_error.c_str());
        for (const auto& warning : entry.info.warnings)
            ImGui::TextColored(status_colour("warning"), "%s", warning.c_str());
        if (!entry.info.calibration.calibrated() && entry.load == Stage::done)
            ImGui::TextColored(status_colour("warning"), "uncalibrated: lengths in pixels only");
        if (!entry.sidecar_error.empty())
            ImGui::TextColored(status_colour("warning"), "%s", entry.sidecar_error.c_str());
        ImGui::EndTooltip();
    }
    ImGui::SetCursorScreenPos(row_start);
    if (!entry.thumbnail_texture.empty())
        ImGui::Image(entry.thumbnail_texture.imgui_id(), ImVec2(thumb_w, thumb_h));
    else
        ImGui::Dummy(ImVec2(thumb_w, thumb_h));
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(entry.path.filename().string().c_str());
    ImGui::TextColored(status_colour(status), "%s", status.c_str());
    if (entry.load == Stage::failed) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x);
        ImGui::TextColored(status_colour("error"), "%s", entry.error.c_str());
        ImGui::PopTextWrapPos();
    } else if (entry.load == Stage::done) {
        ImGui::SameLine();
        bool compared = std::find(state.compare_ids.begin(), state.compare_ids.end(), entry.id) !=
                        state.compare_ids.end();
        if (ImGui::Checkbox("compare", &compared)) {
            if (compared && state.compare_ids.size() < 3)
                state.compare_ids.push_back(entry.id);
            else if (!compared)
                state.compare_ids.erase(
                    std::remove(state.compare_ids.begin(), state.compare_ids.end(), entry.id),
                    state.compare_ids.end());
        }
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("compare up to three visits side by side (M)");
    }
    ImGui::EndGroup();
    ImGui::PopID();
}

} // namespace

std::string describe_visit(const Entry& entry) {
    std::string text = entry.info.study_date_iso().value_or("date unknown");
    text += entry.info.laterality ? " " + *entry.info.laterality : std::string(" side ?");
    return text;
}

void draw_browser_panel(ViewerState& state) {
    if (ImGui::Button("Open...")) {
        state.show_open_dialog = true;
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(state.compare_ids.size() < 2);
    if (ImGui::Button(state.compare_mode ? "Single view" : "Compare"))
        state.compare_mode = !state.compare_mode;
    ImGui::EndDisabled();
    if (state.compare_ids.size() < 2 && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("tick \"compare\" on two or three scans first");
    ImGui::Separator();
    if (state.entries.empty()) {
        ImGui::TextWrapped("No scans open. Open files or folders with Open... (Ctrl+O) or name them on the "
                           "command line.");
        return;
    }

    // patient -> side -> date -> entries; unreadable files are listed first, on their own.
    std::map<std::string, std::map<std::string, std::map<std::string, std::vector<int>>>> groups;
    std::vector<int> unreadable;
    std::vector<int> loading;
    for (const auto& entry : state.entries) {
        if (entry->load == Stage::failed) {
            unreadable.push_back(entry->id);
            continue;
        }
        if (entry->load == Stage::pending) {
            loading.push_back(entry->id);
            continue;
        }
        const std::string patient = entry->info.patient_id.value_or("patient unknown");
        const std::string side =
            entry->info.laterality ? (*entry->info.laterality == "L" ? "left" : "right") : "side unknown";
        const std::string date = entry->info.study_date_iso().value_or("date unknown");
        groups[patient][side][date].push_back(entry->id);
    }
    ImGui::BeginChild("files");
    if (!unreadable.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.4f, 0.4f, 1.0f));
        const bool open = ImGui::TreeNodeEx("unreadable", ImGuiTreeNodeFlags_DefaultOpen, "unreadable (%zu)",
                                            unreadable.size());
        ImGui::PopStyleColor();
        if (open) {
            for (int id : unreadable)
                entry_row(state, *state.entry(id));
            ImGui::TreePop();
        }
    }
    for (auto& [patient, sides] : groups) {
        if (!ImGui::TreeNodeEx(patient.c_str(), ImGuiTreeNodeFlags_DefaultOpen))
            continue;
        for (auto& [side, dates] : sides) {
            if (!ImGui::TreeNodeEx(side.c_str(), ImGuiTreeNodeFlags_DefaultOpen))
                continue;
            for (auto& [date, ids] : dates) {
                if (ImGui::TreeNodeEx(date.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
                    for (int id : ids)
                        entry_row(state, *state.entry(id));
                    ImGui::TreePop();
                }
            }
            ImGui::TreePop();
        }
        ImGui::TreePop();
    }
    if (!loading.empty()) {
        ImGui::TextDisabled("loading %zu file(s)...", loading.size());
        for (int id : loading)
            ImGui::TextDisabled("  %s", state.entry(id)->path.filename().string().c_str());
    }
    ImGui::EndChild();
}

} // namespace tendo::viewer
