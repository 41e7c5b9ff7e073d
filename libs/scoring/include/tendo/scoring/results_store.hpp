#pragma once

#include "tendo/scoring/batch_inputs.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace tendo::scoring {

/// What became of one input of a batch run.
enum class InputOutcome {
    /// Not finished yet (the run was stopped or killed before it).
    pending,
    /// Scored: its result (ok, warning or error status) is in the store under its content hash.
    scored,
    /// Not a scan (not DICOM, a DICOMDIR, a report): listed in skipped.csv with the note.
    skipped,
    /// Could not even be read: an error result is made from the note.
    unreadable,
};

struct StoredInput {
    std::size_t ordinal = 0;
    std::string file;
    InputOutcome outcome = InputOutcome::pending;
    std::string content_sha256;
    std::string note;
};

/// A stored result: the result object as JSON text and the PNG bytes of its mask and overlay
/// (empty when not made).
struct StoredResult {
    std::string result_json;
    std::string mask_png;
    std::string overlay_png;
};

/// The key of a stored result: the same file content scored by the same pipeline with the same
/// options gives the same result, whatever the file is called.
struct ResultKey {
    std::string content_sha256;
    std::string pipeline_version;
    std::string options_key;
};

/// The results store of a batch output folder (DIR/tendo.sqlite, SQLite). Every write is one
/// transaction, so a process killed at any moment leaves the store as it was before or after
/// that write, never in between. Safe to call from several threads (calls are serialised).
/// Every method throws tendo::Error ("DIR/tendo.sqlite: reason") when SQLite fails.
class ResultsStore {
public:
    /// Opens (and creates when `read_only` is false) the store at `path`.
    static ResultsStore open(const std::filesystem::path& path, bool read_only);

    ResultsStore(ResultsStore&& other) noexcept;
    ResultsStore& operator=(ResultsStore&& other) noexcept;
    ResultsStore(const ResultsStore&) = delete;
    ResultsStore& operator=(const ResultsStore&) = delete;
    ~ResultsStore();

    std::optional<std::string> meta(const std::string& key) const;
    std::map<std::string, std::string> all_meta() const;
    /// Sets several meta values in one transaction.
    void set_meta(const std::map<std::string, std::string>& values);

    /// True when a result is stored under `key` (and has an overlay, when `need_overlay`).
    bool has_result(const ResultKey& key, bool need_overlay) const;
    std::optional<StoredResult> find_result(const ResultKey& key) const;

    /// Replaces the input list with `inputs`, all pending (one transaction).
    void replace_inputs(const std::vector<BatchInput>& inputs);
    /// Adds inputs in their recorded state (merging shard stores); one transaction.
    void add_inputs(const std::vector<StoredInput>& inputs);
    std::vector<StoredInput> inputs() const;

    /// Stores `result` under `key` (replacing an older one) and marks input `ordinal` scored with
    /// it, in one transaction.
    void record_scored(std::size_t ordinal, const ResultKey& key, const StoredResult& result);
    /// Stores a result without touching the inputs (merging shard stores).
    void put_result(const ResultKey& key, const StoredResult& result);
    /// Marks input `ordinal` as `outcome` (skipped or unreadable, with the note; or scored when
    /// the stored result under `content_sha256` is reused).
    void record_input(std::size_t ordinal, InputOutcome outcome, const std::string& content_sha256,
                      const std::string& note);

    const std::filesystem::path& path() const { return path_; }

private:
    ResultsStore(std::filesystem::path path, sqlite3* db);
    void exec(const std::string& sql) const;
    [[noreturn]] void fail(const std::string& what) const;

    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    mutable std::mutex mutex_;
};

std::string to_string(InputOutcome outcome);
InputOutcome input_outcome_from_string(const std::string& text);

} // namespace tendo::scoring
