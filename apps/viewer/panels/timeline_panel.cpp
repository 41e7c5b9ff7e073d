#include "panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace tendo::viewer {

namespace {

struct Metric {
    const char* name;
    const char* unit;
    const char* pattern;
    std::function<std::optional<double>(const scoring::ScanResult&)> get;
};

const Metric kMetrics[] = {
    {"thickness max", "mm", "%.2f", [](const scoring::ScanResult& r) { return r.thickness.max_mm; }},
    {"thickness mean", "mm", "%.2f", [](const scoring::ScanResult& r) { return r.thickness.mean_mm; }},
    {"thickness at reference", "mm", "%.2f", [](const scoring::ScanResult& r) { return r.thickness.at_reference_mm; }},
    {"echogenicity mean", "grey", "%.1f", [](const scoring::ScanResult& r) { return r.echogenicity.mean; }},
    {"hypoechoic fraction", "0-1", "%.3f",
     [](const scoring::ScanResult& r) { return r.echogenicity.hypoechoic_fraction; }},
    {"vascular fraction", "0-1", "%.3f",
     [](const scoring::ScanResult& r) { return r.neovascularity.vascular_fraction; }},
    {"Ohberg grade", "0-4", "%.0f",
     [](const scoring::ScanResult& r) -> std::optional<double> {
         if (!r.neovascularity.ohberg_grade)
             return std::nullopt;
         return static_cast<double>(*r.neovascularity.ohberg_grade);
     }},
};

} // namespace

void draw_timeline_panel(ViewerState& state) {
    std::vector<const Entry*> visits;
    for (int id : state.compare_ids)
        if (const Entry* entry = state.entry(id); entry && entry->load == Stage::done)
            visits.push_back(entry);
    std::sort(visits.begin(), visits.end(), [](const Entry* a, const Entry* b) {
        return a->info.study_date_iso().value_or("") < b->info.study_date_iso().value_or("");
    });
    if (visits.empty())
        return;
    const int columns = 2 + static_cast<int>(visits.size()) + 1;
    if (!ImGui::BeginTable("timeline", columns, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV))
        return;
    const float character = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupColumn("metric", ImGuiTableColumnFlags_WidthFixed, 27 * character);
    ImGui::TableSetupColumn("over visits", ImGuiTableColumnFlags_WidthStretch);
    for (const Entry* visit : visits)
        ImGui::TableSetupColumn(describe_visit(*visit).c_str(), ImGuiTableColumnFlags_WidthFixed, 13 * character);
    ImGui::TableSetupColumn("first to last", ImGuiTableColumnFlags_WidthFixed, 14 * character);
    ImGui::TableHeadersRow();
    for (const Metric& metric : kMetrics) {
        std::vector<std::optional<double>> values;
        for (const Entry* visit : visits) {
            const scoring::ScanAnalysis* analysis = visit->shown_analysis();
            values.push_back(analysis ? metric.get(analysis->result) : std::nullopt);
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%s (%s)", metric.name, metric.unit);
        ImGui::TableNextColumn();
        // Only known values are plotted (an unknown is never drawn as zero).
        std::vector<float> points;
        float low = INFINITY;
        float high = -INFINITY;
        for (const auto& value : values) {
            if (value) {
                points.push_back(static_cast<float>(*value));
                low = std::min(low, static_cast<float>(*value));
                high = std::max(high, static_cast<float>(*value));
            }
        }
        if (points.size() >= 2) {
            const float margin = std::max(0.05f * std::abs(high), (high - low) * 0.2f) + 1e-3f;
            ImGui::PushID(metric.name);
            ImGui::PlotLines("##trend", points.data(), static_cast<int>(points.size()), 0, nullptr, low - margin,
                             high + margin, ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight() * 2.0f));
            ImGui::PopID();
        } else {
            ImGui::TextDisabled("%zu of %zu visits known", points.size(), values.size());
        }
        for (const auto& value : values) {
            ImGui::TableNextColumn();
            if (value)
                ImGui::Text(metric.pattern, *value);
            else
                ImGui::TextDisabled("unknown");
        }
        ImGui::TableNextColumn();
        if (values.front() && values.back() && values.size() >= 2) {
            char text[48];
            std::snprintf(text, sizeof text, "%+.3g %s", *values.back() - *values.front(), metric.unit);
            ImGui::TextUnformatted(text);
        } else {
            ImGui::TextDisabled("unknown");
        }
    }
    ImGui::EndTable();
    bool mixed = false;
    for (const Entry* visit : visits)
        mixed |= visit->info.patient_id != visits.front()->info.patient_id ||
                 visit->info.laterality != visits.front()->info.laterality;
    if (mixed)
        ImGui::TextColored(ImVec4(1.0f, 0.78f, 0.2f, 1.0f),
                           "these scans are not all of one patient and side: the trend compares different tendons");
}

} // namespace tendo::viewer
