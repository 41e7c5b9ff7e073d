#pragma once

#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/batch.hpp"

namespace tendo::scoring {

/// The per-file work of `tendo score`: opens the file (Scan::open with the user spacing),
/// analyses it (analyze_scan), applies the user's corrections from its sidecar when there is one
/// (a sidecar that does not fit the scan becomes a warning) and returns the result, the tendon mask of the analysed frame
/// (all zero, frame-sized, when no tendon was found) and the overlay when asked. A file that
/// cannot be opened or decoded gives error_result(file, reason).
FileAnalyzer make_scan_analyzer(const AnalysisOptions& options);

/// What besides the file's content changes its result: "sidecar:<sha256>" of its corrections
/// sidecar (`<file>.tendo.json`), empty when there is none. For BatchOptions::extra_input_key.
std::string sidecar_key(const std::string& file);

/// The part of `options` that changes results, as a stable text key for the results store.
std::string analysis_key(const AnalysisOptions& options);

} // namespace tendo::scoring
