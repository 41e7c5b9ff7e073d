#include "panels.hpp"

#include "../image_canvas.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace tendo::viewer {

namespace {

/// The pane's transform from the shared compare view: zoom relative to the pane's fit, and the
/// image point (as a fraction of width and height) at the pane centre.
ViewTransform pane_transform(const CompareView& view, ImVec2 size, cv::Size image) {
    ViewTransform transform;
    fit(transform, size, image);
    transform.zoom *= view.zoom_over_fit;
    transform.pan_x = size.x * 0.5f - view.centre_u * image.width * transform.zoom;
    transform.pan_y = size.y * 0.5f - view.centre_v * image.height * transform.zoom;
    transform.fit_pending = false;
    return transform;
}

void pane(ViewerState& state, Entry& entry, ImVec2 size) {
    ImGui::BeginGroup();
    const scoring::ScanAnalysis* analysis = entry.shown_analysis();
    ImGui::Text("%s", describe_visit(entry).c_str());
    ImGui::SameLine();
    if (analysis && analysis->result.thickness.max_mm)
        ImGui::TextColored(ImVec4(1.0f, 0.45f, 1.0f, 1.0f), "max %.2f mm",
                           *analysis->result.thickness.max_mm);
    else if (entry.analysis_stage == Stage::done)
        ImGui::TextDisabled("no thickness");
    else
        ImGui::TextDisabled("analysing...");
    ImGui::TextDisabled("%s", entry.path.filename().string().c_str());
    size.y -= ImGui::GetTextLineHeightWithSpacing() * 2.0f;
    request_frames(state, entry, 1);
    ensure_uploaded(entry, state.window, state.level);
    const cv::Size image(entry.info.cols, entry.info.rows);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::PushID(entry.id);
    ImGui::InvisibleButton("pane", size,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
    ImGui::PopID();
    const bool hovered = ImGui::IsItemHovered();
    Canvas canvas{origin, size, pane_transform(state.compare_view, size, image)};
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
    draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(0, 0, 0, 255));
    draw_scan(draw, canvas, entry, state.overlays, state.ui_scale);
    draw->PopClipRect();

    // Zoom and pan in any pane move every pane: the shared view is in fractions of each image.
    ImGuiIO& io = ImGui::GetIO();
    CompareView& view = state.compare_view;
    if (hovered && io.MouseWheel != 0.0f && image.width > 0 && image.height > 0) {
        const cv::Point2d under = canvas.to_image(io.MousePos);
        const double u = under.x / image.width;
        const double v = under.y / image.height;
        const float factor = std::pow(1.15f, io.MouseWheel);
        const float zoom = std::clamp(view.zoom_over_fit * factor, 0.25f, 32.0f);
        const double keep = view.zoom_over_fit / zoom;
        view.centre_u = static_cast<float>(u - (u - view.centre_u) * keep);
        view.centre_v = static_cast<float>(v - (v - view.centre_v) * keep);
        view.zoom_over_fit = zoom;
    }
    if (hovered &&
        (ImGui::IsMouseDragging(ImGuiMouseButton_Left) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle)) &&
        image.width > 0) {
        view.centre_u -= io.MouseDelta.x / (canvas.transform.zoom * image.width);
        view.centre_v -= io.MouseDelta.y / (canvas.transform.zoom * image.height);
    }
    if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
        state.current = entry.id;
    ImGui::EndGroup();
}

} // namespace

void draw_compare_panel(ViewerState& state) {
    std::vector<Entry*> visits;
    for (int id : state.compare_ids)
        if (Entry* entry = state.entry(id); entry && entry->load == Stage::done)
            visits.push_back(entry);
    std::sort(visits.begin(), visits.end(), [](const Entry* a, const Entry* b) {
        return a->info.study_date_iso().value_or("") < b->info.study_date_iso().value_or("");
    });
    if (visits.size() < 2) {
        ImGui::TextWrapped("Compare needs two or three readable scans: tick \"compare\" in the browser.");
        return;
    }
    if (ImGui::Button("Fit all")) {
        state.compare_view = CompareView{};
    }
    ImGui::SameLine();
    ImGui::TextDisabled(
        "zoom and pan are shared by every pane (wheel, drag); double-click a pane to select it");
    const ImVec2 available = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (available.x - spacing * static_cast<float>(visits.size() - 1)) / visits.size();
    for (std::size_t i = 0; i < visits.size(); ++i) {
        if (i > 0)
            ImGui::SameLine();
        pane(state, *visits[i], ImVec2(width, available.y));
    }
}

} // namespace tendo::viewer
