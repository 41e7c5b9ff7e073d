#include "tendo/scoring/batch_inputs.hpp"

#include "tendo/scoring/digest.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

namespace tendo::scoring {

namespace fs = std::filesystem;

Shard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos)
        throw std::invalid_argument("expected I/N, e.g. 2/8");
    Shard shard;
    try {
        std::size_t used_index = 0;
        std::size_t used_count = 0;
        const std::string index = text.substr(0, slash);
        const std::string count = text.substr(slash + 1);
        shard.index = std::stoi(index, &used_index);
        shard.count = std::stoi(count, &used_count);
        if (used_index != index.size() || used_count != count.size())
            throw std::invalid_argument("expected I/N, e.g. 2/8");
    } catch (const std::logic_error&) {
        throw std::invalid_argument("expected I/N, e.g. 2/8");
    }
    if (shard.count < 1 || shard.index < 1 || shard.index > shard.count)
        throw std::invalid_argument("I must be between 1 and N");
    return shard;
}

namespace {

void walk_folder(const fs::path& folder, std::vector<std::string>& files, std::vector<std::string>& errors) {
    std::error_code error;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
    if (error) {
        errors.push_back(folder.string() + ": cannot list folder (" + error.message() + ")");
        return;
    }
    std::vector<std::string> found;
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
        if (error) {
            errors.push_back(it->path().string() + ": cannot list folder (" + error.message() + ")");
            error.clear();
            continue;
        }
        std::error_code status_error;
        if (it->is_regular_file(status_error))
            found.push_back(it->path().string());
    }
    if (error)
        errors.push_back(folder.string() + ": cannot list folder (" + error.message() + ")");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
}

} // namespace

BatchListing list_batch_inputs(const std::vector<fs::path>& paths) {
    BatchListing listing;
    std::unordered_set<std::string> seen;
    std::string joined;
    auto add = [&](const std::string& file, bool named) {
        if (!seen.insert(file).second)
            return;
        listing.inputs.push_back(BatchInput{listing.inputs.size(), file, named});
        joined += file;
        joined.push_back('\0');
    };
    for (const auto& path : paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            std::vector<std::string> files;
            walk_folder(path, files, listing.walk_errors);
            for (const auto& file : files)
                add(file, false);
        } else {
            add(path.string(), true);
        }
    }
    listing.fingerprint = sha256_hex(joined);
    return listing;
}

std::vector<BatchInput> select_shard(const std::vector<BatchInput>& inputs, const Shard& shard) {
    std::vector<BatchInput> selected;
    for (const auto& input : inputs)
        if (input.ordinal % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index - 1))
            selected.push_back(input);
    return selected;
}

std::string safe_output_name(const std::string& text) {
    constexpr std::size_t kMaxBytes = 120;
    std::string name;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unsafe =
            byte < 0x20 || byte == 0x7f || std::string_view("/\\:*?\"<>|").find(c) != std::string_view::npos;
        name += unsafe ? '_' : c;
    }
    // No hidden files, no "." or "..", nothing Windows would trim.
    for (char& c : name) {
        if (c != '.')
            break;
        c = '_';
    }
    while (!name.empty() && (name.back() == '.' || name.back() == ' '))
        name.pop_back();
    if (name.size() > kMaxBytes) {
        std::size_t cut = kMaxBytes;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
            --cut; // never split a UTF-8 character
        name.resize(cut);
    }
    return name.empty() ? std::string("scan") : name;
}

std::string output_stem(const std::string& file) {
    const fs::path path(file);
    std::string stem = path.stem().string();
    if (stem.empty())
        stem = path.filename().string();
    return safe_output_name(stem);
}

} // namespace tendo::scoring
