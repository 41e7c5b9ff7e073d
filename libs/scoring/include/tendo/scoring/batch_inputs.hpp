#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace tendo::scoring {

/// One file a batch run considers.
struct BatchInput {
    /// Position in the full, unsharded listing (0-based): output order, shard assignment.
    std::size_t ordinal = 0;
    /// The path as given on the command line, or a given folder joined with the path below it.
    std::string file;
    /// True when named on the command line (always scored), false when found in a folder (scored
    /// only when its content is DICOM).
    bool named = false;
};

/// Which of N deterministic shares of the inputs to score: index 1..count.
struct Shard {
    int index = 1;
    int count = 1;
};

/// Parses "I/N" with 1 <= I <= N. Throws std::invalid_argument with a short reason.
Shard parse_shard(const std::string& text);

/// The listing of a batch: files named on the command line in the order given, and for each
/// folder every regular file below it (recursively, symlinked folders not followed) in byte order
/// of their paths. A file listed twice is kept once (first place). A path that does not exist
/// is kept (named) so that it is reported as an error. Problems walking a folder (permission
/// denied) are returned in `walk_errors` as "path: reason".
struct BatchListing {
    std::vector<BatchInput> inputs;
    std::vector<std::string> walk_errors;
    /// SHA-256 over the listed paths in order: two runs listed the same files iff equal.
    std::string fingerprint;
};

BatchListing list_batch_inputs(const std::vector<std::filesystem::path>& paths);

/// The inputs of shard `shard` (ordinal mod count == index - 1), in order.
std::vector<BatchInput> select_shard(const std::vector<BatchInput>& inputs, const Shard& shard);

/// The output name of an input: its file name without the last extension ("IM0001" for a file
/// without one), made safe by safe_output_name. Used for masks/<stem>.png and overlays/<stem>.png.
std::string output_stem(const std::string& file);

/// `text` as one safe file name component: path separators, control characters and characters
/// Windows refuses (\ : * ? " < > |) become '_', leading dots become '_' (no hidden names, no
/// "." or ".."), trailing dots and spaces go, at most 120 bytes (cut between UTF-8 characters);
/// "scan" when nothing is left. Names that need none of this are returned unchanged.
std::string safe_output_name(const std::string& text);

} // namespace tendo::scoring
