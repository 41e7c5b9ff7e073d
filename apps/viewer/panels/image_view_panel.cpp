#include "panels.hpp"

#include "../image_canvas.hpp"

#include "tendo/imaging/frame.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tendo::viewer {

namespace {

constexpr ImU32 kToolColour = IM_COL32(80, 255, 160, 255);
constexpr ImU32 kPaintColour = IM_COL32(80, 255, 80, 160);
constexpr ImU32 kEraseColour = IM_COL32(255, 80, 80, 160);
constexpr ImU32 kHandleColour = IM_COL32(255, 230, 0, 255);

struct ToolButton {
    Tool tool;
    const char* label;
    const char* tip;
};

constexpr ToolButton kTools[] = {
    {Tool::pan, "Pan", "drag to pan (P)"},
    {Tool::caliper, "Caliper", "drag to measure a distance in mm (C)"},
    {Tool::ellipse, "Ellipse", "drag an elliptical ROI: mean/sd grey (E)"},
    {Tool::polygon, "Polygon", "click vertices, double-click or Enter to close (G)"},
    {Tool::paint, "Paint", "paint tendon into the mask (B)"},
    {Tool::erase, "Erase", "erase tendon from the mask (X)"},
    {Tool::outline, "Outline", "drag the outline's control points (O)"},
};

void ellipse(ImDrawList* draw, ImVec2 centre, float rx, float ry, ImU32 colour, float thickness) {
    constexpr int kSegments = 48;
    ImVec2 points[kSegments];
    for (int k = 0; k < kSegments; ++k) {
        const float angle = 2.0f * 3.14159265f * static_cast<float>(k) / kSegments;
        points[k] = ImVec2(centre.x + rx * std::cos(angle), centre.y + ry * std::sin(angle));
    }
    draw->AddPolyline(points, kSegments, colour, ImDrawFlags_Closed, thickness);
}

bool editing_tool(Tool tool) {
    return tool == Tool::paint || tool == Tool::erase || tool == Tool::outline;
}

void toolbar(ViewerState& state, Entry* entry, ImVec2 canvas_size) {
    for (const ToolButton& button : kTools) {
        const bool active = state.tool == button.tool;
        const bool needs_analysis = editing_tool(button.tool);
        ImGui::BeginDisabled(needs_analysis && (!entry || !entry->analysis));
        if (active)
            ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(button.label))
            state.tool = button.tool;
        if (active)
            ImGui::PopStyleColor();
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", button.tip);
        ImGui::SameLine();
    }
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    if (ImGui::Button("Fit") && entry)
        fit(state.view, canvas_size, cv::Size(entry->info.cols, entry->info.rows));
    ImGui::SameLine();
    if (ImGui::Button("1:1"))
        one_to_one(state.view, canvas_size);
    ImGui::SameLine();
    ImGui::Text("%.0f%%", state.view.zoom * 100.0f);
    if (state.tool == Tool::paint || state.tool == Tool::erase) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100 * state.ui_scale);
        float radius = static_cast<float>(state.brush_radius_px);
        if (ImGui::SliderFloat("brush px", &radius, 1.0f, 40.0f, "%.0f"))
            state.brush_radius_px = radius;
    }
    if (entry && entry->analysis) {
        ImGui::SameLine();
        ImGui::BeginDisabled(entry->correction.edits.empty());
        if (ImGui::Button("Undo"))
            undo(state, *entry);
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::BeginDisabled(entry->correction.redo.empty());
        if (ImGui::Button("Redo"))
            redo(state, *entry);
        ImGui::EndDisabled();
    }
    ImGui::SetNextItemWidth(120 * state.ui_scale);
    ImGui::DragFloat("window", &state.window, 1.0f, 1.0f, 512.0f, "%.0f");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * state.ui_scale);
    ImGui::DragFloat("level", &state.level, 0.5f, -128.0f, 384.0f, "%.0f");
    ImGui::SameLine();
    if (ImGui::SmallButton("reset W/L")) {
        state.window = 255.0f;
        state.level = 127.5f;
    }
    ImGui::TextDisabled("overlays:");
    ImGui::SameLine();
    ImGui::Checkbox("outline", &state.overlays.outline);
    ImGui::SameLine();
    ImGui::Checkbox("centreline", &state.overlays.centreline);
    ImGui::SameLine();
    ImGui::Checkbox("max", &state.overlays.max_line);
    ImGui::SameLine();
    ImGui::Checkbox("bone", &state.overlays.bone);
    ImGui::SameLine();
    ImGui::Checkbox("Doppler box", &state.overlays.doppler_box);
    ImGui::SameLine();
    ImGui::Checkbox("vessels", &state.overlays.vessels);
    ImGui::SameLine();
    ImGui::Checkbox("regions", &state.overlays.regions);
}

void readout(const Entry& entry, cv::Point2d image) {
    const int col = static_cast<int>(std::floor(image.x));
    const int row = static_cast<int>(std::floor(image.y));
    const cv::Mat* frame = shown_frame(entry);
    if (!frame || col < 0 || row < 0 || col >= frame->cols || row >= frame->rows) {
        ImGui::TextDisabled("row -  col -");
        return;
    }
    char text[256];
    int length = std::snprintf(text, sizeof text, "row %d  col %d", row, col);
    if (const auto& spacing = entry.info.calibration.spacing_mm) {
        // Depth is measured from the top of the calibrating region (the transducer face) when known.
        int x0 = 0;
        int y0 = 0;
        if (entry.info.calibration.region_index &&
            *entry.info.calibration.region_index < entry.info.regions.size()) {
            const UltrasoundRegion& region = entry.info.regions[*entry.info.calibration.region_index];
            x0 = region.x0;
            y0 = region.y0;
        }
        length += std::snprintf(text + length, sizeof text - length, "  x %.2f mm  depth %.2f mm",
                                (image.x - x0) * spacing->dx_mm, (image.y - y0) * spacing->dy_mm);
    } else {
        length += std::snprintf(text + length, sizeof text - length, "  (uncalibrated)");
    }
    if (frame->channels() == 1) {
        std::snprintf(text + length, sizeof text - length, "  grey %d", frame->at<unsigned char>(row, col));
    } else {
        const cv::Vec3b bgr = frame->at<cv::Vec3b>(row, col);
        const int grey = static_cast<int>(std::lround(0.299 * bgr[2] + 0.587 * bgr[1] + 0.114 * bgr[0]));
        std::snprintf(text + length, sizeof text - length, "  grey %d  RGB %d %d %d", grey, bgr[2], bgr[1],
                      bgr[0]);
    }
    ImGui::TextUnformatted(text);
}

void draw_tools(ImDrawList* draw, const Canvas& canvas, const ViewerState& state, const Entry& entry) {
    const float thickness = std::max(1.0f, state.ui_scale);
    for (const Caliper& caliper : entry.calipers) {
        const ImVec2 a = canvas.to_screen(caliper.a);
        const ImVec2 b = canvas.to_screen(caliper.b);
        draw->AddLine(a, b, kToolColour, thickness);
        draw->AddCircle(a, 3.0f * thickness, kToolColour);
        draw->AddCircle(b, 3.0f * thickness, kToolColour);
        char label[48];
        if (caliper.length_mm)
            std::snprintf(label, sizeof label, "%.2f mm", *caliper.length_mm);
        else
            std::snprintf(label, sizeof label, "%.1f px",
                          std::hypot(caliper.b.x - caliper.a.x, caliper.b.y - caliper.a.y));
        draw->AddText(ImVec2(b.x + 6, b.y), kToolColour, label);
    }
    for (std::size_t i = 0; i < entry.rois.size(); ++i) {
        const Roi& roi = entry.rois[i];
        if (roi.frame != entry.frame)
            continue;
        ImVec2 label_at;
        if (roi.ellipse) {
            const ImVec2 centre = canvas.to_screen(roi.centre);
            const float rx = static_cast<float>(roi.semi_axes.x) * canvas.transform.zoom;
            const float ry = static_cast<float>(roi.semi_axes.y) * canvas.transform.zoom;
            ellipse(draw, centre, rx, ry, kToolColour, thickness);
            label_at = ImVec2(centre.x + rx + 4, centre.y);
        } else {
            std::vector<ImVec2> points;
            for (const cv::Point2d& vertex : roi.vertices)
                points.push_back(canvas.to_screen(vertex));
            draw->AddPolyline(points.data(), static_cast<int>(points.size()), kToolColour, ImDrawFlags_Closed,
                              thickness);
            label_at = points.empty() ? ImVec2() : ImVec2(points.front().x + 4, points.front().y);
        }
        char label[32];
        std::snprintf(label, sizeof label, "ROI %zu", i + 1);
        draw->AddText(label_at, kToolColour, label);
    }
}

void handle_gestures(ViewerState& state, Entry& entry, const Canvas& canvas, bool hovered) {
    ImGuiIO& io = ImGui::GetIO();
    Interaction& gesture = state.interaction;
    const cv::Point2d mouse = canvas.to_image(io.MousePos);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float thickness = std::max(1.0f, state.ui_scale);

    if (hovered && io.MouseWheel != 0.0f)
        zoom_at(state.view, ImVec2(io.MousePos.x - canvas.origin.x, io.MousePos.y - canvas.origin.y),
                std::pow(1.15f, io.MouseWheel));
    // Middle drag pans with any tool; right drag sets window (horizontal) and level (vertical).
    if (hovered && ImGui::IsMouseDragging(ImGuiMouseButton_Middle)) {
        state.view.pan_x += io.MouseDelta.x;
        state.view.pan_y += io.MouseDelta.y;
    }
    if (hovered && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
        state.window = std::clamp(state.window + io.MouseDelta.x, 1.0f, 512.0f);
        state.level = std::clamp(state.level - io.MouseDelta.y, -128.0f, 384.0f);
    }

    const bool clicked = hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
    const bool held = ImGui::IsMouseDown(ImGuiMouseButton_Left);
    const bool released = ImGui::IsMouseReleased(ImGuiMouseButton_Left);
    const scoring::ScanAnalysis* analysis = entry.shown_analysis();
    const cv::Mat* frame = shown_frame(entry);

    switch (state.tool) {
    case Tool::pan:
        if (hovered && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
            state.view.pan_x += io.MouseDelta.x;
            state.view.pan_y += io.MouseDelta.y;
        }
        break;
    case Tool::caliper:
    case Tool::ellipse:
        if (clicked) {
            gesture.dragging = true;
            gesture.start = mouse;
        }
        if (gesture.dragging) {
            gesture.current = mouse;
            const ImVec2 a = canvas.to_screen(gesture.start);
            const ImVec2 b = canvas.to_screen(gesture.current);
            if (state.tool == Tool::caliper)
                draw->AddLine(a, b, kToolColour, thickness);
            else
                ellipse(draw, ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f), std::abs(b.x - a.x) * 0.5f,
                        std::abs(b.y - a.y) * 0.5f, kToolColour, thickness);
            if (released || !held) {
                gesture.dragging = false;
                if (std::hypot(gesture.current.x - gesture.start.x, gesture.current.y - gesture.start.y) >=
                    1.0) {
                    if (state.tool == Tool::caliper) {
                        entry.calipers.push_back({gesture.start, gesture.current,
                                                  scoring::caliper_mm(gesture.start, gesture.current,
                                                                      entry.info.calibration.spacing_mm)});
                    } else if (frame) {
                        Roi roi;
                        roi.ellipse = true;
                        roi.centre = (gesture.start + gesture.current) * 0.5;
                        roi.semi_axes = {std::abs(gesture.current.x - gesture.start.x) * 0.5,
                                         std::abs(gesture.current.y - gesture.start.y) * 0.5};
                        roi.frame = entry.frame;
                        roi.stats = scoring::ellipse_stats(*frame, roi.centre, roi.semi_axes,
                                                           entry.info.calibration.spacing_mm);
                        entry.rois.push_back(roi);
                    }
                }
            }
        }
        break;
    case Tool::polygon: {
        if (clicked)
            gesture.points.push_back(mouse);
        const bool close = (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) ||
                           ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter));
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
            gesture.points.clear();
        if (!gesture.points.empty()) {
            std::vector<ImVec2> points;
            for (const cv::Point2d& vertex : gesture.points)
                points.push_back(canvas.to_screen(vertex));
            points.push_back(io.MousePos);
            draw->AddPolyline(points.data(), static_cast<int>(points.size()), kToolColour, 0, thickness);
        }
        if (close) {
            // A double-click adds the same vertex twice; drop the duplicate.
            auto& points = gesture.points;
            points.erase(std::unique(points.begin(), points.end(),
                                     [](const cv::Point2d& a, const cv::Point2d& b) {
                                         return std::hypot(a.x - b.x, a.y - b.y) < 0.5;
                                     }),
                         points.end());
            if (points.size() >= 3 && frame) {
                Roi roi;
                roi.ellipse = false;
                roi.vertices = points;
                roi.frame = entry.frame;
                roi.stats = scoring::polygon_stats(*frame, roi.vertices, entry.info.calibration.spacing_mm);
                entry.rois.push_back(roi);
            }
            points.clear();
        }
        break;
    }
    case Tool::paint:
    case Tool::erase: {
        if (!analysis)
            break;
        const ImU32 colour = state.tool == Tool::paint ? kPaintColour : kEraseColour;
        const float radius = static_cast<float>(state.brush_radius_px) * canvas.transform.zoom;
        if (hovered)
            draw->AddCircle(io.MousePos, radius, colour, 24, thickness);
        if (clicked) {
            gesture.dragging = true;
            gesture.points = {mouse};
        }
        if (gesture.dragging) {
            if (std::hypot(mouse.x - gesture.points.back().x, mouse.y - gesture.points.back().y) >= 0.5)
                gesture.points.push_back(mouse);
            for (const cv::Point2d& point : gesture.points)
                draw->AddCircleFilled(canvas.to_screen(point), radius, colour, 16);
            if (released || !held) {
                gesture.dragging = false;
                scoring::MaskEdit edit;
                edit.kind = state.tool == Tool::paint ? scoring::MaskEdit::Kind::paint
                                                      : scoring::MaskEdit::Kind::erase;
                edit.radius_px = state.brush_radius_px;
                edit.points = gesture.points;
                gesture.points.clear();
                push_edit(state, entry, std::move(edit));
            }
        }
        break;
    }
    case Tool::outline: {
        if (!analysis)
            break;
        std::shared_ptr<const scoring::ScanAnalysis> shown = entry.shown_analysis_ptr();
        if (gesture.handle < 0 && gesture.handles_source != shown) {
            const cv::Mat& mask = shown->segmentation.mask;
            gesture.handles =
                mask.empty() ? std::vector<cv::Point2d>{} : scoring::outline_control_points(mask, 2.0);
            gesture.handles_source = shown;
        }
        const float grab = 7.0f * state.ui_scale;
        int nearest = -1;
        float nearest_distance = grab;
        for (std::size_t i = 0; i < gesture.handles.size(); ++i) {
            const ImVec2 at = canvas.to_screen(gesture.handles[i]);
            const float distance = std::hypot(at.x - io.MousePos.x, at.y - io.MousePos.y);
            if (distance < nearest_distance) {
                nearest_distance = distance;
                nearest = static_cast<int>(i);
            }
        }
        if (clicked && nearest >= 0)
            gesture.handle = nearest;
        if (gesture.handle >= 0) {
            gesture.handles[static_cast<std::size_t>(gesture.handle)] = mouse;
            if (released || !held) {
                scoring::MaskEdit edit;
                edit.kind = scoring::MaskEdit::Kind::outline;
                edit.points = gesture.handles;
                gesture.handle = -1;
                push_edit(state, entry, std::move(edit));
            }
        }
        std::vector<ImVec2> points;
        for (const cv::Point2d& handle : gesture.handles)
            points.push_back(canvas.to_screen(handle));
        if (points.size() >= 2)
            draw->AddPolyline(points.data(), static_cast<int>(points.size()), kHandleColour,
                              ImDrawFlags_Closed, thickness);
        for (std::size_t i = 0; i < points.size(); ++i) {
            const bool hot = static_cast<int>(i) == nearest || static_cast<int>(i) == gesture.handle;
            draw->AddCircleFilled(points[i], (hot ? 5.0f : 3.5f) * state.ui_scale,
                                  hot ? IM_COL32_WHITE : kHandleColour);
        }
        break;
    }
    }
}

void cine_bar(ViewerState& state, Entry& entry) {
    const int frames = entry.info.frames;
    if (frames <= 1) {
        ImGui::TextDisabled("still image");
        return;
    }
    const double frame_time_ms = entry.info.frame_time_ms.value_or(1000.0 / 30.0);
    if (ImGui::Button(state.cine.playing ? "Pause" : "Play"))
        state.cine.playing = !state.cine.playing;
    ImGui::SameLine();
    if (ImGui::ArrowButton("back", ImGuiDir_Left)) {
        entry.frame = (entry.frame + frames - 1) % frames;
        entry.user_moved_frame = true;
    }
    ImGui::SameLine();
    if (ImGui::ArrowButton("forward", ImGuiDir_Right)) {
        entry.frame = (entry.frame + 1) % frames;
        entry.user_moved_frame = true;
    }
    ImGui::SameLine();
    ImGui::Checkbox("loop", &state.cine.loop);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-260 * state.ui_scale);
    if (ImGui::SliderInt("##frame", &entry.frame, 0, frames - 1, "frame %d"))
        entry.user_moved_frame = true;
    ImGui::SameLine();
    ImGui::Text("of %d  %.1f fps%s", frames, 1000.0 / frame_time_ms,
                entry.info.frame_time_ms ? "" : " (assumed)");
    if (entry.analysis) {
        ImGui::SameLine();
        if (ImGui::SmallButton("analysed frame")) {
            entry.frame = entry.analysis->frame.index;
            entry.user_moved_frame = true;
        }
    }
    // Advance at the file's frame rate, but only onto decoded frames: playback waits for the
    // decoder rather than showing a stale texture.
    if (state.cine.playing) {
        const double now = ImGui::GetTime();
        if (now >= state.cine.next_frame_time_s) {
            const int next = entry.frame + 1;
            const int wrapped = next >= frames ? (state.cine.loop ? 0 : -1) : next;
            if (wrapped < 0) {
                state.cine.playing = false;
            } else if (entry.frames.count(wrapped)) {
                entry.frame = wrapped;
                entry.user_moved_frame = true;
                state.cine.next_frame_time_s =
                    std::max(state.cine.next_frame_time_s + frame_time_ms / 1000.0, now);
            }
        }
    }
}

} // namespace

void draw_image_view_panel(ViewerState& state) {
    Entry* entry = state.current_entry();
    const float scale = state.ui_scale;
    const float footer = ImGui::GetFrameHeightWithSpacing() * 2.0f + 4 * scale;
    ImVec2 canvas_size = ImGui::GetContentRegionAvail();
    toolbar(state, entry, canvas_size);
    canvas_size = ImGui::GetContentRegionAvail();
    canvas_size.y = std::max(50.0f, canvas_size.y - footer);
    if (!entry) {
        ImGui::Dummy(canvas_size);
        return;
    }
    if (entry->load == Stage::failed) {
        ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.35f, 1.0f), "%s", entry->error.c_str());
        return;
    }
    if (entry->load == Stage::pending) {
        ImGui::Text("loading %s ...", entry->path.filename().string().c_str());
        return;
    }
    request_frames(state, *entry, state.cine.playing ? 8 : 2);
    ensure_uploaded(*entry, state.window, state.level);
    if (state.view.fit_pending)
        fit(state.view, canvas_size, cv::Size(entry->info.cols, entry->info.rows));

    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("canvas", canvas_size,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle |
                               ImGuiButtonFlags_MouseButtonRight);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(origin, ImVec2(origin.x + canvas_size.x, origin.y + canvas_size.y), true);
    draw->AddRectFilled(origin, ImVec2(origin.x + canvas_size.x, origin.y + canvas_size.y),
                        IM_COL32(0, 0, 0, 255));
    Canvas canvas{origin, canvas_size, state.view};
    draw_scan(draw, canvas, *entry, state.overlays, scale);
    draw_tools(draw, canvas, state, *entry);
    handle_gestures(state, *entry, canvas, hovered);
    if (const scoring::ScanAnalysis* analysis = entry->shown_analysis();
        analysis && entry->frame != analysis->frame.index && entry->frame_errors.empty())
        draw->AddText(ImVec2(origin.x + 8 * scale, origin.y + 8 * scale), IM_COL32(255, 200, 80, 255),
                      "overlays are on the analysed frame only");
    if (auto error = entry->frame_errors.find(entry->frame); error != entry->frame_errors.end())
        draw->AddText(ImVec2(origin.x + 8 * scale, origin.y + 8 * scale), IM_COL32(255, 90, 90, 255),
                      error->second.c_str());
    draw->PopClipRect();

    readout(*entry, canvas.to_image(ImGui::GetIO().MousePos));
    cine_bar(state, *entry);
}

} // namespace tendo::viewer
