#include "tendo/scoring/batch.hpp"

#include "tendo/imaging/dicom_probe.hpp"
#include "tendo/scoring/batch_outputs.hpp"
#include "tendo/scoring/digest.hpp"
#include "tendo/scoring/results_store.hpp"
#include "tendo/version.hpp"

#include "tendo/imaging/image_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStoreName = "tendo.sqlite";
constexpr const char* kLockName = ".tendo.lock";
constexpr const char* kSchemaVersion = "1";
const std::vector<std::string> kOutputFiles = {"results.jsonl", "results.csv", "errors.csv", "skipped.csv"};
const std::vector<std::string> kOutputFolders = {"masks", "overlays"};

/// An exclusive lock on the output folder for the life of the object (released by the kernel
/// when the process dies, so a killed run never leaves the folder locked).
class FolderLock {
public:
    explicit FolderLock(const fs::path& dir) {
        const fs::path path = dir / kLockName;
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw Error(dir.string() + ": cannot write to the output folder");
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw BatchRefused(dir.string() + ": in use by another tendo run");
        }
    }
    ~FolderLock() {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    int fd_ = -1;
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

/// A name that claims DICOM: such a file that is not DICOM by content is reported as an error,
/// not silently skipped.
bool has_dicom_extension(const std::string& file) {
    const std::string extension = lowercase(fs::path(file).extension().string());
    return extension == ".dcm" || extension == ".dicom" || extension == ".dic";
}

std::string dataset_identity(const std::vector<fs::path>& paths, const std::optional<Shard>& shard) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& path : paths) {
        std::error_code error;
        fs::path absolute = fs::absolute(path, error);
        list.push_back((error ? path : absolute.lexically_normal()).string());
    }
    nlohmann::json identity = {{"paths", list}};
    identity["shard"] = shard ? nlohmann::json(std::to_string(shard->index) + "/" + std::to_string(shard->count))
                              : nlohmann::json(nullptr);
    return identity.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pseudonym_check(const std::optional<std::string>& key) {
    return key ? hmac_sha256_hex(*key, "tendo pseudonym key check").substr(0, 16) : std::string();
}

bool has_tendo_outputs(const fs::path& dir) {
    std::error_code error;
    for (const auto& name : kOutputFiles)
        if (fs::exists(dir / name, error))
            return true;
    for (const auto& name : kOutputFolders)
        if (fs::exists(dir / name, error))
            return true;
    return fs::exists(dir / kStoreName, error);
}

void remove_tendo_outputs(const fs::path& dir) {
    std::error_code error;
    for (const auto& name : kOutputFiles)
        fs::remove(dir / name, error);
    for (const auto& name : kOutputFolders)
        fs::remove_all(dir / name, error);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(dir / (std::string(kStoreName) + suffix), error);
}

/// Removes temporary files a killed run left behind ("<name>.tmp.<pid>").
void remove_stale_temporaries(const fs::path& dir) {
    for (const fs::path& folder : {dir, dir / "masks", dir / "overlays"}) {
        std::error_code error;
        if (!fs::is_directory(folder, error))
            continue;
        for (const auto& entry : fs::directory_iterator(folder, error)) {
            const std::string name = entry.path().filename().string();
            if (name.find(".tmp.") != std::string::npos) {
                std::error_code ignored;
                fs::remove(entry.path(), ignored);
            }
        }
    }
}

/// Checks that `dir` may receive the results of `identity` and opens its store.
ResultsStore prepare_output(const fs::path& dir, const std::string& identity, const std::string& pseudonym_key_check,
                            bool resume, bool force) {
    const fs::path store_path = dir / kStoreName;
    std::error_code error;
    if (fs::exists(store_path, error)) {
        std::map<std::string, std::string> meta;
        try {
            meta = ResultsStore::open(store_path, false).all_meta();
        } catch (const Error&) {
            if (!force)
                throw BatchRefused(dir.string() + ": holds an unreadable results store; use --force to replace it");
        }
        // A store whose dataset was never recorded holds no results yet (killed while created).
        if (!force && !meta["dataset"].empty()) {
            if (meta["dataset"] != identity)
                throw BatchRefused(dir.string() + ": holds the results of another dataset (" + meta["dataset"] +
                                   "); use --force to replace them");
            if (meta["pseudonym"] != pseudonym_key_check)
                throw BatchRefused(dir.string() +
                                   ": was scored with another --pseudonymize setting; use --force to start over");
            if (meta["state"] != "finished" && !resume)
                throw BatchRefused(dir.string() +
                                   ": holds an interrupted run of this dataset; add --resume to finish it "
                                   "(or --force to start over)");
        } else if (force) {
            remove_tendo_outputs(dir);
        }
    } else if (has_tendo_outputs(dir)) {
        if (!force)
            throw BatchRefused(dir.string() + ": holds tendo outputs without a results store; use --force to replace them");
        remove_tendo_outputs(dir);
    }
    remove_stale_temporaries(dir);
    return ResultsStore::open(store_path, false);
}

std::string png_bytes(const cv::Mat& image) {
    if (image.empty())
        return {};
    const std::vector<std::uint8_t> bytes = encode_png(image);
    return std::string(bytes.begin(), bytes.end());
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

/// Replaces the patient id by its pseudonym, also where it appears inside warnings and errors.
void pseudonymize(ScanResult& result, const std::string& key) {
    if (!result.patient_id)
        return;
    const std::string raw = *result.patient_id;
    const std::string alias = pseudonym(key, raw);
    result.patient_id = alias;
    if (raw.size() < 3)
        return; // too short to replace inside free text without mangling it
    for (auto& warning : result.warnings)
        replace_all(warning, raw, alias);
    if (result.error)
        replace_all(*result.error, raw, alias);
}

/// Counts and reports progress from the worker threads.
class ProgressCounter {
public:
    ProgressCounter(const BatchOptions& options, std::size_t total)
        : options_(options), start_(std::chrono::steady_clock::now()) {
        progress_.total = total;
    }

    void finished(bool failed, bool skipped, const std::string& file, const std::string& reason) {
        std::lock_guard lock(mutex_);
        ++progress_.done;
        progress_.failed += failed ? 1 : 0;
        progress_.skipped += skipped ? 1 : 0;
        progress_.elapsed_s = elapsed_s();
        if (failed && options_.on_failure)
            options_.on_failure(file, reason);
        if (options_.on_progress)
            options_.on_progress(progress_);
    }

    double elapsed_s() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    const BatchOptions& options_;
    std::chrono::steady_clock::time_point start_;
    std::mutex mutex_;
    BatchProgress progress_;
};

struct WorkerTotals {
    std::atomic<std::size_t> reused{0};
};

void score_one(const BatchInput& input, const BatchOptions& options, const FileAnalyzer& analyzer,
               const std::string& options_key, ResultsStore& store, ProgressCounter& progress, WorkerTotals& totals) {
    std::string sha256;
    try {
        sha256 = sha256_file_hex(input.file);
    } catch (const Error& error) {
        std::error_code ignored;
        const std::string reason =
            fs::exists(input.file, ignored) ? std::string(error.what()) : input.file + ": no such file";
        store.record_input(input.ordinal, InputOutcome::unreadable, "", reason);
        progress.finished(true, false, input.file, reason);
        return;
    }
    const DicomProbe probe = probe_dicom_object(input.file);
    std::string skip_reason;
    if (probe.kind == DicomObjectKind::directory || probe.kind == DicomObjectKind::non_image)
        skip_reason = probe.description;
    else if (probe.kind == DicomObjectKind::not_dicom && !input.named && !has_dicom_extension(input.file))
        skip_reason = "not dicom";
    if (!skip_reason.empty()) {
        store.record_input(input.ordinal, InputOutcome::skipped, sha256, skip_reason);
        progress.finished(false, true, input.file, "");
        return;
    }

    if (options.extra_input_key) {
        const std::string extra = options.extra_input_key(input.file);
        if (!extra.empty())
            sha256 += "+" + extra;
    }
    const ResultKey key{sha256, kPipelineVersion, options_key};
    if (store.has_result(key, options.overlays)) {
        store.record_input(input.ordinal, InputOutcome::scored, sha256, "");
        const auto stored = store.find_result(key);
        const auto object = nlohmann::json::parse(stored->result_json);
        const bool failed = object.value("status", std::string("error")) == "error";
        ++totals.reused;
        progress.finished(failed, false, input.file,
                          failed && object.at("error").is_string()
                              ? object.at("error").get<std::string>()
                              : std::string());
        return;
    }

    FileAnalysis analysis;
    SilentReporter quiet; // per-file warnings are in the result; the terminal gets the progress bar
    try {
        analysis = analyzer(FileRequest{input.file, options.overlays}, quiet);
    } catch (const std::exception& error) {
        analysis = FileAnalysis{error_result(input.file, error.what()), {}, {}};
    }
    ScanResult& result = analysis.result;
    result.file = input.file;
    if (options.pseudonymize_key)
        pseudonymize(result, *options.pseudonymize_key);
    StoredResult stored;
    stored.result_json = to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (result.status != Status::error) {
        stored.mask_png = png_bytes(analysis.mask);
        if (options.overlays)
            stored.overlay_png = png_bytes(analysis.overlay);
    }
    store.record_scored(input.ordinal, key, stored);
    const bool failed = result.status == Status::error;
    progress.finished(failed, false, input.file, failed ? result.error.value_or("failed") : std::string());
}

BatchSummary summarise(const OutputCounts& counts, std::size_t inputs, std::size_t reused, double elapsed_s) {
    BatchSummary summary;
    summary.inputs = inputs;
    summary.failed = counts.failed;
    summary.skipped = counts.skipped;
    summary.pending = counts.pending;
    summary.scored = counts.results - counts.failed;
    summary.reused = reused;
    summary.elapsed_s = elapsed_s;
    return summary;
}

} // namespace

std::string pseudonym(const std::string& key, const std::string& patient_id) {
    return "anon-" + hmac_sha256_hex(key, patient_id).substr(0, 16);
}

BatchSummary run_batch(const BatchOptions& options, const FileAnalyzer& analyzer, Reporter& reporter) {
    if (options.paths.empty())
        throw BatchRefused("nothing to score: no input given");
    // Listed first: a run with nothing to score leaves the output folder untouched.
    BatchListing listing = list_batch_inputs(options.paths);
    for (const auto& problem : listing.walk_errors)
        reporter.warning(problem);
    const std::vector<BatchInput> inputs =
        options.shard ? select_shard(listing.inputs, *options.shard) : listing.inputs;
    if (listing.inputs.empty())
        throw BatchRefused("nothing to score: no file found in the given paths");

    std::error_code error;
    fs::create_directories(options.out_dir, error);
    if (error || !fs::is_directory(options.out_dir))
        throw Error(options.out_dir.string() + ": cannot create the output folder" +
                    (error ? " (" + error.message() + ")" : ""));
    FolderLock lock(options.out_dir);

    const std::string identity = dataset_identity(options.paths, options.shard);
    const std::string key_check = pseudonym_check(options.pseudonymize_key);
    ResultsStore store = prepare_output(options.out_dir, identity, key_check, options.resume, options.force);


    const std::string options_key = options.analysis_key + "|pseudonym=" + key_check;
    store.set_meta({{"schema", kSchemaVersion},
                    {"dataset", identity},
                    {"listing_sha256", listing.fingerprint},
                    {"listing_count", std::to_string(listing.inputs.size())},
                    {"shard", options.shard ? std::to_string(options.shard->index) + "/" +
                                                  std::to_string(options.shard->count)
                                            : std::string()},
                    {"pipeline_version", kPipelineVersion},
                    {"options_key", options_key},
                    {"pseudonym", key_check},
                    {"masks", options.masks ? "1" : "0"},
                    {"overlays", options.overlays ? "1" : "0"},
                    {"state", "running"}});
    store.replace_inputs(inputs);

    ProgressCounter progress(options, inputs.size());
    WorkerTotals totals;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        while (!stop) {
            const std::size_t index = next++;
            if (index >= inputs.size() || reporter.cancelled())
                return;
            try {
                score_one(inputs[index], options, analyzer, options_key, store, progress, totals);
            } catch (...) {
                // A store or output failure stops the batch: going on could not record anything.
                std::lock_guard guard(failure_mutex);
                if (!failure)
                    failure = std::current_exception();
                stop = true;
            }
        }
    };
    int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    jobs = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs), std::max<std::size_t>(1, inputs.size())));
    {
        std::vector<std::jthread> workers;
        for (int j = 1; j < jobs; ++j)
            workers.emplace_back(work);
        work();
    }
    if (failure)
        std::rethrow_exception(failure);

    const OutputCounts counts = write_batch_outputs(store, options.out_dir, options.masks, options.overlays);
    if (counts.pending == 0)
        store.set_meta({{"state", "finished"}});
    return summarise(counts, inputs.size(), totals.reused, progress.elapsed_s());
}

BatchSummary merge_batches(const std::vector<fs::path>& shard_dirs, const fs::path& out_dir, bool force,
                           Reporter& /*reporter*/) {
    const auto start = std::chrono::steady_clock::now();
    if (shard_dirs.empty())
        throw BatchRefused("nothing to merge: no shard folder given");
    struct ShardStore {
        fs::path dir;
        std::map<std::string, std::string> meta;
        nlohmann::json dataset;
    };
    std::vector<ShardStore> shards;
    std::vector<ResultsStore> stores;
    for (const auto& dir : shard_dirs) {
        const fs::path path = dir / kStoreName;
        std::error_code error;
        if (!fs::exists(path, error))
            throw BatchRefused(dir.string() + ": no results store (not a tendo score output folder)");
        stores.push_back(ResultsStore::open(path, true));
        ShardStore shard{dir, stores.back().all_meta(), {}};
        if (shard.meta["state"] != "finished")
            throw BatchRefused(dir.string() + ": the run is not finished; finish it with tendo score --resume");
        if (shard.meta["shard"].empty())
            throw BatchRefused(dir.string() + ": not a --shard I/N run");
        shard.dataset = nlohmann::json::parse(shard.meta["dataset"]);
        shards.push_back(std::move(shard));
    }
    const auto& first = shards.front();
    const Shard first_shard = parse_shard(first.meta.at("shard"));
    std::set<int> indices;
    for (const auto& shard : shards) {
        for (const char* key : {"listing_sha256", "listing_count", "pipeline_version", "options_key", "pseudonym",
                                "masks", "overlays"})
            if (shard.meta.at(key) != first.meta.at(key))
                throw BatchRefused(shard.dir.string() + ": " + key + " differs from " + first.dir.string() +
                                   " (shards of different runs)");
        if (shard.dataset.at("paths") != first.dataset.at("paths"))
            throw BatchRefused(shard.dir.string() + ": inputs differ from " + first.dir.string());
        const Shard s = parse_shard(shard.meta.at("shard"));
        if (s.count != first_shard.count)
            throw BatchRefused(shard.dir.string() + ": shard count differs from " + first.dir.string());
        if (!indices.insert(s.index).second)
            throw BatchRefused(shard.dir.string() + ": shard " + std::to_string(s.index) + " given twice");
    }
    if (static_cast<int>(indices.size()) != first_shard.count) {
        std::string missing;
        for (int i = 1; i <= first_shard.count; ++i)
            if (!indices.count(i))
                missing += (missing.empty() ? "" : ", ") + std::to_string(i);
        throw BatchRefused("missing shard(s) " + missing + " of " + std::to_string(first_shard.count));
    }

    std::error_code error;
    fs::create_directories(out_dir, error);
    if (error || !fs::is_directory(out_dir))
        throw Error(out_dir.string() + ": cannot create the output folder");
    FolderLock lock(out_dir);
    nlohmann::json dataset = first.dataset;
    dataset["shard"] = nullptr;
    const std::string identity = dataset.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // A merge is a pure function of the shards: redoing it into the same folder is always allowed.
    ResultsStore out = prepare_output(out_dir, identity, first.meta.at("pseudonym"), true, force);
    const bool masks = first.meta.at("masks") == "1";
    const bool overlays = first.meta.at("overlays") == "1";
    out.set_meta({{"schema", kSchemaVersion},
                  {"dataset", identity},
                  {"listing_sha256", first.meta.at("listing_sha256")},
                  {"listing_count", first.meta.at("listing_count")},
                  {"shard", ""},
                  {"pipeline_version", first.meta.at("pipeline_version")},
                  {"options_key", first.meta.at("options_key")},
                  {"pseudonym", first.meta.at("pseudonym")},
                  {"masks", first.meta.at("masks")},
                  {"overlays", first.meta.at("overlays")},
                  {"state", "running"}});
    out.replace_inputs({});
    std::size_t total = 0;
    for (std::size_t s = 0; s < stores.size(); ++s) {
        const auto inputs = stores[s].inputs();
        for (const auto& input : inputs) {
            if (input.outcome != InputOutcome::scored)
                continue;
            const ResultKey key{input.content_sha256, first.meta.at("pipeline_version"), first.meta.at("options_key")};
            const auto result = stores[s].find_result(key);
            if (!result)
                throw Error(shards[s].dir.string() + ": result of " + input.file + " missing from the store");
            out.put_result(key, *result);
        }
        out.add_inputs(inputs);
        total += inputs.size();
    }
    if (std::to_string(total) != first.meta.at("listing_count"))
        throw BatchRefused("the shards hold " + std::to_string(total) + " inputs, the listing " +
                           first.meta.at("listing_count"));
    const OutputCounts counts = write_batch_outputs(out, out_dir, masks, overlays);
    out.set_meta({{"state", "finished"}});
    return summarise(counts, total, 0, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

} // namespace tendo::scoring
