// Follow-up comparison: grouping, medians, changes against the MDC, exclusions, the clinical CSV,
// the report folder, and the SR export read back through DCMTK.
#include "tendo/scoring/followup.hpp"
#include "tendo/scoring/sr_export.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace tendo::scoring;

namespace {

ScanResult scan(const std::string& file, const std::string& patient, const std::string& date,
                const std::string& side, double thickness_mm, double vascular) {
    ScanResult r;
    r.file = file;
    r.sop_instance_uid = "1.2.3." + std::to_string(std::hash<std::string>{}(file) % 100000);
    r.patient_id = patient;
    r.study_date = date;
    r.laterality = side;
    r.view = tendo::View::longitudinal;
    r.calibrated = true;
    r.status = Status::ok;
    r.thickness.max_mm = thickness_mm;
    r.thickness.at_reference_mm = thickness_mm - 0.5;
    r.echogenicity.normalized = 1.1;
    r.echogenicity.hypoechoic_fraction = 0.2;
    r.neovascularity.doppler = true;
    r.neovascularity.vascular_fraction = vascular;
    r.neovascularity.ohberg_grade = vascular > 0.1 ? 3 : 1;
    return r;
}

std::vector<ScoredScan> wrap(const std::vector<ScanResult>& results) {
    std::vector<ScoredScan> scans;
    for (const auto& r : results)
        scans.push_back({r, "fixture", ""});
    return scans;
}

std::size_t metric_index(const std::string& key) {
    const auto& metrics = followup_metrics();
    for (std::size_t i = 0; i < metrics.size(); ++i)
        if (metrics[i].key == key)
            return i;
    throw std::runtime_error("no metric " + key);
}

/// A fresh folder for one test; all of them go when the test process ends.
fs::path temp_dir(const std::string& name) {
    static std::vector<std::unique_ptr<tendo::test::ScratchDir>> dirs;
    dirs.push_back(std::make_unique<tendo::test::ScratchDir>("tendo_followup_test_" + name + "_"));
    return dirs.back()->path();
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST(Followup, VisitsOrderedByDateMedianAndChangesAgainstMdc) {
    // Visits given out of order; the second visit has three scans (median 6.0, range 5.8-7.5).
    const auto followup = build_followup(wrap({
                                             scan("c.dcm", "P1", "2026-03-01", "R", 5.2, 0.02),
                                             scan("a.dcm", "P1", "2026-01-10", "R", 7.0, 0.20),
                                             scan("b1.dcm", "P1", "2026-02-01", "R", 6.0, 0.15),
                                             scan("b2.dcm", "P1", "2026-02-01", "R", 5.8, 0.14),
                                             scan("b3.dcm", "P1", "2026-02-01", "R", 7.5, 0.16),
                                         }),
                                         {});
    ASSERT_EQ(followup.series.size(), 1u);
    const auto& visits = followup.series[0].visits;
    ASSERT_EQ(visits.size(), 3u);
    EXPECT_EQ(visits[0].date, "2026-01-10");
    EXPECT_EQ(visits[2].date, "2026-03-01");
    const auto t = metric_index("thickness_max_mm");
    EXPECT_EQ(visits[1].values[t].n, 3);
    EXPECT_DOUBLE_EQ(*visits[1].values[t].median, 6.0);
    EXPECT_DOUBLE_EQ(*visits[1].values[t].min, 5.8);
    EXPECT_DOUBLE_EQ(*visits[1].values[t].max, 7.5);
    EXPECT_FALSE(visits[0].values[t].change_from_baseline);
    EXPECT_NEAR(*visits[1].values[t].change_from_baseline, -1.0, 1e-12);
    EXPECT_TRUE(visits[1].values[t].baseline_beyond_mdc); // |-1.0| > 0.7 mm
    EXPECT_NEAR(*visits[2].values[t].change_from_previous, -0.8, 1e-12);
    EXPECT_TRUE(visits[2].values[t].previous_beyond_mdc);
    const auto v = metric_index("vascular_fraction");
    EXPECT_NEAR(*visits[1].values[v].change_from_baseline, -0.05, 1e-12);
    EXPECT_FALSE(visits[1].values[v].baseline_beyond_mdc); // 5 points < 8 points
    EXPECT_NEAR(*visits[2].values[v].change_from_baseline, -0.18, 1e-12);
    EXPECT_TRUE(visits[2].values[v].baseline_beyond_mdc);
    // No published MDC for echogenicity: a change is never flagged.
    const auto e = metric_index("echogenicity_normalized");
    EXPECT_FALSE(visits[2].values[e].baseline_beyond_mdc);
}

TEST(Followup, ScansWithoutIdentityOrScoreAreListedNotMerged) {
    auto no_id = scan("noid.dcm", "", "2026-01-10", "R", 6.0, 0.1);
    no_id.patient_id.reset();
    auto no_date = scan("nodate.dcm", "P1", "", "R", 6.0, 0.1);
    no_date.study_date.reset();
    auto no_side = scan("noside.dcm", "P1", "2026-01-10", "", 6.0, 0.1);
    no_side.laterality.reset();
    auto failed = error_result("bad.dcm", "bad.dcm: not DICOM");
    auto uncalibrated = scan("uncal.dcm", "P1", "2026-01-10", "R", 99.0, 0.3);
    uncalibrated.calibrated = false;
    const auto followup = build_followup(
        wrap({scan("ok.dcm", "P1", "2026-01-10", "R", 6.0, 0.1), no_id, no_date, no_side, failed, uncalibrated}), {});
    ASSERT_EQ(followup.excluded.size(), 5u);
    int mm_only = 0;
    for (const auto& e : followup.excluded)
        mm_only += e.mm_only ? 1 : 0;
    EXPECT_EQ(mm_only, 1);
    ASSERT_EQ(followup.series.size(), 1u);
    const auto& visit = followup.series[0].visits.at(0);
    // The uncalibrated scan's 99 mm never enters the thickness; its vascular fraction does.
    EXPECT_EQ(visit.values[metric_index("thickness_max_mm")].n, 1);
    EXPECT_DOUBLE_EQ(*visit.values[metric_index("thickness_max_mm")].median, 6.0);
    EXPECT_EQ(visit.values[metric_index("vascular_fraction")].n, 2);
}

TEST(Followup, SideToSideAsymmetrySameDate) {
    const auto followup = build_followup(wrap({scan("l.dcm", "P1", "2026-01-10", "L", 5.0, 0.0),
                                               scan("r.dcm", "P1", "2026-01-10", "R", 7.0, 0.2)}),
                                         {});
    ASSERT_EQ(followup.series.size(), 2u);
    const auto t = metric_index("thickness_max_mm");
    for (const auto& series : followup.series) {
        const auto& v = series.visits.at(0).values[t];
        ASSERT_TRUE(v.asymmetry);
        EXPECT_NEAR(*v.asymmetry, series.side == "R" ? 2.0 : -2.0, 1e-12);
        EXPECT_TRUE(v.asymmetry_beyond_mdc);
    }
}

TEST(Followup, ClinicalCsvReadAndRangeChecked) {
    const fs::path dir = temp_dir("clinical");
    std::ofstream(dir / "visits.csv") << "patient,date,side,pain_nrs,visa_h\r\nP1,20260110,right,6,45\r\n"
                                         "P1,2026-03-01,R,2,\r\n";
    const auto visits = read_clinical_csv(dir / "visits.csv");
    ASSERT_EQ(visits.size(), 2u);
    EXPECT_EQ(visits[0].date, "2026-01-10");
    EXPECT_EQ(visits[0].side, "R");
    EXPECT_DOUBLE_EQ(*visits[0].pain_nrs, 6.0);
    EXPECT_FALSE(visits[1].visa_h);
    const auto followup =
        build_followup(wrap({scan("a.dcm", "P1", "2026-01-10", "R", 7.0, 0.2)}), visits);
    EXPECT_DOUBLE_EQ(*followup.series.at(0).visits.at(0).pain_nrs, 6.0);
    EXPECT_DOUBLE_EQ(*followup.series.at(0).visits.at(0).visa_h, 45.0);

    std::ofstream(dir / "bad.csv") << "patient,date,side,pain\nP1,2026-01-10,R,11\n";
    EXPECT_THROW(read_clinical_csv(dir / "bad.csv"), tendo::Error);
    std::ofstream(dir / "noside.csv") << "patient,date,pain\nP1,2026-01-10,3\n";
    EXPECT_THROW(read_clinical_csv(dir / "noside.csv"), tendo::Error);
    fs::remove_all(dir);
}

TEST(Followup, ReportFolderFromResultsFolderWithOverlays) {
    const fs::path dir = temp_dir("report");
    const fs::path results = dir / "scored";
    fs::create_directories(results / "overlays");
    {
        std::ofstream jsonl(results / "results.jsonl");
        jsonl << to_json(scan("in/a.dcm", "P<1>", "2026-01-10", "R", 7.0, 0.2)).dump() << '\n'
              << to_json(scan("in/b.dcm", "P<1>", "2026-02-10", "R", 6.0, 0.1)).dump() << '\n'
              << to_json(scan("in/c.dcm", "P<1>", "2026-02-10", "L", 5.0, 0.0)).dump() << '\n';
        std::ofstream(results / "results.csv") << "file,overlay\nin/a.dcm,overlays/a.png\n";
        std::ofstream(results / "overlays" / "a.png", std::ios::binary) << "\x89PNG fake";
        std::ofstream(results / "overlays" / "b.png", std::ios::binary) << "\x89PNG other";
    }
    const auto scans = load_scored(results);
    ASSERT_EQ(scans.size(), 3u);
    EXPECT_EQ(scans[0].overlay_png, "\x89PNG fake");
    EXPECT_EQ(scans[1].overlay_png, "\x89PNG other"); // overlays/<stem>.png without a csv row
    EXPECT_TRUE(scans[2].overlay_png.empty());

    const fs::path report = dir / "report";
    write_compare_report(build_followup(scans, {}), report, false);
    const std::string csv = read(report / "compare.csv");
    std::size_t lines = 0;
    for (const char c : csv)
        lines += c == '\n' ? 1 : 0;
    EXPECT_EQ(lines, 1 + 3 * followup_metrics().size()); // header + 3 visits x metrics
    EXPECT_NE(csv.find("P<1>,R,longitudinal,2,2026-02-10,thickness_max_mm,mm,1,6.0000,6.0000,6.0000,-1.0000,"
                       "-1.0000,0.70,yes,yes,5.0000,1.0000,yes"),
              std::string::npos)
        << csv;
    const std::string html = read(report / "index.html");
    EXPECT_NE(html.find("Patient P&lt;1&gt;"), std::string::npos);
    EXPECT_NE(html.find("data:image/png;base64,iVBORyBmYWtl"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http://w"), html.find("http://www.w3.org/2000/svg")); // only the SVG namespace

    // Rewriting its own report is fine; a folder holding something else is refused without --force.
    EXPECT_NO_THROW(write_compare_report(build_followup(scans, {}), report, false));
    std::ofstream(dir / "other.txt") << "keep me";
    EXPECT_THROW(write_compare_report(build_followup(scans, {}), dir, false), ReportDirRefused);
    EXPECT_NO_THROW(write_compare_report(build_followup(scans, {}), dir, true));
    EXPECT_EQ(read(dir / "other.txt"), "keep me");
    fs::remove_all(dir);
}

TEST(Followup, LoadRefusesWhatIsNotResults) {
    const fs::path dir = temp_dir("load");
    EXPECT_THROW(load_scored(dir), tendo::Error);
    std::ofstream(dir / "results.jsonl") << "{\"file\": 3}\n";
    EXPECT_THROW(load_scored(dir), tendo::Error);
    fs::remove_all(dir);
}

TEST(SrExport, MeasurementReportReadsBackWithTheValues) {
    const fs::path dir = temp_dir("sr");
    auto r = scan("gone/missing.dcm", "P7", "2026-01-10", "L", 6.25, 0.125);
    write_measurement_report(r, dir / "a.sr.dcm");
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile((dir / "a.sr.dcm").c_str()).good());
    DSRDocument document;
    ASSERT_TRUE(document.read(*file.getDataset()).good());
    // DCMTK picks the simplest IOD that holds the TID 1500 tree (Enhanced SR: no 3D coordinates).
    EXPECT_TRUE(document.getDocumentType() == DSRTypes::DT_EnhancedSR ||
                document.getDocumentType() == DSRTypes::DT_ComprehensiveSR);
    OFString patient;
    document.getPatientID(patient);
    EXPECT_EQ(std::string(patient.c_str()), "P7");
    std::ostringstream text;
    document.print(text);
    EXPECT_NE(text.str().find("Tendon thickness, maximum"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("\"6.25\" (mm"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("\"0.125\" (1"), std::string::npos) << text.str();

    // Uncalibrated: no mm values in the report.
    r.calibrated = false;
    write_measurement_report(r, dir / "b.sr.dcm");
    DcmFileFormat second;
    ASSERT_TRUE(second.loadFile((dir / "b.sr.dcm").c_str()).good());
    DSRDocument uncalibrated;
    ASSERT_TRUE(uncalibrated.read(*second.getDataset()).good());
    std::ostringstream second_text;
    uncalibrated.print(second_text);
    EXPECT_EQ(second_text.str().find("Tendon thickness"), std::string::npos);

    EXPECT_THROW(write_measurement_report(error_result("x.dcm", "x.dcm: bad"), dir / "c.sr.dcm"), tendo::Error);
    fs::remove_all(dir);
}
