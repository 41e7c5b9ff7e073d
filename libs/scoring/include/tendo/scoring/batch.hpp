#pragma once

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/scoring/batch_inputs.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Batch scoring of many files into an output folder (interface.md, `tendo score` and `tendo merge`).
namespace tendo::scoring {

/// What the batch asks of the per-file analysis.
struct FileRequest {
    /// The path to open, as listed.
    std::string file;
    /// Also render the overlay (`--overlays`).
    bool want_overlay = false;
};

/// What the per-file analysis gives back. `mask`: CV_8UC1, frame-sized, 255 = tendon, for the
/// analysed frame (empty for an error result). `overlay`: CV_8UC3 BGR, frame-sized (empty unless
/// asked for).
struct FileAnalysis {
    ScanResult result;
    cv::Mat mask;
    cv::Mat overlay;
};

/// The per-file work: opens and analyses one file. Must be safe to call from several threads at
/// once. Should turn bad input into an error result; an exception it throws anyway is recorded
/// as an error result for that file and the batch goes on.
using FileAnalyzer = std::function<FileAnalysis(const FileRequest&, Reporter&)>;

/// A batch the user asked for that cannot run as asked (exit code 2): the output folder holds
/// another dataset, an interrupted run without --resume, is in use, or nothing to score.
class BatchRefused : public Error {
public:
    using Error::Error;
};

struct BatchProgress {
    std::size_t done = 0;
    std::size_t total = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    double elapsed_s = 0.0;
};

struct BatchOptions {
    /// Files and folders to score (folders are walked recursively; see list_batch_inputs).
    std::vector<std::filesystem::path> paths;
    std::filesystem::path out_dir;
    /// Files analysed at once; 0 = all cores.
    int jobs = 0;
    bool masks = false;
    bool overlays = false;
    /// Finish an interrupted run in `out_dir`.
    bool resume = false;
    /// Replace whatever tendo outputs `out_dir` holds.
    bool force = false;
    std::optional<Shard> shard;
    /// Replace patient ids by HMAC-SHA256(key, id) in every output (and in the store).
    std::optional<std::string> pseudonymize_key;
    /// Describes the analysis options that change results (e.g. "spacing=0.1,0.1"): stored
    /// results are reused only under the same description and pipeline version.
    std::string analysis_key;
    /// Optional: text identifying inputs besides the file's content that change its result (the
    /// hash of a corrections sidecar); results are stored and reused under content + this text.
    /// Called from worker threads.
    std::function<std::string(const std::string& file)> extra_input_key;
    /// Called after each file (from worker threads, serialised).
    std::function<void(const BatchProgress&)> on_progress;
    /// Called for each input that failed, with the file and the reason (serialised).
    std::function<void(const std::string& file, const std::string& reason)> on_failure;
};

struct BatchSummary {
    /// Inputs of this run (of this shard, with --shard).
    std::size_t inputs = 0;
    /// Scored now plus reused from the store (ok or warning status).
    std::size_t scored = 0;
    /// Of the inputs, those whose stored result was reused instead of analysed again.
    std::size_t reused = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    /// Not finished (the run was cancelled).
    std::size_t pending = 0;
    double elapsed_s = 0.0;
};

/// Scores every input into `options.out_dir`: results.jsonl, results.csv, errors.csv,
/// skipped.csv, masks/ and overlays/ when asked, and the results store tendo.sqlite. Results are
/// stored as each file finishes; the output files are then written from the store, in input
/// order, each to a temporary file renamed into place. Throws BatchRefused (see there) and
/// tendo::Error when the output folder cannot be written.
BatchSummary run_batch(const BatchOptions& options, const FileAnalyzer& analyzer, Reporter& reporter);

/// Joins the output folders of `tendo score --shard I/N` runs (all N shards of the same listing,
/// finished) into `out_dir`: the same files a single unsharded run writes, byte for byte.
/// Throws BatchRefused when the folders are not the complete, consistent set of shards or
/// `out_dir` holds another dataset (without `force`).
BatchSummary merge_batches(const std::vector<std::filesystem::path>& shard_dirs, const std::filesystem::path& out_dir,
                           bool force, Reporter& reporter);

/// The pseudonym of a patient id under `key`: "anon-" and the first 16 hex digits of
/// HMAC-SHA256(key, patient_id).
std::string pseudonym(const std::string& key, const std::string& patient_id);

} // namespace tendo::scoring
