#include "viewer_state.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>

namespace tendo::viewer {

namespace {

constexpr int kThumbnailWidthPx = 96;
constexpr std::size_t kFrameCacheSize = 48;

/// The file kinds a folder is searched for; anything else must be opened by name.
bool looks_like_scan(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".dcm" || extension == ".dicom" || extension == ".png" || extension == ".jpg" ||
        extension == ".jpeg" || extension == ".bmp" || extension == ".tif" || extension == ".tiff")
        return true;
    if (extension == ".json" || extension == ".md" || extension == ".txt" || extension == ".csv")
        return false;
    return looks_like_dicom(path);
}

std::string describe(const std::exception& error) {
    return error.what();
}

cv::Mat make_thumbnail(const cv::Mat& pixels) {
    if (pixels.empty())
        return {};
    const double scale = static_cast<double>(kThumbnailWidthPx) / pixels.cols;
    cv::Mat small;
    cv::resize(pixels, small, cv::Size(kThumbnailWidthPx, std::max(1, static_cast<int>(pixels.rows * scale))),
               0, 0, cv::INTER_AREA);
    return small;
}

scoring::Corrections corrections_of(const Entry& entry) {
    scoring::Corrections corrections;
    if (!entry.info.sop_instance_uid.empty())
        corrections.sop_instance_uid = entry.info.sop_instance_uid;
    corrections.rows = entry.info.rows;
    corrections.cols = entry.info.cols;
    corrections.frame = entry.analysis ? entry.analysis->frame.index : 0;
    corrections.edits = entry.correction.edits;
    return corrections;
}

void save_corrections(Entry& entry) {
    if (!entry.analysis)
        return;
    const scoring::Corrections corrections = corrections_of(entry);
    try {
        scoring::write_sidecar(entry.path, corrections);
        entry.correction.error.clear();
        entry.correction.saved_note =
            corrections.edits.empty() ? "no corrections (sidecar removed)"
                                      : "saved to " + scoring::sidecar_path(entry.path).filename().string();
    } catch (const Error& error) {
        entry.correction.error = error.what();
    }
}

void remeasure_async(ViewerState& state, Entry& entry) {
    if (!entry.analysis)
        return;
    const int generation = ++entry.correction.generation;
    if (entry.correction.edits.empty()) {
        entry.correction.measured.reset();
        entry.correction.measured_generation = generation;
        return;
    }
    const int id = entry.id;
    std::shared_ptr<const scoring::ScanAnalysis> original = entry.analysis;
    const scoring::Corrections corrections = corrections_of(entry);
    const std::filesystem::path path = entry.path;
    ResultQueue& results = state.results;
    state.analyser->post_urgent([&results, id, original, corrections, path, generation] {
        std::shared_ptr<const scoring::ScanAnalysis> measured;
        std::string error;
        try {
            measured = std::make_shared<const scoring::ScanAnalysis>(
                scoring::apply_corrections(*original, corrections, path));
        } catch (const std::exception& failure) {
            error = original->result.file + ": re-measure failed: " + describe(failure);
        }
        results.push([id, measured, error, generation](ViewerState& s) {
            Entry* entry = s.entry(id);
            if (!entry || generation != entry->correction.generation)
                return; // a newer edit is on its way
            entry->correction.measured = measured;
            entry->correction.measured_generation = generation;
            if (!error.empty())
                entry->correction.error = error;
        });
    });
}

void on_analysis(ViewerState& state, Entry& entry) {
    if (!entry.user_moved_frame && entry.analysis)
        entry.frame = entry.analysis->frame.index;
    if (!entry.stored_corrections || !entry.analysis)
        return;
    const scoring::Corrections stored = *entry.stored_corrections;
    entry.stored_corrections.reset();
    if (stored.frame != entry.analysis->frame.index) {
        entry.sidecar_error = scoring::sidecar_path(entry.path).string() +
                              ": corrections were made on frame " + std::to_string(stored.frame) +
                              " but the analysis uses frame " + std::to_string(entry.analysis->frame.index) +
                              "; not applied";
        return;
    }
    entry.correction.edits = stored.edits;
    remeasure_async(state, entry);
}

/// Loads the scan, its first frame, thumbnail and sidecar, then analyses it: all on the analyser.
void load_async(ViewerState& state, Entry& entry, std::shared_ptr<const std::atomic<bool>> cancelled) {
    const int id = entry.id;
    const std::filesystem::path path = entry.path;
    ResultQueue& results = state.results;
    state.analyser->post([&results, id, path, cancelled] {
        class Cancellable final : public Reporter {
        public:
            explicit Cancellable(std::shared_ptr<const std::atomic<bool>> flag) : flag_(std::move(flag)) {}
            bool cancelled() const override { return flag_->load(); }

        private:
            std::shared_ptr<const std::atomic<bool>> flag_;
        } reporter(cancelled);
        std::shared_ptr<const Scan> scan;
        try {
            scan = std::make_shared<const Scan>(Scan::open(path, {}, reporter));
            cv::Mat first = scan->frame(0).pixels;
            cv::Mat thumbnail = make_thumbnail(first);
            std::optional<scoring::Corrections> stored;
            std::string sidecar_error;
            try {
                stored = scoring::read_sidecar(path);
                if (stored)
                    scoring::check_corrections_match(*stored, scan->info());
            } catch (const Error& error) {
                stored.reset();
                sidecar_error = error.what();
            }
            results.push([id, scan, first, thumbnail, stored, sidecar_error](ViewerState& s) {
                Entry* entry = s.entry(id);
                if (!entry)
                    return;
                entry->scan = scan;
                entry->info = scan->info();
                entry->thumbnail = thumbnail;
                entry->frames[0] = first;
                entry->stored_corrections = stored;
                entry->sidecar_error = sidecar_error;
                entry->load = Stage::done;
                entry->analysis_stage = Stage::running;
            });
        } catch (const std::exception& error) {
            std::string reason = describe(error);
            results.push([id, reason](ViewerState& s) {
                if (Entry* entry = s.entry(id)) {
                    entry->load = Stage::failed;
                    entry->error = reason;
                    entry->analysis_stage = Stage::failed;
                }
            });
            return;
        }
        if (reporter.cancelled())
            return;
        try {
            auto analysis =
                std::make_shared<const scoring::ScanAnalysis>(scoring::analyze_scan(*scan, {}, reporter));
            results.push([id, analysis](ViewerState& s) {
                if (Entry* entry = s.entry(id)) {
                    entry->analysis = analysis;
                    entry->analysis_stage = Stage::done;
                    on_analysis(s, *entry);
                }
            });
        } catch (const std::exception& error) {
            const std::string reason = path.filename().string() + ": analysis failed: " + describe(error);
            results.push([id, reason](ViewerState& s) {
                if (Entry* entry = s.entry(id)) {
                    entry->analysis_stage = Stage::failed;
                    entry->analysis_error = reason;
                }
            });
        }
    });
}

} // namespace

std::shared_ptr<const scoring::ScanAnalysis> Entry::shown_analysis_ptr() const {
    if (!correction.edits.empty() && correction.measured)
        return correction.measured;
    return analysis;
}

cv::Mat Entry::shown_mask() const {
    const scoring::ScanAnalysis* shown = shown_analysis();
    return shown ? shown->segmentation.mask : cv::Mat();
}

std::string Entry::status_text() const {
    if (load == Stage::pending)
        return "loading";
    if (load == Stage::failed)
        return "error";
    if (analysis_stage == Stage::running || analysis_stage == Stage::pending)
        return "analysing";
    if (analysis_stage == Stage::failed)
        return "error";
    const scoring::ScanAnalysis* shown = shown_analysis();
    if (shown && shown->result.status == scoring::Status::error)
        return "error";
    if (!info.warnings.empty() || !info.calibration.calibrated() || !sidecar_error.empty() ||
        (shown && shown->result.status == scoring::Status::warning))
        return "warning";
    return "ok";
}

bool Entry::busy() const {
    return load == Stage::pending || analysis_stage == Stage::running || analysis_stage == Stage::pending ||
           (!correction.edits.empty() && correction.measured_generation != correction.generation);
}

Entry* ViewerState::entry(int id) {
    if (id < 0 || id >= static_cast<int>(entries.size()))
        return nullptr;
    return entries[static_cast<std::size_t>(id)].get();
}

int open_path(ViewerState& state, const std::filesystem::path& path) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        for (auto it = std::filesystem::recursive_directory_iterator(
                 path, std::filesystem::directory_options::skip_permission_denied, error);
             !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
            if (it->is_regular_file(error) && looks_like_scan(it->path()))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) {
            state.status = path.string() + ": no scans found in this folder";
            return -1;
        }
    } else {
        files.push_back(path);
    }
    int first = -1;
    for (const auto& file : files) {
        auto entry = std::make_unique<Entry>();
        entry->id = static_cast<int>(state.entries.size());
        entry->path = file;
        entry->info.file = file;
        if (first < 0)
            first = entry->id;
        load_async(state, *entry, state.cancelled);
        state.entries.push_back(std::move(entry));
    }
    if (state.current < 0)
        state.current = first;
    return first;
}

void request_frames(ViewerState& state, Entry& entry, int ahead) {
    if (!entry.scan)
        return;
    const int count = entry.info.frames;
    std::vector<int> wanted;
    for (int step = 0; step <= ahead && step < count; ++step) {
        const int index = (entry.frame + step) % count;
        if (!entry.frames.count(index) && !entry.requested_frames.count(index) &&
            !entry.frame_errors.count(index))
            wanted.push_back(index);
    }
    // Forget frames far from the shown one (a long cine never sits whole in memory).
    while (entry.frames.size() > kFrameCacheSize) {
        auto farthest = entry.frames.begin();
        int farthest_distance = -1;
        for (auto it = entry.frames.begin(); it != entry.frames.end(); ++it) {
            int distance = (it->first - entry.frame + count) % count;
            if (distance > farthest_distance) {
                farthest_distance = distance;
                farthest = it;
            }
        }
        entry.frames.erase(farthest);
    }
    if (wanted.empty())
        return;
    for (int index : wanted)
        entry.requested_frames.insert(index);
    const int id = entry.id;
    std::shared_ptr<const Scan> scan = entry.scan;
    ResultQueue& results = state.results;
    auto job = [&results, id, scan, wanted] {
        for (int index : wanted) {
            cv::Mat pixels;
            std::string error;
            try {
                pixels = scan->frame(index).pixels;
            } catch (const std::exception& failure) {
                error = describe(failure);
            }
            results.push([id, index, pixels, error](ViewerState& s) {
                Entry* entry = s.entry(id);
                if (!entry)
                    return;
                entry->requested_frames.erase(index);
                if (error.empty())
                    entry->frames[index] = pixels;
                else
                    entry->frame_errors[index] = error;
            });
        }
    };
    // The shown frame is urgent; frames ahead can wait behind it.
    if (!entry.frames.count(entry.frame))
        state.decoder->post_urgent(job);
    else
        state.decoder->post(job);
}

void push_edit(ViewerState& state, Entry& entry, scoring::MaskEdit edit) {
    if (!entry.analysis)
        return;
    entry.correction.edits.push_back(std::move(edit));
    entry.correction.redo.clear();
    remeasure_async(state, entry);
    save_corrections(entry);
}

void undo(ViewerState& state, Entry& entry) {
    if (entry.correction.edits.empty())
        return;
    entry.correction.redo.push_back(entry.correction.edits.back());
    entry.correction.edits.pop_back();
    remeasure_async(state, entry);
    save_corrections(entry);
}

void redo(ViewerState& state, Entry& entry) {
    if (entry.correction.redo.empty())
        return;
    entry.correction.edits.push_back(entry.correction.redo.back());
    entry.correction.redo.pop_back();
    remeasure_async(state, entry);
    save_corrections(entry);
}

const cv::Mat* shown_frame(const Entry& entry) {
    auto it = entry.frames.find(entry.frame);
    return it == entry.frames.end() ? nullptr : &it->second;
}

int pending_work(const ViewerState& state) {
    return (state.decoder ? state.decoder->pending() : 0) + (state.analyser ? state.analyser->pending() : 0);
}

} // namespace tendo::viewer
