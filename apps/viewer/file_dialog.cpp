#include "panels/panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace tendo::viewer {

namespace {

struct DialogState {
    char path[1024] = {};
    std::filesystem::path directory;
    std::vector<std::filesystem::directory_entry> listing;
    std::string error;
    bool listed = false;
};

void list_directory(DialogState& dialog) {
    dialog.listing.clear();
    dialog.error.clear();
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(dialog.directory, error)) {
        if (!item.path().filename().string().starts_with('.'))
            dialog.listing.push_back(item);
    }
    if (error)
        dialog.error = dialog.directory.string() + ": " + error.message();
    std::sort(dialog.listing.begin(), dialog.listing.end(), [](const auto& a, const auto& b) {
        std::error_code ignored;
        const bool a_dir = a.is_directory(ignored);
        const bool b_dir = b.is_directory(ignored);
        if (a_dir != b_dir)
            return a_dir;
        return a.path().filename() < b.path().filename();
    });
    std::snprintf(dialog.path, sizeof dialog.path, "%s", dialog.directory.string().c_str());
    dialog.listed = true;
}

} // namespace

void draw_open_dialog(ViewerState& state) {
    // The dialog's own state lives here: it is UI-thread only and belongs to this one window.
    static DialogState dialog;
    if (!state.show_open_dialog)
        return;
    if (!dialog.listed) {
        std::error_code error;
        dialog.directory = std::filesystem::current_path(error);
        list_directory(dialog);
    }
    const float scale = state.ui_scale;
    ImGui::SetNextWindowSize(ImVec2(640 * scale, 480 * scale), ImGuiCond_Appearing);
    if (!ImGui::Begin("Open scans", &state.show_open_dialog)) {
        ImGui::End();
        return;
    }
    ImGui::TextWrapped("Open a file, or a folder (searched recursively for DICOM and images). Type a path "
                       "and press Enter, or browse below.");
    ImGui::SetNextItemWidth(-80 * scale);
    const bool entered =
        ImGui::InputText("##path", dialog.path, sizeof dialog.path, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    const bool open_clicked = ImGui::Button("Open", ImVec2(-1, 0));
    if (entered || open_clicked) {
        const std::filesystem::path target(dialog.path);
        std::error_code error;
        if (!std::filesystem::exists(target, error)) {
            dialog.error = target.string() + ": no such file or folder";
        } else if (entered && std::filesystem::is_directory(target, error) && target != dialog.directory) {
            dialog.directory = target;
            list_directory(dialog);
        } else {
            const int first = open_path(state, target);
            if (first >= 0) {
                state.current = first;
                state.view.fit_pending = true;
                state.show_open_dialog = false;
            }
        }
    }
    if (ImGui::Button("Up") && dialog.directory.has_parent_path()) {
        dialog.directory = dialog.directory.parent_path();
        list_directory(dialog);
    }
    ImGui::SameLine();
    if (ImGui::Button("Open this folder")) {
        const int first = open_path(state, dialog.directory);
        if (first >= 0) {
            state.current = first;
            state.view.fit_pending = true;
            state.show_open_dialog = false;
        }
    }
    if (!dialog.error.empty())
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", dialog.error.c_str());
    ImGui::Separator();
    ImGui::BeginChild("listing");
    std::filesystem::path change_to;
    for (const auto& item : dialog.listing) {
        std::error_code error;
        const bool directory = item.is_directory(error);
        const std::string label = (directory ? "[dir]  " : "       ") + item.path().filename().string();
        if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
            std::snprintf(dialog.path, sizeof dialog.path, "%s", item.path().string().c_str());
            if (ImGui::IsMouseDoubleClicked(0)) {
                if (directory) {
                    change_to = item.path();
                } else {
                    const int first = open_path(state, item.path());
                    if (first >= 0) {
                        state.current = first;
                        state.view.fit_pending = true;
                        state.show_open_dialog = false;
                    }
                }
            }
        }
    }
    ImGui::EndChild();
    if (!change_to.empty()) {
        dialog.directory = change_to;
        list_directory(dialog);
    }
    ImGui::End();
}

} // namespace tendo::viewer
