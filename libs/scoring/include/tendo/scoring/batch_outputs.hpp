#pragma once

#include "tendo/scoring/results_store.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace tendo::scoring {

/// The columns of results.csv: the result object flattened ("thickness_mm.max" becomes
/// "thickness_mm_max", "spacing_mm" [dx, dy] becomes spacing_mm_dx and spacing_mm_dy), then
/// `mask` and `overlay` (the written PNG, relative to the output folder). The thickness profile
/// stays in results.jsonl.
const std::vector<std::string>& results_csv_columns();

/// One results.csv row (without the line end) for a result object; null is an empty cell,
/// warnings are joined with "; ". Cells are quoted as RFC 4180 says when needed.
std::string results_csv_row(const nlohmann::json& result, const std::string& mask, const std::string& overlay);

/// One CSV cell, quoted when it holds a comma, quote or line break.
std::string csv_cell(const std::string& text);

struct OutputCounts {
    std::size_t results = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    std::size_t pending = 0;
};

/// Writes results.jsonl, results.csv, errors.csv, skipped.csv and (when asked) masks/<stem>.png
/// and overlays/<stem>.png into `dir` from what `store` holds, in input order. Results are looked
/// up under the store's pipeline_version and options_key meta values. Two inputs with the same
/// stem get "<stem>.png" (the first) and "<stem>_2.png", ... Each file is written to a temporary
/// file and renamed into place; a PNG already holding the same bytes is left untouched.
OutputCounts write_batch_outputs(const ResultsStore& store, const std::filesystem::path& dir, bool masks,
                                 bool overlays);

} // namespace tendo::scoring
