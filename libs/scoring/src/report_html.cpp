// The follow-up report page: plain HTML and inline SVG, images as data: URIs, no scripts.
#include "tendo/scoring/followup.hpp"

#include "report_text.hpp"
#include "tendo/version.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLeftColour = "#1f6fb4";
constexpr const char* kRightColour = "#c8511c";

const char* side_colour(const std::string& side) { return side == "L" ? kLeftColour : kRightColour; }
std::string side_name(const std::string& side) { return side == "L" ? "left" : "right"; }

/// Days since 1970-01-01 of an ISO date (the dates here were checked when grouping).
double day_number(const std::string& iso) {
    using namespace std::chrono;
    const int y = std::stoi(iso.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(iso.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(iso.substr(8, 2)));
    const year_month_day date{year{y}, month{m}, day{d}};
    if (!date.ok())
        return 0.0;
    return static_cast<double>(sys_days{date}.time_since_epoch().count());
}

int decimals_for(const std::string& unit) {
    if (unit == "mm")
        return 2;
    if (unit == "grade")
        return 1;
    return 3;
}

struct PlotPoint {
    double day = 0.0;
    double value = 0.0;
    double low = 0.0;
    double high = 0.0;
    std::string date;
};

struct PlotLine {
    std::string label;
    std::string colour;
    std::vector<PlotPoint> points;
    /// Baseline ± MDC, drawn as a light band.
    std::optional<std::pair<double, double>> mdc_band;
};

struct Plot {
    std::string title;
    std::string unit;
    std::vector<PlotLine> lines;
    /// A fixed band, e.g. the acceptable pain band 0-3.
    std::optional<std::pair<double, double>> band;
    std::string band_label;
    std::optional<std::pair<double, double>> y_range;
};

std::string fmt(double v) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    s << v;
    return s.str();
}

std::string svg_plot(const Plot& plot, double day0, double day1) {
    const double width = 360, height = 200, left = 52, right = 30, top = 26, bottom = 34;
    double y0 = 1e300, y1 = -1e300;
    for (const auto& line : plot.lines) {
        for (const auto& p : line.points) {
            y0 = std::min(y0, p.low);
            y1 = std::max(y1, p.high);
        }
        if (line.mdc_band) {
            y0 = std::min(y0, line.mdc_band->first);
            y1 = std::max(y1, line.mdc_band->second);
        }
    }
    // Every plotted quantity is non-negative: a band or padding never takes the axis below 0.
    y0 = std::max(y0, 0.0);
    if (plot.y_range) {
        y0 = plot.y_range->first;
        y1 = plot.y_range->second;
    }
    if (!(y1 > y0)) {
        const double mid = y0 < 1e300 ? y0 : 0.0;
        y0 = mid - 0.5;
        y1 = mid + 0.5;
    } else if (!plot.y_range) {
        const double pad = 0.08 * (y1 - y0);
        y0 = std::max(0.0, y0 - pad);
        y1 += pad;
    }
    if (!(day1 > day0)) {
        day0 -= 1.0;
        day1 += 1.0;
    }
    const double pw = width - left - right, ph = height - top - bottom;
    auto x = [&](double day) { return left + (day - day0) / (day1 - day0) * pw; };
    auto y = [&](double v) { return top + (1.0 - (v - y0) / (y1 - y0)) * ph; };

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" aria-label=\""
        << html_escape(plot.title) << "\">";
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
        << "\" fill=\"#fafafa\" stroke=\"#bbb\"/>";
    if (plot.band) {
        const double b0 = std::max(plot.band->first, y0), b1 = std::min(plot.band->second, y1);
        svg << "<rect x=\"" << left << "\" y=\"" << fmt(y(b1)) << "\" width=\"" << pw << "\" height=\""
            << fmt(y(b0) - y(b1)) << "\" fill=\"#cdebcf\"/>";
        svg << "<text x=\"" << left + 4 << "\" y=\"" << fmt(y(b1) + 12) << "\" class=\"band\">"
            << html_escape(plot.band_label) << "</text>";
    }
    for (const auto& line : plot.lines)
        if (line.mdc_band)
            svg << "<rect x=\"" << left << "\" y=\"" << fmt(y(std::min(line.mdc_band->second, y1)))
                << "\" width=\"" << pw << "\" height=\""
                << fmt(y(std::max(line.mdc_band->first, y0)) - y(std::min(line.mdc_band->second, y1))) << "\" fill=\""
                << line.colour << "\" fill-opacity=\"0.10\"/>";
    // Axes: three y ticks, x ticks at the visits.
    for (int k = 0; k <= 2; ++k) {
        const double v = y0 + (y1 - y0) * k / 2.0;
        svg << "<text x=\"" << left - 4 << "\" y=\"" << fmt(y(v) + 4) << "\" text-anchor=\"end\">"
            << format_value(v, y1 - y0 >= 5.0 ? 0 : y1 - y0 >= 0.5 ? 1 : 2) << "</text>";
    }
    std::set<std::string> dates;
    for (const auto& line : plot.lines)
        for (const auto& p : line.points)
            dates.insert(p.date);
    for (const auto& date : dates) {
        const double xd = x(day_number(date));
        svg << "<line x1=\"" << fmt(xd) << "\" x2=\"" << fmt(xd) << "\" y1=\"" << top + ph << "\" y2=\""
            << top + ph + 4 << "\" stroke=\"#666\"/>";
        svg << "<text x=\"" << fmt(xd) << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\">"
            << date.substr(2) << "</text>";
    }
    svg << "<text x=\"" << left << "\" y=\"16\" class=\"title\">" << html_escape(plot.title)
        << (plot.unit.empty() ? "" : " (" + html_escape(plot.unit) + ")") << "</text>";
    double legend_x = width - right;
    for (auto it = plot.lines.rbegin(); it != plot.lines.rend(); ++it) {
        svg << "<text x=\"" << fmt(legend_x - 4) << "\" y=\"" << top + 12 << "\" text-anchor=\"end\" style=\"fill:" << it->colour << "\">"
            << html_escape(it->label) << "</text>";
        legend_x -= 8.0 * static_cast<double>(it->label.size()) + 12.0;
    }
    for (const auto& line : plot.lines) {
        if (line.points.size() > 1) {
            svg << "<polyline fill=\"none\" stroke=\"" << line.colour << "\" stroke-width=\"2\" points=\"";
            for (const auto& p : line.points)
                svg << fmt(x(p.day)) << ',' << fmt(y(p.value)) << ' ';
            svg << "\"/>";
        }
        for (const auto& p : line.points) {
            if (p.high > p.low)
                svg << "<line x1=\"" << fmt(x(p.day)) << "\" x2=\"" << fmt(x(p.day)) << "\" y1=\"" << fmt(y(p.low))
                    << "\" y2=\"" << fmt(y(p.high)) << "\" stroke=\"" << line.colour << "\"/>";
            svg << "<circle cx=\"" << fmt(x(p.day)) << "\" cy=\"" << fmt(y(p.value)) << "\" r=\"3.5\" fill=\""
                << line.colour << "\"><title>" << html_escape(line.label + " " + p.date + ": ")
                << format_value(p.value, decimals_for(plot.unit)) << "</title></circle>";
        }
    }
    svg << "</svg>";
    return svg.str();
}

std::string change_cell(const std::optional<double>& change, bool beyond_mdc, const FollowupMetric& metric) {
    if (!change)
        return "<td></td>";
    std::string text = (*change > 0 ? "+" : "") + format_value(change, decimals_for(metric.unit));
    if (beyond_mdc)
        return "<td class=\"beyond\" title=\"beyond the MDC of " + format_value(metric.mdc, 2) + "\">" + text +
               " &#9650;</td>";
    return "<td>" + text + "</td>";
}

const char* kStyle = R"(
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:20px;color:#222;font-size:14px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:19px;border-bottom:2px solid #444;margin-top:28px}
h3{font-size:16px;margin:18px 0 6px}
.plots{display:flex;flex-wrap:wrap;gap:8px}
svg.plot text{font-size:11px;fill:#333}svg.plot text.title{font-size:12px;font-weight:bold}
svg.plot text.band{fill:#2e7d32}
table{border-collapse:collapse;margin:6px 0 12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#eee}td.l{text-align:left}
td.beyond{background:#ffe0b2;font-weight:bold}
.thumbs{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}
.thumbs figure{margin:0;text-align:center;font-size:12px}.thumbs img{width:260px;border:1px solid #999}
.side-L{color:#1f6fb4}.side-R{color:#c8511c}.note{color:#555;font-size:12px}
nav a{margin-right:12px}
)";

} // namespace

void write_compare_html(const FollowUp& followup, const fs::path& path) {
    const auto& metrics = followup_metrics();
    std::map<std::string, std::vector<const Series*>> by_patient;
    for (const auto& series : followup.series)
        by_patient[series.patient_id].push_back(&series);
    std::map<std::string, std::vector<const ClinicalVisit*>> clinical_by_patient;
    for (const auto& c : followup.clinical)
        clinical_by_patient[c.patient_id].push_back(&c);
    for (const auto& [patient, rows] : clinical_by_patient)
        by_patient[patient];

    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
         << "<title>tendo follow-up report</title><style>" << kStyle << "</style></head><body>\n";
    html << "<h1>tendo follow-up report</h1>\n<p class=\"note\">" << followup.scans.size() << " scans, "
         << by_patient.size() << " patients; tendo " << html_escape(kPipelineVersion)
         << ". Each point is the median of the visit's scans, the whisker their range; the light band is "
            "baseline &plusmn; minimal detectable change (MDC). Changes beyond the MDC are marked &#9650;.</p>\n";
    html << "<nav>";
    for (const auto& [patient, list] : by_patient)
        html << "<a href=\"#p-" << html_escape(patient) << "\">" << html_escape(patient) << "</a>";
    html << "</nav>\n";

    for (const auto& [patient, list] : by_patient) {
        html << "<section id=\"p-" << html_escape(patient) << "\"><h2>Patient " << html_escape(patient) << "</h2>\n";
        double day0 = 1e300, day1 = -1e300;
        for (const Series* s : list)
            for (const auto& v : s->visits) {
                day0 = std::min(day0, day_number(v.date));
                day1 = std::max(day1, day_number(v.date));
            }
        for (const ClinicalVisit* c : clinical_by_patient[patient]) {
            day0 = std::min(day0, day_number(c->date));
            day1 = std::max(day1, day_number(c->date));
        }
        std::set<View> views;
        for (const Series* s : list)
            views.insert(s->view);
        for (const View view : views) {
            std::vector<const Series*> sides;
            for (const Series* s : list)
                if (s->view == view)
                    sides.push_back(s);
            html << "<h3>" << html_escape(to_string(view)) << " scans</h3>\n<div class=\"plots\">";
            for (std::size_t m = 0; m < metrics.size(); ++m) {
                Plot plot;
                plot.title = metrics[m].label;
                plot.unit = metrics[m].unit == "fraction" ? "0-1" : metrics[m].unit == "ratio" ? "" : metrics[m].unit;
                if (metrics[m].unit == "grade")
                    plot.y_range = std::make_pair(0.0, 4.0);
                for (const Series* s : sides) {
                    PlotLine line;
                    line.label = side_name(s->side);
                    line.colour = side_colour(s->side);
                    for (const auto& visit : s->visits) {
                        const auto& v = visit.values[m];
                        if (!v.median)
                            continue;
                        if (!line.mdc_band && metrics[m].mdc)
                            line.mdc_band = std::make_pair(*v.median - *metrics[m].mdc, *v.median + *metrics[m].mdc);
                        line.points.push_back({day_number(visit.date), *v.median, *v.min, *v.max, visit.date});
                    }
                    if (!line.points.empty())
                        plot.lines.push_back(std::move(line));
                }
                if (!plot.lines.empty())
                    html << svg_plot(plot, day0, day1);
            }
            html << "</div>\n";

            // Overlay thumbnails: one per visit (the first scan with an overlay), sides one above the other.
            for (const Series* s : sides) {
                std::ostringstream thumbs;
                int shown = 0;
                for (const auto& visit : s->visits)
                    for (const std::size_t i : visit.scans) {
                        const auto& scan = followup.scans[i];
                        if (scan.overlay_png.empty())
                            continue;
                        thumbs << "<figure><img alt=\"" << html_escape(fs::path(scan.result.file).filename().string())
                               << "\" src=\"data:image/png;base64," << base64(scan.overlay_png)
                               << "\"><figcaption>" << html_escape(visit.date) << " &middot; "
                               << html_escape(fs::path(scan.result.file).filename().string())
                               << "</figcaption></figure>";
                        ++shown;
                        break;
                    }
                if (shown > 0)
                    html << "<p class=\"side-" << s->side << "\"><b>" << side_name(s->side)
                         << " side, overlays per visit</b></p><div class=\"thumbs\">" << thumbs.str() << "</div>\n";
            }

            // Table of changes.
            html << "<table><tr><th>side</th><th>visit</th><th>metric</th><th>n</th><th>median</th><th>range</th>"
                    "<th>&Delta; baseline</th><th>&Delta; previous</th><th>MDC</th><th>other side</th>"
                    "<th>L&minus;R or R&minus;L</th></tr>\n";
            for (const Series* s : sides)
                for (const auto& visit : s->visits)
                    for (std::size_t m = 0; m < metrics.size(); ++m) {
                        const auto& v = visit.values[m];
                        if (!v.median)
                            continue;
                        const int d = decimals_for(metrics[m].unit);
                        html << "<tr><td class=\"l side-" << s->side << "\">" << side_name(s->side) << "</td><td>"
                             << visit.date << "</td><td class=\"l\">" << html_escape(metrics[m].label) << "</td><td>"
                             << v.n << "</td><td>" << format_value(v.median, d) << "</td><td>"
                             << (v.n > 1 ? format_value(v.min, d) + "&ndash;" + format_value(v.max, d) : "")
                             << "</td>" << change_cell(v.change_from_baseline, v.baseline_beyond_mdc, metrics[m])
                             << change_cell(v.change_from_previous, v.previous_beyond_mdc, metrics[m]) << "<td>"
                             << format_value(metrics[m].mdc, 2) << "</td><td>" << format_value(v.contralateral, d)
                             << "</td>" << change_cell(v.asymmetry, v.asymmetry_beyond_mdc, metrics[m]) << "</tr>\n";
                    }
            html << "</table>\n";
        }

        // Clinical timeline: pain during loading with the acceptable band, and VISA-H.
        const auto& rows = clinical_by_patient[patient];
        if (!rows.empty()) {
            Plot pain{"Pain during loading", "NRS 0-10", {}, std::make_pair(0.0, 3.0), "acceptable (0-3)",
                      std::make_pair(0.0, 10.0)};
            Plot visa{"VISA-H", "0-100", {}, std::nullopt, "", std::make_pair(0.0, 100.0)};
            for (const std::string side : {"L", "R"}) {
                PlotLine p{side_name(side), side_colour(side), {}, std::nullopt};
                PlotLine q = p;
                for (const ClinicalVisit* c : rows) {
                    if (c->side != side)
                        continue;
                    if (c->pain_nrs)
                        p.points.push_back({day_number(c->date), *c->pain_nrs, *c->pain_nrs, *c->pain_nrs, c->date});
                    if (c->visa_h)
                        q.points.push_back({day_number(c->date), *c->visa_h, *c->visa_h, *c->visa_h, c->date});
                }
                if (!p.points.empty())
                    pain.lines.push_back(std::move(p));
                if (!q.points.empty())
                    visa.lines.push_back(std::move(q));
            }
            html << "<h3>Clinical</h3><div class=\"plots\">";
            if (!pain.lines.empty())
                html << svg_plot(pain, day0, day1);
            if (!visa.lines.empty())
                html << svg_plot(visa, day0, day1);
            html << "</div>\n";
        }
        html << "</section>\n";
    }

    html << "<h2>Scans left out</h2>\n";
    if (followup.excluded.empty()) {
        html << "<p>None.</p>\n";
    } else {
        html << "<table><tr><th>file</th><th>reason</th><th>still in unitless trends</th></tr>\n";
        for (const auto& e : followup.excluded)
            html << "<tr><td class=\"l\">" << html_escape(e.file) << "</td><td class=\"l\">" << html_escape(e.reason)
                 << "</td><td>" << (e.mm_only ? "yes" : "no") << "</td></tr>\n";
        html << "</table>\n";
    }
    html << "<h2>Minimal detectable change</h2>\n<table><tr><th>metric</th><th>MDC</th><th>source</th></tr>\n";
    for (const auto& metric : metrics)
        html << "<tr><td class=\"l\">" << html_escape(metric.label) << "</td><td>"
             << (metric.mdc ? format_value(metric.mdc, 2) + " " + html_escape(metric.unit) : "&ndash;")
             << "</td><td class=\"l\">" << html_escape(metric.mdc_source) << "</td></tr>\n";
    html << "</table>\n<p class=\"note\">Details: docs/followup.md in the tendo sources.</p>\n</body></html>\n";
    write_text_atomically(path, html.str());
}

} // namespace tendo::scoring
