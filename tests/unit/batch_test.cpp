// Batch scoring engine (libs/scoring batch*.cpp, results_store.cpp) with a stand-in analyzer, so
// listing, skipping, ordering, the store, resuming, pseudonyms and shard merging are checked
// independently of the segmentation.
#include "scratch_dir.hpp"
#include "synthetic_dicom.hpp"

#include "tendo/imaging/dicom_probe.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/batch.hpp"
#include "tendo/scoring/batch_analyzer.hpp"
#include "tendo/scoring/batch_inputs.hpp"
#include "tendo/scoring/batch_outputs.hpp"
#include "tendo/scoring/digest.hpp"
#include "tendo/version.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace tendo;
using namespace tendo::scoring;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

/// A fresh folder for the running test, removed at its end.
class TempDir : public tendo::test::ScratchDir {
public:
    TempDir()
        : ScratchDir("tendo_batch_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                     "_") {}
};

/// Stand-in analysis: reads the scan with the real loader, reports its size as "thickness" and a
/// mask with a filled rectangle. Counts calls per file.
struct FakeAnalyzer {
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
    std::shared_ptr<std::map<std::string, int>> per_file = std::make_shared<std::map<std::string, int>>();

    FileAnalyzer function() const {
        return [calls = calls, mutex = mutex, per_file = per_file](const FileRequest& request, Reporter& reporter) {
            ++*calls;
            {
                std::lock_guard lock(*mutex);
                ++(*per_file)[request.file];
            }
            FileAnalysis out;
            try {
                const Scan scan = Scan::open(request.file, OpenOptions{}, reporter);
                const ScanInfo& info = scan.info();
                ScanResult& result = out.result;
                result.file = request.file;
                result.patient_id = info.patient_id;
                result.sop_instance_uid = info.sop_instance_uid;
                result.frames = info.frames;
                result.status = Status::warning;
                result.warnings = {request.file + ": stand-in analysis for patient " + info.patient_id.value_or("-")};
                result.thickness.max_mm = info.rows * 0.01;
                result.pipeline_version = kPipelineVersion;
                out.mask = cv::Mat::zeros(info.rows, info.cols, CV_8UC1);
                out.mask(cv::Rect(2, 2, 5, 3)).setTo(255);
                if (request.want_overlay)
                    out.overlay = cv::Mat(info.rows, info.cols, CV_8UC3, cv::Scalar(1, 2, 3));
            } catch (const Error& error) {
                out = FileAnalysis{error_result(request.file, error.what()), {}, {}};
            }
            return out;
        };
    }
};

/// A small study: `scans` synthetic scans in nested folders plus things to skip and to fail.
fs::path make_study(const fs::path& root, int scans) {
    const fs::path study = root / "study";
    for (int i = 0; i < scans; ++i) {
        tendo::testing::SyntheticScan scan;
        scan.seed = static_cast<std::uint32_t>(100 + i);
        scan.rows = 40 + i;
        scan.cols = 50;
        scan.patient_id = "PATIENT-" + std::to_string(i % 3);
        scan.preamble = i != 2;
        const fs::path dir = study / ("p" + std::to_string(i % 3)) / (i % 2 ? "a" : "b");
        fs::create_directories(dir);
        tendo::testing::write_synthetic_scan(dir / (i % 4 == 0 ? "IM" + std::to_string(i) : "scan" + std::to_string(i) + ".dcm"), scan);
    }
    fs::create_directories(study / "reports");
    tendo::testing::write_non_image_object(study / "reports" / "sr.dcm", "sr", 1);
    tendo::testing::write_non_image_object(study / "reports" / "doc", "pdf", 1);
    tendo::testing::write_non_image_object(study / "reports" / "pr.dcm", "pr", 1);
    tendo::testing::write_non_image_object(study / "DICOMDIR", "dicomdir", 1);
    write_text(study / "notes.txt", "scanned by the morning team\n");
    write_text(study / "reports" / "letter.pdf", "%PDF-1.4\n%%EOF\n");
    write_text(study / "p0" / "broken.dcm", "");
    write_text(study / "p1" / "cut.dcm", std::string(128, '\0') + "DICM" + std::string(40, 'x'));
    return study;
}

constexpr int kStudyScans = 10;
// broken.dcm (empty, named .dcm) and cut.dcm (DICM then garbage) fail; 4 objects + 2 files skipped.
constexpr int kStudyFailures = 2;
constexpr int kStudySkipped = 6;

BatchOptions options_for(const fs::path& study, const fs::path& out) {
    BatchOptions options;
    options.paths = {study};
    options.out_dir = out;
    options.jobs = 2;
    options.masks = true;
    options.analysis_key = "stand-in";
    return options;
}

const std::vector<std::string> kOutputs = {"results.jsonl", "results.csv", "errors.csv", "skipped.csv"};

void expect_same_outputs(const fs::path& a, const fs::path& b) {
    for (const auto& name : kOutputs)
        EXPECT_EQ(read_text(a / name), read_text(b / name)) << name << " differs between " << a << " and " << b;
    std::set<std::string> masks_a;
    std::set<std::string> masks_b;
    for (const auto& entry : fs::directory_iterator(a / "masks"))
        masks_a.insert(entry.path().filename().string() + read_text(entry.path()));
    for (const auto& entry : fs::directory_iterator(b / "masks"))
        masks_b.insert(entry.path().filename().string() + read_text(entry.path()));
    EXPECT_EQ(masks_a, masks_b);
}

/// Cancels after `limit` files, as a user's Ctrl-C would.
class CancelAfter final : public Reporter {
public:
    explicit CancelAfter(std::size_t limit) : limit_(limit) {}
    bool cancelled() const override { return done >= limit_; }
    std::atomic<std::size_t> done{0};

private:
    std::size_t limit_;
};

} // namespace

TEST(BatchInputs, WalksFoldersInByteOrderAndKeepsNamedFilesFirst) {
    TempDir temp;
    write_text(temp.path() / "d" / "b" / "2", "x");
    write_text(temp.path() / "d" / "a", "x");
    write_text(temp.path() / "d" / "B", "x");
    write_text(temp.path() / "named.dcm", "x");
    const auto listing =
        list_batch_inputs({temp.path() / "named.dcm", temp.path() / "d", temp.path() / "d" / "a", temp.path() / "gone.dcm"});
    std::vector<std::string> files;
    for (const auto& input : listing.inputs)
        files.push_back(fs::path(input.file).lexically_relative(temp.path()).string());
    EXPECT_EQ(files, (std::vector<std::string>{"named.dcm", "d/B", "d/a", "d/b/2", "gone.dcm"}));
    EXPECT_TRUE(listing.inputs[0].named);
    EXPECT_FALSE(listing.inputs[1].named);
    EXPECT_TRUE(listing.inputs[4].named);
    for (std::size_t i = 0; i < listing.inputs.size(); ++i)
        EXPECT_EQ(listing.inputs[i].ordinal, i);
    EXPECT_EQ(listing.fingerprint, list_batch_inputs({temp.path() / "named.dcm", temp.path() / "d",
                                                      temp.path() / "gone.dcm"})
                                       .fingerprint);
}

TEST(BatchInputs, ShardsPartitionTheListing) {
    std::vector<BatchInput> inputs;
    for (std::size_t i = 0; i < 11; ++i)
        inputs.push_back(BatchInput{i, "f" + std::to_string(i), true});
    std::set<std::size_t> seen;
    for (int index = 1; index <= 3; ++index)
        for (const auto& input : select_shard(inputs, Shard{index, 3}))
            EXPECT_TRUE(seen.insert(input.ordinal).second);
    EXPECT_EQ(seen.size(), inputs.size());
    EXPECT_EQ(select_shard(inputs, Shard{1, 3}).size(), 4u);
    EXPECT_EQ(select_shard(inputs, Shard{3, 3}).size(), 3u);
    EXPECT_EQ(parse_shard("2/8").index, 2);
    EXPECT_EQ(parse_shard("2/8").count, 8);
    for (const char* bad : {"0/3", "4/3", "1", "a/b", "1/0", "1/3x"})
        EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(BatchInputs, OutputStemDropsTheLastExtension) {
    EXPECT_EQ(output_stem("a/b/us_0001.dcm"), "us_0001");
    EXPECT_EQ(output_stem("IM0001"), "IM0001");
    EXPECT_EQ(output_stem("dir/x.y.dcm"), "x.y");
}

TEST(DicomProbe, ClassifiesByContentNotName) {
    TempDir temp;
    tendo::testing::SyntheticScan scan;
    tendo::testing::write_synthetic_scan(temp.path() / "image.txt", scan);
    scan.preamble = false;
    tendo::testing::write_synthetic_scan(temp.path() / "old_image", scan);
    tendo::testing::write_non_image_object(temp.path() / "sr.dcm", "sr", 1);
    tendo::testing::write_non_image_object(temp.path() / "pdf.dcm", "pdf", 1);
    tendo::testing::write_non_image_object(temp.path() / "pr.dcm", "pr", 1);
    tendo::testing::write_non_image_object(temp.path() / "DICOMDIR", "dicomdir", 1);
    write_text(temp.path() / "text.dcm", "hello, this is not DICOM at all\n");
    write_text(temp.path() / "empty.dcm", "");
    EXPECT_EQ(probe_dicom_object(temp.path() / "image.txt").kind, DicomObjectKind::image);
    EXPECT_EQ(probe_dicom_object(temp.path() / "old_image").kind, DicomObjectKind::image);
    EXPECT_EQ(probe_dicom_object(temp.path() / "sr.dcm").kind, DicomObjectKind::non_image);
    EXPECT_EQ(probe_dicom_object(temp.path() / "pdf.dcm").kind, DicomObjectKind::non_image);
    EXPECT_EQ(probe_dicom_object(temp.path() / "pr.dcm").kind, DicomObjectKind::non_image);
    EXPECT_EQ(probe_dicom_object(temp.path() / "DICOMDIR").kind, DicomObjectKind::directory);
    EXPECT_EQ(probe_dicom_object(temp.path() / "text.dcm").kind, DicomObjectKind::not_dicom);
    EXPECT_EQ(probe_dicom_object(temp.path() / "empty.dcm").kind, DicomObjectKind::not_dicom);
    EXPECT_NE(probe_dicom_object(temp.path() / "sr.dcm").description.find("SR"), std::string::npos);
    // Real files: a real scan is an image; a PNG named .dcm is not DICOM.
    EXPECT_EQ(probe_dicom_object(fs::path(TENDO_TEST_DATA) / "dicom-real" / "us_mono_jpeg_lossless_regions_epiq.dcm").kind,
              DicomObjectKind::image);
    EXPECT_EQ(probe_dicom_object(fs::path(TENDO_TEST_DATA) / "dicom-bad" / "not_dicom.dcm").kind,
              DicomObjectKind::not_dicom);
    EXPECT_EQ(probe_dicom_object(fs::path(TENDO_TEST_DATA) / "dicom-bad" / "no_pixel_data.dcm").kind,
              DicomObjectKind::image);
    // The marker then garbage is a damaged DICOM file: an error when opened, not a skipped object.
    EXPECT_EQ(probe_dicom_object(fs::path(TENDO_TEST_DATA) / "dicom-bad" / "preamble_then_garbage.dcm").kind,
              DicomObjectKind::image);
}

TEST(Digest, KnownAnswers) {
    // FIPS 180-2 and RFC 4231 test case 2.
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    TempDir temp;
    write_text(temp.path() / "abc", "abc");
    EXPECT_EQ(sha256_file_hex(temp.path() / "abc"), sha256_hex("abc"));
    EXPECT_THROW(sha256_file_hex(temp.path() / "missing"), Error);
}

TEST(BatchOutputs, CsvFlattensAndQuotes) {
    EXPECT_EQ(csv_cell("plain"), "plain");
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    ScanResult result = error_result("x.dcm", "x.dcm: bad, really");
    result.thickness.max_mm = 4.25;
    result.spacing_mm = Spacing{0.1, 0.2};
    result.warnings = {"w1", "w2"};
    const std::string row = results_csv_row(to_json(result), "masks/x.png", "");
    const auto& columns = results_csv_columns();
    auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
    };
    // Split the row (only the error cell is quoted here).
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (const char c : row) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted) {
            cells.push_back(cell);
            cell.clear();
        } else
            cell += c;
    }
    cells.push_back(cell);
    ASSERT_EQ(cells.size(), columns.size());
    EXPECT_EQ(cells[column("thickness_mm_max")], "4.25");
    EXPECT_EQ(cells[column("spacing_mm_dx")], "0.1");
    EXPECT_EQ(cells[column("spacing_mm_dy")], "0.2");
    EXPECT_EQ(cells[column("warnings")], "w1; w2");
    EXPECT_EQ(cells[column("error")], "x.dcm: bad, really");
    EXPECT_EQ(cells[column("thickness_mm_mean")], "");
    EXPECT_EQ(cells[column("mask")], "masks/x.png");
    EXPECT_EQ(cells[column("status")], "error");
}

TEST(Batch, ScoresEveryDicomOnceInInputOrderWhateverTheJobs) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    FakeAnalyzer fake;
    SilentReporter quiet;
    std::size_t progress_calls = 0;
    BatchOptions options = options_for(study, temp.path() / "out1");
    options.jobs = 1;
    options.on_progress = [&](const BatchProgress& p) {
        ++progress_calls;
        EXPECT_LE(p.done, p.total);
    };
    std::vector<std::string> failures;
    options.on_failure = [&](const std::string& file, const std::string&) { failures.push_back(file); };
    const BatchSummary one = run_batch(options, fake.function(), quiet);
    EXPECT_EQ(one.inputs, static_cast<std::size_t>(kStudyScans + kStudyFailures + kStudySkipped));
    EXPECT_EQ(one.scored, static_cast<std::size_t>(kStudyScans));
    EXPECT_EQ(one.failed, static_cast<std::size_t>(kStudyFailures));
    EXPECT_EQ(one.skipped, static_cast<std::size_t>(kStudySkipped));
    EXPECT_EQ(progress_calls, one.inputs);
    EXPECT_EQ(failures.size(), static_cast<std::size_t>(kStudyFailures));
    // Each scan analysed exactly once; nothing skipped reached the analysis.
    EXPECT_EQ(*fake.calls, kStudyScans + kStudyFailures);
    for (const auto& [file, count] : *fake.per_file)
        EXPECT_EQ(count, 1) << file;

    options.jobs = 4;
    options.out_dir = temp.path() / "out4";
    run_batch(options, FakeAnalyzer{}.function(), quiet);
    expect_same_outputs(temp.path() / "out1", temp.path() / "out4");

    const auto listing = list_batch_inputs({study});
    const auto results = lines(read_text(temp.path() / "out1" / "results.jsonl"));
    const auto skipped = lines(read_text(temp.path() / "out1" / "skipped.csv"));
    const auto errors = lines(read_text(temp.path() / "out1" / "errors.csv"));
    ASSERT_EQ(results.size(), static_cast<std::size_t>(kStudyScans + kStudyFailures));
    ASSERT_EQ(skipped.size(), static_cast<std::size_t>(kStudySkipped + 1));
    ASSERT_EQ(errors.size(), static_cast<std::size_t>(kStudyFailures + 1));
    // Every listed file is in results or skipped, exactly once, in listing order.
    std::vector<std::string> seen;
    for (const auto& line : results)
        seen.push_back(nlohmann::json::parse(line).at("file").get<std::string>());
    for (std::size_t i = 1; i < skipped.size(); ++i)
        seen.push_back(skipped[i].substr(0, skipped[i].find(',')));
    std::multiset<std::string> expected;
    for (const auto& input : listing.inputs)
        expected.insert(input.file);
    EXPECT_EQ(std::multiset<std::string>(seen.begin(), seen.end()), expected);
    std::size_t previous = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto file = nlohmann::json::parse(results[i]).at("file").get<std::string>();
        const auto at = static_cast<std::size_t>(
            std::find_if(listing.inputs.begin(), listing.inputs.end(), [&](const auto& in) { return in.file == file; }) -
            listing.inputs.begin());
        if (i > 0) {
            EXPECT_GT(at, previous);
        }
        previous = at;
    }
    EXPECT_NE(read_text(temp.path() / "out1" / "skipped.csv").find("dicomdir"), std::string::npos);
    EXPECT_NE(read_text(temp.path() / "out1" / "skipped.csv").find("not dicom"), std::string::npos);
    EXPECT_NE(read_text(temp.path() / "out1" / "errors.csv").find("broken.dcm"), std::string::npos);
    // A mask per scored scan, named after the file.
    std::size_t masks = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(temp.path() / "out1" / "masks"))
        ++masks;
    EXPECT_EQ(masks, static_cast<std::size_t>(kStudyScans));
    EXPECT_TRUE(fs::exists(temp.path() / "out1" / "masks" / "IM0.png"));
    EXPECT_TRUE(fs::exists(temp.path() / "out1" / "masks" / "scan1.png"));
}

TEST(Batch, RerunReusesTheStoreAndRefusesAnotherDataset) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    SilentReporter quiet;
    const BatchOptions options = options_for(study, temp.path() / "out");
    run_batch(options, FakeAnalyzer{}.function(), quiet);
    const std::string first = read_text(temp.path() / "out" / "results.jsonl");

    FakeAnalyzer again;
    const BatchSummary summary = run_batch(options, again.function(), quiet);
    EXPECT_EQ(*again.calls, 0) << "a re-run must not analyse finished files again";
    EXPECT_EQ(summary.reused, static_cast<std::size_t>(kStudyScans + kStudyFailures));
    EXPECT_EQ(read_text(temp.path() / "out" / "results.jsonl"), first);

    // The same content under a new name is not analysed again either.
    fs::copy_file(study / "p0" / "b" / "IM0", study / "p0" / "b" / "IM0_copy");
    FakeAnalyzer copy;
    run_batch(options, copy.function(), quiet);
    EXPECT_EQ(*copy.calls, 0);
    EXPECT_NE(read_text(temp.path() / "out" / "results.jsonl").find("IM0_copy"), std::string::npos);

    BatchOptions other = options_for(study / "p1", temp.path() / "out");
    EXPECT_THROW(run_batch(other, FakeAnalyzer{}.function(), quiet), BatchRefused);
    EXPECT_EQ(read_text(temp.path() / "out" / "results.jsonl").find("IM0_copy") != std::string::npos, true);
    other.force = true;
    run_batch(other, FakeAnalyzer{}.function(), quiet);
    EXPECT_EQ(read_text(temp.path() / "out" / "results.jsonl").find("/p0/"), std::string::npos);

    // A folder holding tendo outputs without a store is not overwritten either.
    write_text(temp.path() / "foreign" / "results.jsonl", "{}\n");
    EXPECT_THROW(run_batch(options_for(study, temp.path() / "foreign"), FakeAnalyzer{}.function(), quiet),
                 BatchRefused);
    EXPECT_EQ(read_text(temp.path() / "foreign" / "results.jsonl"), "{}\n");
}

TEST(Batch, InterruptedRunResumesAndScoresEachFileOnce) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    BatchOptions options = options_for(study, temp.path() / "out");
    options.jobs = 1;
    CancelAfter cancel(5);
    options.on_progress = [&](const BatchProgress& p) { cancel.done = p.done; };
    FakeAnalyzer fake;
    const BatchSummary partial = run_batch(options, fake.function(), cancel);
    EXPECT_GT(partial.pending, 0u);
    const int first_calls = *fake.calls;
    EXPECT_GT(first_calls, 0);

    options.on_progress = nullptr;
    SilentReporter quiet;
    EXPECT_THROW(run_batch(options, fake.function(), quiet), BatchRefused) << "an interrupted run needs --resume";
    options.resume = true;
    const BatchSummary rest = run_batch(options, fake.function(), quiet);
    EXPECT_EQ(rest.pending, 0u);
    EXPECT_EQ(*fake.calls, kStudyScans + kStudyFailures) << "every file analysed exactly once over both runs";
    for (const auto& [file, count] : *fake.per_file)
        EXPECT_EQ(count, 1) << file;

    BatchOptions fresh = options_for(study, temp.path() / "fresh");
    run_batch(fresh, FakeAnalyzer{}.function(), quiet);
    expect_same_outputs(temp.path() / "out", temp.path() / "fresh");
}

TEST(Batch, PseudonymizeReplacesPatientIdsEverywhere) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    BatchOptions options = options_for(study, temp.path() / "out");
    options.pseudonymize_key = "study secret";
    options.overlays = true;
    SilentReporter quiet;
    run_batch(options, FakeAnalyzer{}.function(), quiet);
    const std::string results = read_text(temp.path() / "out" / "results.jsonl");
    EXPECT_NE(results.find(pseudonym("study secret", "PATIENT-1")), std::string::npos);
    EXPECT_EQ(pseudonym("study secret", "PATIENT-1").size(), 5u + 16u);
    EXPECT_NE(pseudonym("study secret", "PATIENT-1"), pseudonym("other key", "PATIENT-1"));
    for (const auto& entry : fs::recursive_directory_iterator(temp.path() / "out")) {
        if (!entry.is_regular_file())
            continue;
        EXPECT_EQ(read_text(entry.path()).find("PATIENT-"), std::string::npos) << entry.path();
    }
    EXPECT_TRUE(fs::exists(temp.path() / "out" / "overlays" / "IM0.png"));
    // Another key (or none) on the same folder must start over explicitly.
    options.pseudonymize_key = "another";
    EXPECT_THROW(run_batch(options, FakeAnalyzer{}.function(), quiet), BatchRefused);
}

TEST(Batch, MergedShardsEqualOneRun) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    SilentReporter quiet;
    run_batch(options_for(study, temp.path() / "whole"), FakeAnalyzer{}.function(), quiet);
    std::vector<fs::path> shards;
    for (int i = 1; i <= 3; ++i) {
        BatchOptions options = options_for(study, temp.path() / ("shard" + std::to_string(i)));
        options.shard = Shard{i, 3};
        run_batch(options, FakeAnalyzer{}.function(), quiet);
        shards.push_back(options.out_dir);
    }
    EXPECT_THROW(merge_batches({shards[0], shards[2]}, temp.path() / "partial", false, quiet), BatchRefused);
    EXPECT_THROW(merge_batches({shards[0], shards[0], shards[2]}, temp.path() / "twice", false, quiet), BatchRefused);
    const BatchSummary merged = merge_batches({shards[2], shards[0], shards[1]}, temp.path() / "merged", false, quiet);
    EXPECT_EQ(merged.failed, static_cast<std::size_t>(kStudyFailures));
    expect_same_outputs(temp.path() / "whole", temp.path() / "merged");
    // Merging again into the same folder gives the same bytes.
    merge_batches(shards, temp.path() / "merged", false, quiet);
    expect_same_outputs(temp.path() / "whole", temp.path() / "merged");
}

TEST(Batch, ExtraInputKeyRescoresOnlyTheFileWhoseCorrectionsChanged) {
    TempDir temp;
    const fs::path study = make_study(temp.path(), kStudyScans);
    SilentReporter quiet;
    BatchOptions options = options_for(study, temp.path() / "out");
    auto corrected = std::make_shared<std::string>();
    options.extra_input_key = [corrected](const std::string& file) {
        return fs::path(file).filename() == "IM0" ? *corrected : std::string();
    };
    run_batch(options, FakeAnalyzer{}.function(), quiet);
    *corrected = "sidecar:1234";
    FakeAnalyzer again;
    run_batch(options, again.function(), quiet);
    EXPECT_EQ(*again.calls, 1);
    EXPECT_EQ(again.per_file->begin()->first, (study / "p0" / "b" / "IM0").string());
}

TEST(ScanAnalyzer, OverlayCarriesTheResultsWarnings) {
    // A real greyscale scan with no tendon: nothing on its overlay is orange but the warnings
    // written under the numbers (they were drawn from a result already handed over, and missing).
    const fs::path file = fs::path(TENDO_TEST_DATA) / "dicom-real" / "us_mono_jpeg_lossless_regions_epiq.dcm";
    SilentReporter reporter;
    const FileAnalysis out = make_scan_analyzer(AnalysisOptions{})(FileRequest{file.string(), true}, reporter);
    ASSERT_EQ(out.result.warnings, (std::vector<std::string>{"no bone surface found", "no tendon found"}));
    ASSERT_EQ(out.overlay.type(), CV_8UC3);
    std::vector<cv::Mat> bgr;
    cv::split(out.overlay, bgr);
    cv::Mat red_minus_blue;
    cv::subtract(bgr[2], bgr[0], red_minus_blue);
    EXPECT_GT(cv::countNonZero(red_minus_blue > 80), 200);
}
