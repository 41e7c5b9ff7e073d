#include "panels.hpp"

#include "tendo/scoring/followup.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tendo::viewer {

namespace {

const ImVec4 kBeyondColour(1.0f, 0.55f, 0.25f, 1.0f);

std::string format_value(double value, const std::string& unit) {
    char text[48];
    if (unit == "grade")
        std::snprintf(text, sizeof text, "%.0f", value);
    else if (unit == "mm")
        std::snprintf(text, sizeof text, "%.2f", value);
    else
        std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

void series_table(const scoring::Series& series, const std::vector<scoring::FollowupMetric>& metrics) {
    const int visits = static_cast<int>(series.visits.size());
    ImGui::Text("%s, %s side, %s view: %d visit%s", series.patient_id.c_str(), series.side.c_str(),
                to_string(series.view).c_str(), visits, visits == 1 ? "" : "s");
    if (!ImGui::BeginTable(("timeline" + series.patient_id + series.side).c_str(), 4 + visits,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV))
        return;
    const float character = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupColumn("metric", ImGuiTableColumnFlags_WidthFixed, 31 * character);
    ImGui::TableSetupColumn("over visits", ImGuiTableColumnFlags_WidthStretch);
    for (const scoring::Visit& visit : series.visits)
        ImGui::TableSetupColumn(visit.date.c_str(), ImGuiTableColumnFlags_WidthFixed, 11 * character);
    ImGui::TableSetupColumn("from first", ImGuiTableColumnFlags_WidthFixed, 10 * character);
    ImGui::TableSetupColumn("MDC", ImGuiTableColumnFlags_WidthFixed, 7 * character);
    ImGui::TableHeadersRow();
    for (std::size_t m = 0; m < metrics.size(); ++m) {
        const scoring::FollowupMetric& metric = metrics[m];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%s (%s)", metric.label.c_str(), metric.unit.c_str());
        ImGui::TableNextColumn();
        // Only known medians are plotted (an unknown is never drawn as zero).
        std::vector<float> points;
        for (const scoring::Visit& visit : series.visits)
            if (m < visit.values.size() && visit.values[m].median)
                points.push_back(static_cast<float>(*visit.values[m].median));
        if (points.size() >= 2) {
            const auto [low, high] = std::minmax_element(points.begin(), points.end());
            const float margin = std::max(0.05f * std::abs(*high), (*high - *low) * 0.2f) + 1e-3f;
            ImGui::PushID(static_cast<int>(m));
            ImGui::PlotLines("##trend", points.data(), static_cast<int>(points.size()), 0, nullptr,
                             *low - margin, *high + margin,
                             ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetTextLineHeight() * 2.0f));
            ImGui::PopID();
        } else {
            ImGui::TextDisabled("%zu of %d visits known", points.size(), visits);
        }
        const scoring::VisitValue* last_known = nullptr;
        for (const scoring::Visit& visit : series.visits) {
            ImGui::TableNextColumn();
            if (m < visit.values.size() && visit.values[m].median) {
                const scoring::VisitValue& value = visit.values[m];
                ImGui::TextUnformatted(format_value(*value.median, metric.unit).c_str());
                if (value.n > 1 && ImGui::IsItemHovered())
                    ImGui::SetTooltip("median of %d scans, %s to %s", value.n,
                                      format_value(value.min.value_or(0), metric.unit).c_str(),
                                      format_value(value.max.value_or(0), metric.unit).c_str());
                last_known = &value;
            } else {
                ImGui::TextDisabled("unknown");
            }
        }
        ImGui::TableNextColumn();
        if (last_known && last_known->change_from_baseline) {
            const std::string change = (*last_known->change_from_baseline >= 0 ? "+" : "") +
                                       format_value(*last_known->change_from_baseline, metric.unit);
            if (last_known->baseline_beyond_mdc)
                ImGui::TextColored(kBeyondColour, "%s *", change.c_str());
            else
                ImGui::TextUnformatted(change.c_str());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(last_known->baseline_beyond_mdc ? "beyond the minimal detectable change"
                                                                  : "within measurement noise (MDC)");
        } else {
            ImGui::TextDisabled("-");
        }
        ImGui::TableNextColumn();
        if (metric.mdc) {
            ImGui::TextUnformatted(format_value(*metric.mdc, metric.unit).c_str());
            if (ImGui::IsItemHovered() && !metric.mdc_source.empty())
                ImGui::SetTooltip("%s", metric.mdc_source.c_str());
        } else {
            ImGui::TextDisabled("none");
        }
    }
    ImGui::EndTable();
}

} // namespace

void draw_timeline_panel(ViewerState& state) {
    // The follow-up comparison of tendo compare, on the shown (corrected) results of the compared
    // scans: medians per visit, change from the first visit against the minimal detectable change.
    std::vector<scoring::ScoredScan> scans;
    for (int id : state.compare_ids)
        if (const Entry* entry = state.entry(id); entry && entry->load == Stage::done) {
            if (const scoring::ScanAnalysis* analysis = entry->shown_analysis())
                scans.push_back({analysis->result, entry->path.parent_path().string(), {}});
        }
    if (scans.empty()) {
        ImGui::TextDisabled("analysing the compared scans...");
        return;
    }
    const scoring::FollowUp followup = scoring::build_followup(std::move(scans), {});
    const auto& metrics = scoring::followup_metrics();
    for (const scoring::Series& series : followup.series)
        series_table(series, metrics);
    if (followup.series.size() > 1)
        ImGui::TextColored(ImVec4(1.0f, 0.78f, 0.2f, 1.0f),
                           "these scans are of more than one patient, side or view: each is its own series");
    for (const scoring::ExcludedScan& excluded : followup.excluded)
        ImGui::TextColored(ImVec4(1.0f, 0.78f, 0.2f, 1.0f), "%s: %s%s", excluded.file.c_str(),
                           excluded.reason.c_str(),
                           excluded.mm_only ? " (left out of the mm metrics)" : " (left out)");
    ImGui::TextDisabled("* change beyond the minimal detectable change; see docs/followup.md");
}

} // namespace tendo::viewer
