#include "tendo/scoring/followup.hpp"

#include "report_text.hpp"
#include "tendo/scoring/batch_inputs.hpp"
#include "tendo/scoring/results_store.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

std::optional<double> thickness_max(const ScanResult& r) { return r.thickness.max_mm; }
std::optional<double> thickness_at_reference(const ScanResult& r) { return r.thickness.at_reference_mm; }
std::optional<double> echo_normalized(const ScanResult& r) { return r.echogenicity.normalized; }
std::optional<double> hypoechoic(const ScanResult& r) { return r.echogenicity.hypoechoic_fraction; }
std::optional<double> vascular(const ScanResult& r) {
    // Without Doppler the fraction is 0 by definition, not a measurement of flow: leave it out.
    if (!r.neovascularity.doppler)
        return std::nullopt;
    return r.neovascularity.vascular_fraction;
}
std::optional<double> ohberg(const ScanResult& r) {
    if (!r.neovascularity.doppler || !r.neovascularity.ohberg_grade)
        return std::nullopt;
    return static_cast<double>(*r.neovascularity.ohberg_grade);
}

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string() + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<ScoredScan> load_results_folder(const fs::path& dir) {
    const fs::path jsonl = dir / "results.jsonl";
    std::map<std::string, std::string> overlay_by_file;
    const fs::path csv = dir / "results.csv";
    if (fs::exists(csv)) {
        const auto rows = parse_csv(read_whole(csv));
        if (!rows.empty()) {
            const auto& head = rows.front();
            const auto file_col = std::find(head.begin(), head.end(), "file");
            const auto overlay_col = std::find(head.begin(), head.end(), "overlay");
            if (file_col != head.end() && overlay_col != head.end()) {
                const auto fi = static_cast<std::size_t>(file_col - head.begin());
                const auto oi = static_cast<std::size_t>(overlay_col - head.begin());
                for (std::size_t r = 1; r < rows.size(); ++r)
                    if (rows[r].size() > std::max(fi, oi) && !rows[r][oi].empty())
                        overlay_by_file[rows[r][fi]] = rows[r][oi];
            }
        }
    }
    std::ifstream in(jsonl);
    if (!in)
        throw Error(jsonl.string() + ": cannot read");
    std::vector<ScoredScan> scans;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        ScoredScan scan;
        try {
            scan.result = result_from_json(nlohmann::json::parse(line));
        } catch (const nlohmann::json::exception& error) {
            throw Error(jsonl.string() + ": line " + std::to_string(number) + ": not a result object (" +
                        error.what() + ")");
        }
        scan.source = dir.string();
        fs::path overlay;
        if (const auto it = overlay_by_file.find(scan.result.file); it != overlay_by_file.end())
            overlay = dir / it->second;
        else
            overlay = dir / "overlays" / (output_stem(scan.result.file) + ".png");
        // results.csv names overlays inside its folder; anything else (absolute, "..") is not read.
        if (const fs::path named = overlay.lexically_relative(dir);
            named.empty() || named.is_absolute() || *named.begin() == "..")
            overlay.clear();
        if (fs::is_regular_file(overlay))
            scan.overlay_png = read_whole(overlay);
        scans.push_back(std::move(scan));
    }
    return scans;
}

std::vector<ScoredScan> load_store(const fs::path& db) {
    const auto store = ResultsStore::open(db, true);
    const std::string version = store.meta("pipeline_version").value_or("");
    const std::string options_key = store.meta("options_key").value_or("");
    std::vector<ScoredScan> scans;
    for (const auto& input : store.inputs()) {
        ScoredScan scan;
        scan.source = db.string();
        if (input.outcome == InputOutcome::unreadable) {
            scan.result = error_result(input.file, input.note);
        } else if (input.outcome == InputOutcome::scored) {
            const auto stored = store.find_result(ResultKey{input.content_sha256, version, options_key});
            if (!stored)
                throw Error(db.string() + ": result of " + input.file + " missing from the store");
            try {
                scan.result = result_from_json(nlohmann::json::parse(stored->result_json));
            } catch (const nlohmann::json::exception& error) {
                throw Error(db.string() + ": result of " + input.file + " is not a result object");
            }
            scan.result.file = input.file;
            scan.overlay_png = stored->overlay_png;
        } else {
            continue;
        }
        scans.push_back(std::move(scan));
    }
    return scans;
}

std::string normalise_date(const std::string& text) {
    if (text.size() == 8 && std::all_of(text.begin(), text.end(), ::isdigit))
        return text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2);
    if (text.size() == 10 && text[4] == '-' && text[7] == '-')
        return text;
    return {};
}

std::string normalise_side(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    if (text == "L" || text == "LEFT")
        return "L";
    if (text == "R" || text == "RIGHT")
        return "R";
    return {};
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::optional<double> number_in(const std::string& cell, double lo, double hi, const std::string& where) {
    if (cell.empty())
        return std::nullopt;
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(cell, &used);
    } catch (const std::exception&) {
        throw Error(where + ": not a number: " + cell);
    }
    if (used != cell.size() || !std::isfinite(value))
        throw Error(where + ": not a number: " + cell);
    if (value < lo || value > hi)
        throw Error(where + ": " + cell + " outside " + format_value(lo, 0) + "-" + format_value(hi, 0));
    return value;
}

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

bool beyond(const std::optional<double>& change, const std::optional<double>& mdc) {
    // A change equal to the MDC is not beyond it; a small epsilon keeps 0.08 - 0.00 from
    // flipping on rounding.
    return change && mdc && std::fabs(*change) > *mdc + 1e-9;
}

} // namespace

const std::vector<FollowupMetric>& followup_metrics() {
    static const std::vector<FollowupMetric> metrics = {
        {"thickness_max_mm", "Thickness max", "mm", true, 0.7,
         "Ultrasound tendon thickness test-retest MDC < 0.7 mm (Muscles Ligaments Tendons J 2017;7:192)",
         &thickness_max},
        {"thickness_at_reference_mm", "Thickness at reference", "mm", true, 0.7,
         "as thickness max (Muscles Ligaments Tendons J 2017;7:192)", &thickness_at_reference},
        {"echogenicity_normalized", "Echogenicity (normalized)", "ratio", false, std::nullopt,
         "no published MDC for this ratio; changes are shown, not flagged", &echo_normalized},
        {"hypoechoic_fraction", "Hypoechoic fraction", "fraction", false, std::nullopt,
         "no published MDC for this fraction; changes are shown, not flagged", &hypoechoic},
        {"vascular_fraction", "Vascular fraction", "fraction", false, 0.08,
         "Doppler surface area quantification MDD 8.0 % (van der Vlist et al., J Ultrasound Med 2020)",
         &vascular},
        {"ohberg_grade", "Öhberg grade", "grade", false, 1.53,
         "modified Öhberg score MDD 1.53 points (van der Vlist et al., J Ultrasound Med 2020)", &ohberg},
    };
    return metrics;
}

std::vector<ScoredScan> load_scored(const fs::path& path) {
    if (fs::is_regular_file(path)) {
        if (path.extension() == ".sqlite" || path.extension() == ".db")
            return load_store(path);
        throw Error(path.string() + ": not a results folder or a tendo.sqlite store");
    }
    if (!fs::is_directory(path))
        throw Error(path.string() + ": no such folder or store");
    if (fs::is_regular_file(path / "results.jsonl"))
        return load_results_folder(path);
    if (fs::is_regular_file(path / "tendo.sqlite"))
        return load_store(path / "tendo.sqlite");
    throw Error(path.string() + ": holds neither results.jsonl nor tendo.sqlite");
}

std::vector<ClinicalVisit> read_clinical_csv(const fs::path& path) {
    const auto rows = parse_csv(read_whole(path));
    if (rows.empty())
        throw Error(path.string() + ": empty");
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < rows.front().size(); ++i)
        column[lower(rows.front()[i])] = i;
    auto find = [&](std::initializer_list<const char*> names) -> std::optional<std::size_t> {
        for (const char* name : names)
            if (const auto it = column.find(name); it != column.end())
                return it->second;
        return std::nullopt;
    };
    const auto patient = find({"patient", "patient_id"});
    const auto date = find({"date", "study_date"});
    const auto side = find({"side", "laterality"});
    const auto pain = find({"pain", "pain_nrs", "nrs"});
    const auto visa = find({"visa_h", "visa-h", "visah"});
    if (!patient || !date || !side)
        throw Error(path.string() + ": header needs patient, date and side columns");
    std::vector<ClinicalVisit> visits;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.size() == 1 && row[0].empty())
            continue;
        const std::string where = path.string() + ": line " + std::to_string(r + 1);
        auto cell = [&](std::optional<std::size_t> index) {
            return index && *index < row.size() ? row[*index] : std::string();
        };
        ClinicalVisit visit;
        visit.patient_id = cell(patient);
        visit.date = normalise_date(cell(date));
        visit.side = normalise_side(cell(side));
        if (visit.patient_id.empty())
            throw Error(where + ": no patient");
        if (visit.date.empty())
            throw Error(where + ": date is not YYYY-MM-DD: " + cell(date));
        if (visit.side.empty())
            throw Error(where + ": side is not L or R: " + cell(side));
        visit.pain_nrs = number_in(cell(pain), 0.0, 10.0, where + ": pain");
        visit.visa_h = number_in(cell(visa), 0.0, 100.0, where + ": visa_h");
        visits.push_back(std::move(visit));
    }
    return visits;
}

FollowUp build_followup(std::vector<ScoredScan> scans, std::vector<ClinicalVisit> clinical) {
    FollowUp out;
    out.scans = std::move(scans);
    const auto& metrics = followup_metrics();

    // (patient, view, side) -> date -> scan indices
    using Key = std::tuple<std::string, int, std::string>;
    std::map<Key, std::map<std::string, std::vector<std::size_t>>> groups;
    std::set<std::string> seen_uids;
    for (std::size_t i = 0; i < out.scans.size(); ++i) {
        const auto& r = out.scans[i].result;
        std::string reason;
        if (r.status == Status::error)
            reason = "not scored: " + r.error.value_or("error");
        else if (!r.patient_id || r.patient_id->empty())
            reason = "no patient id";
        else if (!r.study_date || normalise_date(*r.study_date).empty())
            reason = "no study date";
        else if (!r.laterality || normalise_side(*r.laterality).empty())
            reason = "no laterality (L/R)";
        else if (r.view == View::none)
            reason = "no tendon found (view none)";
        else if (r.sop_instance_uid && !r.sop_instance_uid->empty() && !seen_uids.insert(*r.sop_instance_uid).second)
            reason = "same SOP instance UID as an earlier scan (counted once)";
        if (!reason.empty()) {
            out.excluded.push_back({r.file, reason, false});
            continue;
        }
        if (!r.calibrated)
            out.excluded.push_back({r.file, "uncalibrated: left out of the mm trends", true});
        groups[{*r.patient_id, static_cast<int>(r.view), normalise_side(*r.laterality)}]
              [normalise_date(*r.study_date)]
                  .push_back(i);
    }

    for (auto& [key, by_date] : groups) {
        Series series;
        series.patient_id = std::get<0>(key);
        series.view = static_cast<View>(std::get<1>(key));
        series.side = std::get<2>(key);
        for (auto& [date, indices] : by_date) {
            Visit visit;
            visit.date = date;
            visit.scans = indices;
            for (const auto& metric : metrics) {
                std::vector<double> values;
                for (const std::size_t i : indices) {
                    const auto& r = out.scans[i].result;
                    if (metric.needs_calibration && !r.calibrated)
                        continue;
                    if (const auto v = metric.value(r); v && std::isfinite(*v))
                        values.push_back(*v);
                }
                VisitValue value;
                value.n = static_cast<int>(values.size());
                if (!values.empty()) {
                    value.median = median_of(values);
                    value.min = *std::min_element(values.begin(), values.end());
                    value.max = *std::max_element(values.begin(), values.end());
                }
                visit.values.push_back(value);
            }
            series.visits.push_back(std::move(visit));
        }
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            std::optional<double> baseline;
            std::optional<double> previous;
            for (auto& visit : series.visits) {
                auto& v = visit.values[m];
                if (!v.median)
                    continue;
                if (baseline) {
                    v.change_from_baseline = *v.median - *baseline;
                    v.change_from_previous = *v.median - *previous;
                    v.baseline_beyond_mdc = beyond(v.change_from_baseline, metrics[m].mdc);
                    v.previous_beyond_mdc = beyond(v.change_from_previous, metrics[m].mdc);
                } else {
                    baseline = v.median;
                }
                previous = v.median;
            }
        }
        out.series.push_back(std::move(series));
    }

    // Side-to-side asymmetry: the other side's series of the same patient and view, same date.
    for (auto& series : out.series) {
        for (const auto& other : out.series) {
            if (&other == &series || other.patient_id != series.patient_id || other.view != series.view)
                continue;
            for (auto& visit : series.visits) {
                for (const auto& other_visit : other.visits) {
                    if (other_visit.date != visit.date)
                        continue;
                    for (std::size_t m = 0; m < metrics.size(); ++m) {
                        auto& v = visit.values[m];
                        const auto& o = other_visit.values[m];
                        if (!v.median || !o.median)
                            continue;
                        v.contralateral = o.median;
                        v.asymmetry = *v.median - *o.median;
                        v.asymmetry_beyond_mdc = beyond(v.asymmetry, metrics[m].mdc);
                    }
                }
            }
        }
    }

    // Clinical rows: attach to the visits of that patient, side and date; keep all for the timeline.
    for (auto& series : out.series)
        for (auto& visit : series.visits)
            for (const auto& c : clinical)
                if (c.patient_id == series.patient_id && c.side == series.side && c.date == visit.date) {
                    visit.pain_nrs = c.pain_nrs;
                    visit.visa_h = c.visa_h;
                }
    std::sort(clinical.begin(), clinical.end(), [](const ClinicalVisit& a, const ClinicalVisit& b) {
        return std::tie(a.patient_id, a.side, a.date) < std::tie(b.patient_id, b.side, b.date);
    });
    out.clinical = std::move(clinical);
    return out;
}

std::string format_value(std::optional<double> value, int decimals) {
    if (!value)
        return {};
    std::ostringstream text;
    text.setf(std::ios::fixed);
    text.precision(decimals);
    // Avoid "-0.000".
    const double scale = std::pow(10.0, decimals);
    const double rounded = std::round(*value * scale) / scale;
    text << (rounded == 0.0 ? 0.0 : rounded);
    return text.str();
}

void write_compare_csv(const FollowUp& followup, const fs::path& path) {
    const auto& metrics = followup_metrics();
    std::ostringstream csv;
    csv << "patient_id,side,view,visit,date,metric,unit,n_scans,value,min,max,change_from_baseline,"
           "change_from_previous,mdc,baseline_beyond_mdc,previous_beyond_mdc,contralateral,asymmetry,"
           "asymmetry_beyond_mdc,pain_nrs,visa_h,mdc_source\n";
    auto flag = [](bool beyond_mdc, const std::optional<double>& change, const std::optional<double>& mdc) {
        if (!change || !mdc)
            return std::string();
        return std::string(beyond_mdc ? "yes" : "no");
    };
    for (const auto& series : followup.series) {
        for (std::size_t k = 0; k < series.visits.size(); ++k) {
            const auto& visit = series.visits[k];
            for (std::size_t m = 0; m < metrics.size(); ++m) {
                const auto& v = visit.values[m];
                const auto& metric = metrics[m];
                csv << csv_quote(series.patient_id) << ',' << series.side << ',' << to_string(series.view) << ','
                    << (k + 1) << ',' << visit.date << ',' << metric.key << ',' << metric.unit << ',' << v.n
                    << ',' << format_value(v.median, 4) << ',' << format_value(v.min, 4) << ','
                    << format_value(v.max, 4) << ',' << format_value(v.change_from_baseline, 4) << ','
                    << format_value(v.change_from_previous, 4) << ',' << format_value(metric.mdc, 2) << ','
                    << flag(v.baseline_beyond_mdc, v.change_from_baseline, metric.mdc) << ','
                    << flag(v.previous_beyond_mdc, v.change_from_previous, metric.mdc) << ','
                    << format_value(v.contralateral, 4) << ',' << format_value(v.asymmetry, 4) << ','
                    << flag(v.asymmetry_beyond_mdc, v.asymmetry, metric.mdc) << ','
                    << format_value(visit.pain_nrs, 1) << ',' << format_value(visit.visa_h, 0) << ','
                    << csv_quote(metric.mdc_source) << '\n';
            }
        }
    }
    write_text_atomically(path, csv.str());
}

void write_compare_report(const FollowUp& followup, const fs::path& dir, bool force) {
    static const std::set<std::string> ours = {"compare.csv", "excluded.csv", "index.html"};
    if (fs::exists(dir)) {
        if (!fs::is_directory(dir))
            throw ReportDirRefused(dir.string() + ": exists and is not a folder");
        if (!force)
            for (const auto& entry : fs::directory_iterator(dir))
                if (ours.count(entry.path().filename().string()) == 0)
                    throw ReportDirRefused(dir.string() + ": holds " + entry.path().filename().string() +
                                           ", not a compare report (use --force to write into it)");
    }
    fs::create_directories(dir);
    write_compare_csv(followup, dir / "compare.csv");
    std::ostringstream excluded;
    excluded << "file,reason,still_in_unitless_trends\n";
    for (const auto& e : followup.excluded)
        excluded << csv_quote(e.file) << ',' << csv_quote(e.reason) << ',' << (e.mm_only ? "yes" : "no") << '\n';
    write_text_atomically(dir / "excluded.csv", excluded.str());
    write_compare_html(followup, dir / "index.html");
}

} // namespace tendo::scoring
