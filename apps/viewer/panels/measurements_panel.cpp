#include "panels.hpp"

#include "tendo/imaging/calibration.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

namespace tendo::viewer {

namespace {

const ImVec4 kWarningColour(1.0f, 0.78f, 0.2f, 1.0f);
const ImVec4 kErrorColour(1.0f, 0.35f, 0.35f, 1.0f);

std::string format(const std::optional<double>& value, const char* pattern) {
    if (!value)
        return "unknown";
    char text[64];
    std::snprintf(text, sizeof text, pattern, *value);
    return text;
}

std::string format(const std::optional<int>& value) {
    return value ? std::to_string(*value) : "unknown";
}

/// One row: name, value, unit, and the original value when a correction changed it.
void row(const char* name, const std::string& value, const char* unit,
         const std::string* original = nullptr) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    ImGui::TableNextColumn();
    if (value == "unknown")
        ImGui::TextDisabled("unknown");
    else
        ImGui::TextUnformatted(value.c_str());
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", unit);
    ImGui::TableNextColumn();
    if (original && *original != value)
        ImGui::TextDisabled("%s", original->c_str());
}

void result_table(const scoring::ScanResult& result, const scoring::ScanResult* original) {
    const bool corrected = original != nullptr;
    if (!ImGui::BeginTable("numbers", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV))
        return;
    const float character = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupColumn("quantity", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(corrected ? "corrected" : "value", ImGuiTableColumnFlags_WidthFixed,
                            9 * character);
    ImGui::TableSetupColumn("unit", ImGuiTableColumnFlags_WidthFixed, 10 * character);
    ImGui::TableSetupColumn(corrected ? "analysed" : "", ImGuiTableColumnFlags_WidthFixed, 9 * character);
    ImGui::TableHeadersRow();
    auto show = [&](const char* name, auto get, const char* pattern, const char* unit) {
        const std::string value = format(get(result), pattern);
        if (corrected) {
            const std::string before = format(get(*original), pattern);
            row(name, value, unit, &before);
        } else {
            row(name, value, unit);
        }
    };
    auto show_int = [&](const char* name, auto get, const char* unit) {
        const std::string value = format(get(result));
        if (corrected) {
            const std::string before = format(get(*original));
            row(name, value, unit, &before);
        } else {
            row(name, value, unit);
        }
    };
    using R = scoring::ScanResult;
    show(
        "thickness max", [](const R& r) { return r.thickness.max_mm; }, "%.2f", "mm");
    show(
        "thickness mean", [](const R& r) { return r.thickness.mean_mm; }, "%.2f", "mm");
    show(
        "thickness at reference", [](const R& r) { return r.thickness.at_reference_mm; }, "%.2f", "mm");
    show(
        "thickness cine median", [](const R& r) { return r.thickness.cine_median_mm; }, "%.2f", "mm");
    show(
        "cross-section area", [](const R& r) { return r.csa_mm2; }, "%.1f", "mm2");
    show(
        "tendon area", [](const R& r) { return r.tendon_area_mm2; }, "%.1f", "mm2");
    show(
        "echogenicity mean", [](const R& r) { return r.echogenicity.mean; }, "%.1f", "grey 0-255");
    show(
        "echogenicity sd", [](const R& r) { return r.echogenicity.sd; }, "%.1f", "grey 0-255");
    show(
        "echogenicity normalised", [](const R& r) { return r.echogenicity.normalized; }, "%.2f", "ratio");
    show(
        "hypoechoic fraction", [](const R& r) { return r.echogenicity.hypoechoic_fraction; }, "%.3f", "0-1");
    show(
        "fibre coherence", [](const R& r) { return r.echogenicity.coherence; }, "%.2f", "0-1");
    row("Doppler", result.neovascularity.doppler ? "yes" : "no", "");
    show(
        "vascular fraction", [](const R& r) { return r.neovascularity.vascular_fraction; }, "%.3f", "0-1");
    show_int(
        "vessels counted", [](const R& r) { return r.neovascularity.vessel_count; }, "");
    show_int(
        "vessels in tendon", [](const R& r) { return r.neovascularity.vessels_in_tendon; }, "");
    show_int(
        "Ohberg grade", [](const R& r) { return r.neovascularity.ohberg_grade; }, "0-4");
    show(
        "confidence", [](const R& r) { return std::optional<double>(r.confidence); }, "%.2f", "0-1");
    ImGui::EndTable();
}

void profile_plot(const scoring::ScanResult& result, float scale) {
    const auto& profile = result.thickness.profile_mm;
    if (profile.size() < 2) {
        ImGui::TextDisabled("no thickness profile (view %s)", to_string(result.view).c_str());
        return;
    }
    std::vector<float> values;
    float top = 0.0f;
    for (const auto& [arc, thickness] : profile) {
        values.push_back(static_cast<float>(thickness));
        top = std::max(top, static_cast<float>(thickness));
    }
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "0 - %.1f mm along the centreline, max %.2f mm",
                  profile.back().first, top);
    ImGui::PlotLines("##profile", values.data(), static_cast<int>(values.size()), 0, overlay, 0.0f,
                     top * 1.15f, ImVec2(ImGui::GetContentRegionAvail().x, 90 * scale));
    if (ImGui::IsItemHovered()) {
        const float fraction =
            (ImGui::GetIO().MousePos.x - ImGui::GetItemRectMin().x) / ImGui::GetItemRectSize().x;
        const std::size_t index =
            std::min(profile.size() - 1, static_cast<std::size_t>(std::max(0.0f, fraction) * profile.size()));
        ImGui::SetTooltip("%.1f mm along: %.2f mm thick", profile[index].first, profile[index].second);
    }
}

void identity(const Entry& entry, const scoring::ScanAnalysis* analysis) {
    const ScanInfo& info = entry.info;
    ImGui::TextWrapped("%s", entry.path.filename().string().c_str());
    ImGui::Text("patient %s  side %s  date %s", info.patient_id.value_or("?").c_str(),
                info.laterality.value_or("?").c_str(), info.study_date_iso().value_or("?").c_str());
    ImGui::Text("%s %s  %dx%d  %d frame%s", info.manufacturer.value_or("").c_str(),
                info.model.value_or("").c_str(), info.cols, info.rows, info.frames,
                info.frames == 1 ? "" : "s");
    if (const auto& spacing = info.calibration.spacing_mm)
        ImGui::Text("spacing dx %.4f  dy %.4f mm (%s)", spacing->dx_mm, spacing->dy_mm,
                    std::string(to_string(info.calibration.source)).c_str());
    else
        ImGui::TextColored(kWarningColour, "uncalibrated: lengths in pixels, every mm value unknown");
    if (analysis)
        ImGui::Text("view %s  analysed frame %d  status %s", to_string(analysis->result.view).c_str(),
                    analysis->frame.index, scoring::to_string(analysis->result.status).c_str());
}

void tools_readings(ViewerState& state, Entry& entry) {
    if (entry.calipers.empty() && entry.rois.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("Caliper (C), ellipse (E) and polygon (G) readings appear here.");
        ImGui::PopStyleColor();
        return;
    }
    int remove_caliper = -1;
    for (std::size_t i = 0; i < entry.calipers.size(); ++i) {
        const Caliper& caliper = entry.calipers[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x"))
            remove_caliper = static_cast<int>(i);
        ImGui::SameLine();
        if (caliper.length_mm)
            ImGui::Text("caliper %zu: %.2f mm (dx %.2f, dy %.2f mm)", i + 1, *caliper.length_mm,
                        std::abs(caliper.b.x - caliper.a.x) * entry.info.calibration.spacing_mm->dx_mm,
                        std::abs(caliper.b.y - caliper.a.y) * entry.info.calibration.spacing_mm->dy_mm);
        else
            ImGui::Text("caliper %zu: %.1f px (uncalibrated)", i + 1,
                        std::hypot(caliper.b.x - caliper.a.x, caliper.b.y - caliper.a.y));
        ImGui::PopID();
    }
    if (remove_caliper >= 0)
        entry.calipers.erase(entry.calipers.begin() + remove_caliper);
    int remove_roi = -1;
    for (std::size_t i = 0; i < entry.rois.size(); ++i) {
        const Roi& roi = entry.rois[i];
        ImGui::PushID(1000 + static_cast<int>(i));
        if (ImGui::SmallButton("x"))
            remove_roi = static_cast<int>(i);
        ImGui::SameLine();
        ImGui::Text("ROI %zu (%s, frame %d): mean %s sd %s grey, %lld px%s", i + 1,
                    roi.ellipse ? "ellipse" : "polygon", roi.frame, format(roi.stats.mean, "%.1f").c_str(),
                    format(roi.stats.sd, "%.1f").c_str(), roi.stats.pixel_count,
                    roi.stats.area_mm2 ? (", " + format(roi.stats.area_mm2, "%.1f") + " mm2").c_str() : "");
        ImGui::PopID();
    }
    if (remove_roi >= 0)
        entry.rois.erase(entry.rois.begin() + remove_roi);
    (void)state;
}

void correction_section(ViewerState& state, Entry& entry) {
    Correction& correction = entry.correction;
    ImGui::Text("%zu edit%s", correction.edits.size(), correction.edits.size() == 1 ? "" : "s");
    ImGui::SameLine();
    ImGui::BeginDisabled(correction.edits.empty());
    if (ImGui::SmallButton("undo"))
        undo(state, entry);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(correction.redo.empty());
    if (ImGui::SmallButton("redo"))
        redo(state, entry);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(correction.edits.empty());
    if (ImGui::SmallButton("revert to analysis")) {
        while (!correction.edits.empty())
            undo(state, entry);
    }
    ImGui::EndDisabled();
    if (!correction.edits.empty() && correction.measured_generation != correction.generation)
        ImGui::TextDisabled("re-measuring...");
    if (!correction.saved_note.empty())
        ImGui::TextDisabled("%s", correction.saved_note.c_str());
    if (!correction.error.empty())
        ImGui::TextColored(kErrorColour, "%s", correction.error.c_str());
    if (!entry.sidecar_error.empty())
        ImGui::TextColored(kWarningColour, "%s", entry.sidecar_error.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Paint (B), erase (X) or drag the outline (O); every edit re-measures and is saved to "
                       "%s. The DICOM file is never changed.",
                       scoring::sidecar_path(entry.path).filename().string().c_str());
    ImGui::PopStyleColor();
}

} // namespace

void draw_measurements_panel(ViewerState& state) {
    Entry* entry = state.current_entry();
    if (!entry) {
        ImGui::TextDisabled("No scan selected.");
        return;
    }
    if (entry->load == Stage::failed) {
        ImGui::TextColored(kErrorColour, "cannot open this file");
        ImGui::TextWrapped("%s", entry->error.c_str());
        return;
    }
    if (entry->load == Stage::pending) {
        ImGui::TextDisabled("loading...");
        return;
    }
    const scoring::ScanAnalysis* analysis = entry->shown_analysis();
    identity(*entry, analysis);
    ImGui::PushStyleColor(ImGuiCol_Text, kWarningColour);
    for (const auto& warning : entry->info.warnings)
        ImGui::TextWrapped("%s", warning.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
    if (entry->analysis_stage == Stage::running || entry->analysis_stage == Stage::pending) {
        ImGui::Text("analysing %c", "|/-\\"[static_cast<int>(ImGui::GetTime() * 8.0) & 3]);
    } else if (entry->analysis_stage == Stage::failed) {
        ImGui::TextColored(kErrorColour, "%s", entry->analysis_error.c_str());
    } else if (analysis) {
        const scoring::ScanResult& result = analysis->result;
        const bool corrected = analysis != entry->analysis.get();
        if (corrected)
            ImGui::TextColored(ImVec4(0.5f, 0.9f, 1.0f, 1.0f), "corrected by the user (%zu edit%s)",
                               entry->correction.edits.size(),
                               entry->correction.edits.size() == 1 ? "" : "s");
        const float confidence = static_cast<float>(result.confidence);
        ImGui::Text("confidence");
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, confidence >= 0.6f   ? ImVec4(0.3f, 0.75f, 0.35f, 1.0f)
                                                      : confidence >= 0.3f ? ImVec4(0.9f, 0.7f, 0.2f, 1.0f)
                                                                           : ImVec4(0.9f, 0.3f, 0.3f, 1.0f));
        char label[16];
        std::snprintf(label, sizeof label, "%.2f", confidence);
        ImGui::ProgressBar(confidence, ImVec2(-1, 0), label);
        ImGui::PopStyleColor();
        if (result.error)
            ImGui::TextColored(kErrorColour, "%s", result.error->c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningColour);
        for (const auto& warning : result.warnings)
            if (std::find(entry->info.warnings.begin(), entry->info.warnings.end(), warning) ==
                entry->info.warnings.end())
                ImGui::TextWrapped("%s", warning.c_str()); // load warnings are listed above already
        ImGui::PopStyleColor();
        result_table(result, corrected ? &entry->analysis->result : nullptr);
        ImGui::Text("thickness profile");
        profile_plot(result, state.ui_scale);
        if (ImGui::CollapsingHeader("Correction", ImGuiTreeNodeFlags_DefaultOpen))
            correction_section(state, *entry);
    }
    if (ImGui::CollapsingHeader("Calipers and ROIs", ImGuiTreeNodeFlags_DefaultOpen))
        tools_readings(state, *entry);
}

} // namespace tendo::viewer
