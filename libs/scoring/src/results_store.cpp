#include "tendo/scoring/results_store.hpp"

#include "tendo/imaging/error.hpp"

#include <sqlite3.h>

#include <utility>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    content_sha256 TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    options_key TEXT NOT NULL,
    result_json TEXT NOT NULL,
    mask_png BLOB,
    overlay_png BLOB,
    PRIMARY KEY (content_sha256, pipeline_version, options_key));
CREATE TABLE IF NOT EXISTS inputs (
    ordinal INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    outcome TEXT NOT NULL,
    content_sha256 TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '');
)sql";

/// One prepared statement, finalised on scope exit.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK)
            ok_ = false;
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return ok_; }
    Statement& text(int index, const std::string& value) {
        ok_ = ok_ && sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                                       SQLITE_TRANSIENT) == SQLITE_OK;
        return *this;
    }
    Statement& blob(int index, const std::string& value) {
        if (value.empty())
            ok_ = ok_ && sqlite3_bind_null(statement_, index) == SQLITE_OK;
        else
            ok_ = ok_ && sqlite3_bind_blob(statement_, index, value.data(), static_cast<int>(value.size()),
                                           SQLITE_TRANSIENT) == SQLITE_OK;
        return *this;
    }
    Statement& integer(int index, std::int64_t value) {
        ok_ = ok_ && sqlite3_bind_int64(statement_, index, value) == SQLITE_OK;
        return *this;
    }
    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return ok_ ? sqlite3_step(statement_) : SQLITE_ERROR; }
    bool run() { return step() == SQLITE_DONE; }
    bool reset() {
        ok_ = sqlite3_reset(statement_) == SQLITE_OK && sqlite3_clear_bindings(statement_) == SQLITE_OK;
        return ok_;
    }

    std::string column_text(int index) const {
        const auto* bytes = sqlite3_column_blob(statement_, index);
        const int size = sqlite3_column_bytes(statement_, index);
        return bytes ? std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(size)) : std::string();
    }
    std::int64_t column_integer(int index) const { return sqlite3_column_int64(statement_, index); }

private:
    sqlite3_stmt* statement_ = nullptr;
    bool ok_ = true;
};

} // namespace

std::string to_string(InputOutcome outcome) {
    switch (outcome) {
    case InputOutcome::pending:
        return "pending";
    case InputOutcome::scored:
        return "scored";
    case InputOutcome::skipped:
        return "skipped";
    case InputOutcome::unreadable:
        return "unreadable";
    }
    return "pending";
}

InputOutcome input_outcome_from_string(const std::string& text) {
    if (text == "scored")
        return InputOutcome::scored;
    if (text == "skipped")
        return InputOutcome::skipped;
    if (text == "unreadable")
        return InputOutcome::unreadable;
    return InputOutcome::pending;
}

ResultsStore ResultsStore::open(const fs::path& path, bool read_only) {
    sqlite3* db = nullptr;
    const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int status = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (status != SQLITE_OK) {
        const std::string reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(status);
        sqlite3_close(db);
        throw Error(path.string() + ": cannot open results store (" + reason + ")");
    }
    ResultsStore store(path, db);
    sqlite3_busy_timeout(db, 10000);
    if (!read_only) {
        // WAL: a reader (tendo merge, a progress check) never blocks the writer; NORMAL sync is
        // safe against a killed process (only a power cut can lose the last transactions).
        store.exec("PRAGMA journal_mode=WAL");
        store.exec("PRAGMA synchronous=NORMAL");
        store.exec(kSchema);
    } else {
        Statement check(db, "SELECT count(*) FROM meta");
        if (!check.ok() || check.step() != SQLITE_ROW)
            throw Error(path.string() + ": not a tendo results store");
    }
    return store;
}

ResultsStore::ResultsStore(fs::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}

ResultsStore::ResultsStore(ResultsStore&& other) noexcept
    : path_(std::move(other.path_)), db_(std::exchange(other.db_, nullptr)) {}

ResultsStore& ResultsStore::operator=(ResultsStore&& other) noexcept {
    if (this != &other) {
        sqlite3_close(db_);
        path_ = std::move(other.path_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

void ResultsStore::fail(const std::string& what) const {
    throw Error(path_.string() + ": " + what + " (" + sqlite3_errmsg(db_) + ")");
}

void ResultsStore::exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string reason = message ? message : "unknown error";
        sqlite3_free(message);
        throw Error(path_.string() + ": results store: " + reason);
    }
}

namespace {

/// BEGIN IMMEDIATE ... COMMIT, rolled back when the scope is left by an exception.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : db_(db) { ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK; }
    ~Transaction() {
        if (ok_ && !committed_)
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    bool ok() const { return ok_; }
    bool commit() {
        committed_ = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
        return committed_;
    }

private:
    sqlite3* db_;
    bool ok_ = false;
    bool committed_ = false;
};

} // namespace

std::optional<std::string> ResultsStore::meta(const std::string& key) const {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT value FROM meta WHERE key = ?1");
    select.text(1, key);
    const int status = select.step();
    if (status == SQLITE_ROW)
        return select.column_text(0);
    if (status != SQLITE_DONE)
        fail("cannot read meta");
    return std::nullopt;
}

std::map<std::string, std::string> ResultsStore::all_meta() const {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT key, value FROM meta");
    std::map<std::string, std::string> values;
    int status = 0;
    while ((status = select.step()) == SQLITE_ROW)
        values[select.column_text(0)] = select.column_text(1);
    if (status != SQLITE_DONE)
        fail("cannot read meta");
    return values;
}

void ResultsStore::set_meta(const std::map<std::string, std::string>& values) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    if (!transaction.ok())
        fail("cannot write meta");
    Statement insert(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
    for (const auto& [key, value] : values) {
        insert.text(1, key).text(2, value);
        if (!insert.run() || !insert.reset())
            fail("cannot write meta");
    }
    if (!transaction.commit())
        fail("cannot write meta");
}

bool ResultsStore::has_result(const ResultKey& key, bool need_overlay) const {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT overlay_png IS NOT NULL FROM results WHERE content_sha256 = ?1 AND "
                          "pipeline_version = ?2 AND options_key = ?3");
    select.text(1, key.content_sha256).text(2, key.pipeline_version).text(3, key.options_key);
    const int status = select.step();
    if (status == SQLITE_ROW)
        return !need_overlay || select.column_integer(0) != 0;
    if (status != SQLITE_DONE)
        fail("cannot read results");
    return false;
}

std::optional<StoredResult> ResultsStore::find_result(const ResultKey& key) const {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT result_json, mask_png, overlay_png FROM results WHERE content_sha256 = ?1 AND "
                          "pipeline_version = ?2 AND options_key = ?3");
    select.text(1, key.content_sha256).text(2, key.pipeline_version).text(3, key.options_key);
    const int status = select.step();
    if (status == SQLITE_ROW)
        return StoredResult{select.column_text(0), select.column_text(1), select.column_text(2)};
    if (status != SQLITE_DONE)
        fail("cannot read results");
    return std::nullopt;
}

void ResultsStore::replace_inputs(const std::vector<BatchInput>& inputs) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    if (!transaction.ok())
        fail("cannot write inputs");
    Statement clear(db_, "DELETE FROM inputs");
    if (!clear.run())
        fail("cannot write inputs");
    Statement insert(db_, "INSERT INTO inputs (ordinal, file, outcome) VALUES (?1, ?2, 'pending')");
    for (const auto& input : inputs) {
        insert.integer(1, static_cast<std::int64_t>(input.ordinal)).text(2, input.file);
        if (!insert.run() || !insert.reset())
            fail("cannot write inputs");
    }
    if (!transaction.commit())
        fail("cannot write inputs");
}

void ResultsStore::add_inputs(const std::vector<StoredInput>& inputs) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    if (!transaction.ok())
        fail("cannot write inputs");
    Statement insert(db_, "INSERT OR REPLACE INTO inputs (ordinal, file, outcome, content_sha256, note) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const auto& input : inputs) {
        insert.integer(1, static_cast<std::int64_t>(input.ordinal))
            .text(2, input.file)
            .text(3, to_string(input.outcome))
            .text(4, input.content_sha256)
            .text(5, input.note);
        if (!insert.run() || !insert.reset())
            fail("cannot write inputs");
    }
    if (!transaction.commit())
        fail("cannot write inputs");
}

std::vector<StoredInput> ResultsStore::inputs() const {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT ordinal, file, outcome, content_sha256, note FROM inputs ORDER BY ordinal");
    std::vector<StoredInput> inputs;
    int status = 0;
    while ((status = select.step()) == SQLITE_ROW)
        inputs.push_back(StoredInput{static_cast<std::size_t>(select.column_integer(0)), select.column_text(1),
                                     input_outcome_from_string(select.column_text(2)), select.column_text(3),
                                     select.column_text(4)});
    if (status != SQLITE_DONE)
        fail("cannot read inputs");
    return inputs;
}

namespace {

bool insert_result(sqlite3* db, const ResultKey& key, const StoredResult& result) {
    Statement insert(db, "INSERT OR REPLACE INTO results (content_sha256, pipeline_version, options_key, "
                         "result_json, mask_png, overlay_png) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.text(1, key.content_sha256)
        .text(2, key.pipeline_version)
        .text(3, key.options_key)
        .text(4, result.result_json)
        .blob(5, result.mask_png)
        .blob(6, result.overlay_png);
    return insert.run();
}

bool update_input(sqlite3* db, std::size_t ordinal, InputOutcome outcome, const std::string& sha256,
                  const std::string& note) {
    Statement update(db, "UPDATE inputs SET outcome = ?2, content_sha256 = ?3, note = ?4 WHERE ordinal = ?1");
    update.integer(1, static_cast<std::int64_t>(ordinal)).text(2, to_string(outcome)).text(3, sha256).text(4, note);
    return update.run();
}

} // namespace

void ResultsStore::record_scored(std::size_t ordinal, const ResultKey& key, const StoredResult& result) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    if (!transaction.ok() || !insert_result(db_, key, result) ||
        !update_input(db_, ordinal, InputOutcome::scored, key.content_sha256, "") || !transaction.commit())
        fail("cannot store result");
}

void ResultsStore::put_result(const ResultKey& key, const StoredResult& result) {
    std::lock_guard lock(mutex_);
    Transaction transaction(db_);
    if (!transaction.ok() || !insert_result(db_, key, result) || !transaction.commit())
        fail("cannot store result");
}

void ResultsStore::record_input(std::size_t ordinal, InputOutcome outcome, const std::string& content_sha256,
                                const std::string& note) {
    std::lock_guard lock(mutex_);
    if (!update_input(db_, ordinal, outcome, content_sha256, note))
        fail("cannot write inputs");
}

} // namespace tendo::scoring
