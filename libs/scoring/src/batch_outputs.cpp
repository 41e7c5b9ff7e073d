#include "tendo/scoring/batch_outputs.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>
#include <optional>
#include <sstream>
#include <utility>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

/// A results.csv column and where its value sits in the result object.
struct Column {
    std::string name;
    nlohmann::json::json_pointer pointer;
};

const std::vector<Column>& columns() {
    static const std::vector<Column> list = [] {
        std::vector<Column> c;
        auto add = [&c](const std::string& name, const std::string& pointer) {
            c.push_back(Column{name, nlohmann::json::json_pointer(pointer)});
        };
        add("file", "/file");
        add("sop_instance_uid", "/sop_instance_uid");
        add("patient_id", "/patient_id");
        add("study_date", "/study_date");
        add("laterality", "/laterality");
        add("view", "/view");
        add("frames", "/frames");
        add("frame", "/frame");
        add("spacing_mm_dx", "/spacing_mm/0");
        add("spacing_mm_dy", "/spacing_mm/1");
        add("calibrated", "/calibrated");
        add("status", "/status");
        add("warnings", "/warnings");
        add("error", "/error");
        add("thickness_mm_max", "/thickness_mm/max");
        add("thickness_mm_mean", "/thickness_mm/mean");
        add("thickness_mm_at_reference", "/thickness_mm/at_reference");
        add("thickness_mm_cine_median", "/thickness_mm/cine_median");
        add("csa_mm2", "/csa_mm2");
        add("tendon_area_mm2", "/tendon_area_mm2");
        add("echogenicity_mean", "/echogenicity/mean");
        add("echogenicity_sd", "/echogenicity/sd");
        add("echogenicity_normalized", "/echogenicity/normalized");
        add("echogenicity_hypoechoic_fraction", "/echogenicity/hypoechoic_fraction");
        add("echogenicity_coherence", "/echogenicity/coherence");
        add("neovascularity_doppler", "/neovascularity/doppler");
        add("neovascularity_vascular_fraction", "/neovascularity/vascular_fraction");
        add("neovascularity_vessel_count", "/neovascularity/vessel_count");
        add("neovascularity_vessels_in_tendon", "/neovascularity/vessels_in_tendon");
        add("neovascularity_ohberg_grade", "/neovascularity/ohberg_grade");
        add("neovascularity_frame", "/neovascularity/frame");
        add("confidence", "/confidence");
        add("pipeline_version", "/pipeline_version");
        return c;
    }();
    return list;
}

std::string cell_text(const nlohmann::json& value) {
    if (value.is_null())
        return {};
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_array()) {
        std::string joined;
        for (const auto& item : value) {
            if (!joined.empty())
                joined += "; ";
            joined += cell_text(item);
        }
        return joined;
    }
    return value.dump();
}

/// Unique output names: the first input with a stem gets "<stem>.png", later ones "<stem>_2.png", ...
class StemNames {
public:
    std::string next(const std::string& file) {
        const std::string stem = output_stem(file);
        std::string name = stem;
        for (int k = 2; used_.count(name) > 0; ++k)
            name = stem + "_" + std::to_string(k);
        used_.insert(name);
        return name + ".png";
    }

private:
    std::set<std::string> used_;
};

/// A text file written through a temporary file beside it and renamed into place on commit().
class AtomicTextFile {
public:
    explicit AtomicTextFile(fs::path path) : path_(std::move(path)), temporary_(path_) {
        temporary_ += ".tmp." + std::to_string(::getpid());
        out_.open(temporary_, std::ios::binary | std::ios::trunc);
        if (!out_)
            throw Error(path_.string() + ": cannot write file");
    }
    ~AtomicTextFile() {
        if (!committed_) {
            out_.close();
            std::error_code ignored;
            fs::remove(temporary_, ignored);
        }
    }
    AtomicTextFile(const AtomicTextFile&) = delete;
    AtomicTextFile& operator=(const AtomicTextFile&) = delete;

    std::ofstream& out() { return out_; }
    void commit() {
        out_.flush();
        const bool good = static_cast<bool>(out_);
        out_.close();
        std::error_code error;
        if (good)
            fs::rename(temporary_, path_, error);
        if (!good || error)
            throw Error(path_.string() + ": cannot write file" + (error ? " (" + error.message() + ")" : ""));
        committed_ = true;
    }

private:
    fs::path path_;
    fs::path temporary_;
    std::ofstream out_;
    bool committed_ = false;
};

bool file_holds(const fs::path& path, const std::string& bytes) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error || size != bytes.size())
        return false;
    std::ifstream in(path, std::ios::binary);
    const std::string existing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return existing == bytes;
}

void write_png_bytes(const fs::path& path, const std::string& bytes) {
    if (!file_holds(path, bytes))
        write_file_atomically(path, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

} // namespace

const std::vector<std::string>& results_csv_columns() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& column : columns())
            n.push_back(column.name);
        n.emplace_back("mask");
        n.emplace_back("overlay");
        return n;
    }();
    return names;
}

std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string results_csv_row(const nlohmann::json& result, const std::string& mask, const std::string& overlay) {
    std::string row;
    for (const auto& column : columns()) {
        row += csv_cell(result.contains(column.pointer) ? cell_text(result.at(column.pointer)) : std::string());
        row += ',';
    }
    row += csv_cell(mask);
    row += ',';
    row += csv_cell(overlay);
    return row;
}

OutputCounts write_batch_outputs(const ResultsStore& store, const fs::path& dir, bool masks, bool overlays) {
    const std::string version = store.meta("pipeline_version").value_or("");
    const std::string options_key = store.meta("options_key").value_or("");
    OutputCounts counts;
    AtomicTextFile jsonl(dir / "results.jsonl");
    AtomicTextFile csv(dir / "results.csv");
    AtomicTextFile errors(dir / "errors.csv");
    AtomicTextFile skipped(dir / "skipped.csv");
    errors.out() << "file,reason\n";
    skipped.out() << "file,reason\n";
    const auto& names = results_csv_columns();
    for (std::size_t i = 0; i < names.size(); ++i)
        csv.out() << (i == 0 ? "" : ",") << names[i];
    csv.out() << '\n';

    if (masks)
        fs::create_directories(dir / "masks");
    if (overlays)
        fs::create_directories(dir / "overlays");
    StemNames mask_names;
    StemNames overlay_names;

    for (const auto& input : store.inputs()) {
        nlohmann::json result;
        std::optional<StoredResult> stored;
        switch (input.outcome) {
        case InputOutcome::pending:
            ++counts.pending;
            continue;
        case InputOutcome::skipped:
            ++counts.skipped;
            skipped.out() << csv_cell(input.file) << ',' << csv_cell(input.note) << '\n';
            continue;
        case InputOutcome::unreadable:
            result = to_json(error_result(input.file, input.note));
            break;
        case InputOutcome::scored:
            stored = store.find_result(ResultKey{input.content_sha256, version, options_key});
            if (!stored)
                throw Error(store.path().string() + ": result of " + input.file + " missing from the store");
            result = nlohmann::json::parse(stored->result_json);
            result["file"] = input.file;
            break;
        }
        ++counts.results;
        const bool failed = result.value("status", std::string("error")) == "error";
        if (failed) {
            ++counts.failed;
            const auto& reason = result.at("error");
            errors.out() << csv_cell(input.file) << ',' << csv_cell(reason.is_string() ? reason.get<std::string>() : "")
                         << '\n';
        }
        std::string mask_name;
        std::string overlay_name;
        if (masks && stored && !stored->mask_png.empty()) {
            mask_name = "masks/" + mask_names.next(input.file);
            write_png_bytes(dir / mask_name, stored->mask_png);
        }
        if (overlays && stored && !stored->overlay_png.empty()) {
            overlay_name = "overlays/" + overlay_names.next(input.file);
            write_png_bytes(dir / overlay_name, stored->overlay_png);
        }
        jsonl.out() << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        csv.out() << results_csv_row(result, mask_name, overlay_name) << '\n';
    }
    jsonl.commit();
    csv.commit();
    errors.commit();
    skipped.commit();
    return counts;
}

} // namespace tendo::scoring
