#pragma once

#include "texture.hpp"
#include "worker.hpp"

#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/roi_stats.hpp"
#include "tendo/scoring/sidecar.hpp"

#include <opencv2/core/mat.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

// Everything the viewer shows, owned by the UI thread. Workers never see this struct: they get
// copies or shared_ptr<const ...> of what they need and hand results back through ResultQueue.
namespace tendo::viewer {

enum class Stage { pending, running, done, failed };

/// Which overlays are drawn on the analysed frame.
struct Overlays {
    bool outline = true;
    bool centreline = true;
    bool max_line = true;
    bool bone = true;
    bool doppler_box = true;
    bool vessels = true;
    bool regions = false;
};

/// Image-to-screen mapping of one canvas: screen = canvas origin + pan + image * zoom, where image
/// coordinates are continuous pixels (pixel (col, row) covers [col, col + 1) x [row, row + 1)).
struct ViewTransform {
    float zoom = 1.0f;
    float pan_x = 0.0f;
    float pan_y = 0.0f;
    /// Fit the image to the canvas at the next draw.
    bool fit_pending = true;
};

enum class Tool { pan, caliper, ellipse, polygon, paint, erase, outline };

struct Caliper {
    cv::Point2d a;
    cv::Point2d b;
    std::optional<double> length_mm;
};

struct Roi {
    bool ellipse = true;
    /// Ellipse: centre and semi-axes; polygon: the vertices.
    cv::Point2d centre;
    cv::Point2d semi_axes;
    std::vector<cv::Point2d> vertices;
    int frame = 0;
    scoring::RoiStats stats;
};

/// Correction state of one scan: the edits applied in order to the analysis mask.
struct Correction {
    std::vector<scoring::MaskEdit> edits;
    std::vector<scoring::MaskEdit> redo;
    /// Increments with every change of `edits`; a re-measure result of an older generation is dropped.
    int generation = 0;
    /// The analysis re-measured from the edited mask (matches `edits` when `measured_generation ==
    /// generation`).
    std::shared_ptr<const scoring::ScanAnalysis> measured;
    int measured_generation = -1;
    std::string error;
    std::string saved_note;
};

/// One file the user opened.
struct Entry {
    int id = 0;
    std::filesystem::path path;
    Stage load = Stage::pending;
    /// "file: reason" when the file could not be opened.
    std::string error;
    std::shared_ptr<const Scan> scan;
    ScanInfo info;
    cv::Mat thumbnail;
    Texture thumbnail_texture;

    Stage analysis_stage = Stage::pending;
    std::shared_ptr<const scoring::ScanAnalysis> analysis;
    std::string analysis_error;
    /// Corrections read from the sidecar at load, applied once the analysis is done.
    std::optional<scoring::Corrections> stored_corrections;
    std::string sidecar_error;
    Correction correction;

    /// Decoded frames kept near the displayed one (CV_8UC1 or CV_8UC3 BGR).
    std::map<int, cv::Mat> frames;
    std::set<int> requested_frames;
    std::map<int, std::string> frame_errors;
    int frame = 0;
    bool user_moved_frame = false;

    /// The displayed frame as uploaded (after window/level).
    Texture frame_texture;
    int uploaded_frame = -1;
    float uploaded_window = -1.0f;
    float uploaded_level = -1.0f;

    std::vector<Caliper> calipers;
    std::vector<Roi> rois;

    /// The analysis to show: the re-measured one when there are edits, else the original.
    const scoring::ScanAnalysis* shown_analysis() const { return shown_analysis_ptr().get(); }
    std::shared_ptr<const scoring::ScanAnalysis> shown_analysis_ptr() const;
    /// Outline polylines (pixel centres) of the mask of `outline_source`, which they were computed
    /// from; holding it keeps the cache from matching a new analysis at a reused address.
    std::shared_ptr<const scoring::ScanAnalysis> outline_source;
    std::vector<std::vector<cv::Point>> outlines;
    /// The tendon mask of shown_analysis() (empty Mat when none).
    cv::Mat shown_mask() const;
    /// ok / warning / error / pending, for the browser.
    std::string status_text() const;
    bool busy() const;
};

/// A mouse gesture in progress on the image view.
struct Interaction {
    bool dragging = false;
    cv::Point2d start;
    cv::Point2d current;
    /// Paint/erase stroke, or the vertices of a polygon being drawn.
    std::vector<cv::Point2d> points;
    /// Outline control points of the shown mask, and the one being dragged (-1 none).
    std::vector<cv::Point2d> handles;
    int handle = -1;
    /// The analysis whose mask `handles` were computed from.
    std::shared_ptr<const scoring::ScanAnalysis> handles_source;
};

struct CineState {
    bool playing = false;
    bool loop = true;
    double next_frame_time_s = 0.0;
};

/// Compare mode: zoom and centre shared by every pane, relative to each pane's fit so scans of
/// different sizes stay in step.
struct CompareView {
    float zoom_over_fit = 1.0f;
    /// Image point at the pane centre, as a fraction of the image width and height.
    float centre_u = 0.5f;
    float centre_v = 0.5f;
};

struct ViewerState {
    std::vector<std::unique_ptr<Entry>> entries;
    int current = -1;
    std::vector<int> compare_ids;
    bool compare_mode = false;
    CompareView compare_view;

    Overlays overlays;
    ViewTransform view;
    Tool tool = Tool::pan;
    Interaction interaction;
    double brush_radius_px = 6.0;
    /// Window/level for grey pixels: window width and centre in grey levels (255 / 127.5 = as stored).
    float window = 255.0f;
    float level = 127.5f;
    CineState cine;

    bool show_help = false;
    bool show_open_dialog = false;
    bool request_quit = false;
    float ui_scale = 1.0f;
    std::string status;

    /// Workers and their result queue (decoding frames; loading and analysing scans).
    ResultQueue results;
    /// Set when the viewer closes: running analyses stop early through their Reporter.
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<Worker> decoder;
    std::unique_ptr<Worker> analyser;

    Entry* entry(int id);
    Entry* current_entry() { return entry(current); }
};

// Requests: post work to the workers. Called on the UI thread.

/// Adds `path` (a file, or a folder searched recursively) and starts loading; returns the first new
/// entry id or -1.
int open_path(ViewerState& state, const std::filesystem::path& path);
/// Makes sure the frames the display needs next are decoded (the shown one and a few ahead).
void request_frames(ViewerState& state, Entry& entry, int ahead);
/// Records an edit, re-measures on the analyser and saves the sidecar.
void push_edit(ViewerState& state, Entry& entry, scoring::MaskEdit edit);
void undo(ViewerState& state, Entry& entry);
void redo(ViewerState& state, Entry& entry);
/// The frame pixels of `entry.frame` if decoded, else nullptr.
const cv::Mat* shown_frame(const Entry& entry);
/// Work in flight on both workers.
int pending_work(const ViewerState& state);

} // namespace tendo::viewer
