#pragma once

#include "tendo/imaging/error.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tendo::scoring {

/// One number followed over visits, with the minimal detectable change (MDC) that a change must
/// exceed to count as real rather than measurement noise. Sources: docs/followup.md.
struct FollowupMetric {
    /// Column-safe name, e.g. "thickness_max_mm".
    std::string key;
    std::string label;
    /// "mm", "fraction" (0-1), "ratio" or "grade".
    std::string unit;
    /// True for lengths: uncalibrated scans never enter this metric.
    bool needs_calibration = false;
    /// In the metric's unit; nullopt when no MDC is known (changes are then never flagged).
    std::optional<double> mdc;
    /// Short citation of where the MDC comes from.
    std::string mdc_source;
    /// The value of a scan, nullopt when the scan does not have it.
    std::optional<double> (*value)(const ScanResult&) = nullptr;
};

/// The metrics tendo compares, in report order: thickness max and at reference (mm),
/// echogenicity normalized, hypoechoic fraction, vascular fraction, Öhberg grade.
const std::vector<FollowupMetric>& followup_metrics();

/// A scored scan and where it came from.
struct ScoredScan {
    ScanResult result;
    /// The folder or store it was read from.
    std::string source;
    /// PNG bytes of its overlay when the scoring run saved one (empty otherwise).
    std::string overlay_png;
};

/// Reads scored results from `path`: a `tendo score` output folder (results.jsonl; overlays from
/// the overlay column of results.csv or overlays/<stem>.png) or a results store (a tendo.sqlite
/// file, or a folder holding only tendo.sqlite). Throws tendo::Error ("path: reason") when `path`
/// holds neither or a line is not a result object.
std::vector<ScoredScan> load_scored(const std::filesystem::path& path);

/// A clinical visit: pain during loading (NRS 0-10) and VISA-H (0-100), both optional.
struct ClinicalVisit {
    std::string patient_id;
    /// ISO YYYY-MM-DD.
    std::string date;
    /// "L" or "R".
    std::string side;
    std::optional<double> pain_nrs;
    std::optional<double> visa_h;
};

/// Reads a clinical CSV with a header naming the columns patient, date, side, pain (or
/// pain_nrs) and visa_h (or visa-h); dates YYYY-MM-DD or YYYYMMDD, sides L/R/left/right. Empty
/// cells are unknown. Throws tendo::Error ("file: line N: reason") on a malformed row or a value
/// out of range.
std::vector<ClinicalVisit> read_clinical_csv(const std::filesystem::path& path);

/// Median, spread and changes of one metric at one visit.
struct VisitValue {
    /// Scans of the visit that have this metric.
    int n = 0;
    std::optional<double> median;
    std::optional<double> min;
    std::optional<double> max;
    /// median - median at the first visit that has the metric (nullopt at that visit).
    std::optional<double> change_from_baseline;
    /// median - median at the previous visit that has the metric.
    std::optional<double> change_from_previous;
    bool baseline_beyond_mdc = false;
    bool previous_beyond_mdc = false;
    /// Same metric on the other side at the same date and view, and this side minus it.
    std::optional<double> contralateral;
    std::optional<double> asymmetry;
    bool asymmetry_beyond_mdc = false;
};

struct Visit {
    /// ISO YYYY-MM-DD.
    std::string date;
    /// Indices into FollowUp::scans of the scans taken at this visit.
    std::vector<std::size_t> scans;
    /// One per followup_metrics(), same order.
    std::vector<VisitValue> values;
    std::optional<double> pain_nrs;
    std::optional<double> visa_h;
};

/// All visits of one patient, side and view, in date order.
struct Series {
    std::string patient_id;
    std::string side;
    View view = View::none;
    std::vector<Visit> visits;
};

/// A scan left out of every trend, or (uncalibrated) out of the mm trends only.
struct ExcludedScan {
    std::string file;
    std::string reason;
    /// True when the scan still counts for the unitless metrics.
    bool mm_only = false;
};

struct FollowUp {
    std::vector<ScoredScan> scans;
    /// Sorted by patient, view, side.
    std::vector<Series> series;
    std::vector<ExcludedScan> excluded;
    /// Clinical rows that match no scanned visit (still drawn on the patient's timeline).
    std::vector<ClinicalVisit> clinical;
};

/// Groups scans by patient, side and view, orders visits by date, summarises several scans of a
/// visit by their median and range and computes the changes and asymmetries. Scans with status
/// error, no patient id, no date, no laterality or no view are excluded (listed with the reason);
/// uncalibrated scans are kept for unitless metrics only. Exact duplicates (same SOP instance
/// UID) count once.
FollowUp build_followup(std::vector<ScoredScan> scans, std::vector<ClinicalVisit> clinical);

/// compare.csv: one row per patient, side, view, visit and metric.
void write_compare_csv(const FollowUp& followup, const std::filesystem::path& path);

/// A self-contained HTML page (no network, no scripts): one section per patient with inline SVG
/// timelines, overlay thumbnails as data: URIs, and the table of changes.
void write_compare_html(const FollowUp& followup, const std::filesystem::path& path);

/// Writes compare.csv, excluded.csv and index.html into `dir`, creating it. Refuses (throws
/// ReportDirRefused) when `dir` holds files that a compare run did not write, unless `force`.
void write_compare_report(const FollowUp& followup, const std::filesystem::path& dir, bool force);

class ReportDirRefused : public Error {
public:
    using Error::Error;
};

/// Formats a number for reports: fixed with `decimals` digits, "" for nullopt.
std::string format_value(std::optional<double> value, int decimals);

} // namespace tendo::scoring
