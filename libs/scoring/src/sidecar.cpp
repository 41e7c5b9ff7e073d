#include "tendo/scoring/sidecar.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/scoring/roi_stats.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

namespace tendo::scoring {

namespace {

MaskEdit::Kind kind_from_string(const std::string& text, const std::string& source) {
    if (text == "paint")
        return MaskEdit::Kind::paint;
    if (text == "erase")
        return MaskEdit::Kind::erase;
    if (text == "outline")
        return MaskEdit::Kind::outline;
    throw Error(source + ": unknown edit \"" + text + "\"");
}

// Sets (value 255) or clears (0) every pixel whose centre lies within `radius` of the polyline.
void stroke(cv::Mat& mask, const std::vector<cv::Point2d>& points, double radius, unsigned char value) {
    if (points.empty() || radius <= 0.0)
        return;
    const std::size_t segments = points.size() == 1 ? 1 : points.size() - 1;
    for (std::size_t i = 0; i < segments; ++i) {
        const cv::Point2d a = points[i];
        const cv::Point2d b = points.size() == 1 ? points[i] : points[i + 1];
        const int row0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - radius - 1.0)));
        const int row1 =
            std::min(mask.rows - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + radius + 1.0)));
        const int col0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - radius - 1.0)));
        const int col1 =
            std::min(mask.cols - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + radius + 1.0)));
        const cv::Point2d ab = b - a;
        const double length_sq = ab.dot(ab);
        for (int row = row0; row <= row1; ++row) {
            auto* out = mask.ptr<unsigned char>(row);
            for (int col = col0; col <= col1; ++col) {
                const cv::Point2d p(col + 0.5, row + 0.5);
                double t = length_sq > 0.0 ? (p - a).dot(ab) / length_sq : 0.0;
                t = std::clamp(t, 0.0, 1.0);
                const cv::Point2d d = p - (a + t * ab);
                if (d.dot(d) <= radius * radius)
                    out[col] = value;
            }
        }
    }
}

} // namespace

std::string to_string(MaskEdit::Kind kind) {
    switch (kind) {
    case MaskEdit::Kind::paint:
        return "paint";
    case MaskEdit::Kind::erase:
        return "erase";
    case MaskEdit::Kind::outline:
        return "outline";
    }
    return "paint";
}

std::filesystem::path sidecar_path(const std::filesystem::path& scan_file) {
    std::filesystem::path path = scan_file;
    path += ".tendo.json";
    return path;
}

nlohmann::json to_json(const Corrections& corrections) {
    nlohmann::json edits = nlohmann::json::array();
    for (const MaskEdit& edit : corrections.edits) {
        nlohmann::json points = nlohmann::json::array();
        for (const cv::Point2d& point : edit.points)
            points.push_back({point.x, point.y});
        nlohmann::json object = {{"op", to_string(edit.kind)}, {"points", points}};
        if (edit.kind != MaskEdit::Kind::outline)
            object["radius_px"] = edit.radius_px;
        edits.push_back(object);
    }
    return {{"format", "tendo-corrections"},
            {"version", kSidecarVersion},
            {"sop_instance_uid", corrections.sop_instance_uid ? nlohmann::json(*corrections.sop_instance_uid)
                                                              : nlohmann::json(nullptr)},
            {"rows", corrections.rows},
            {"cols", corrections.cols},
            {"frame", corrections.frame},
            {"edits", edits}};
}

Corrections corrections_from_json(const nlohmann::json& object, const std::string& source) {
    try {
        if (!object.is_object() || object.value("format", "") != "tendo-corrections")
            throw Error(source + ": not a tendo corrections file");
        const int version = object.at("version").get<int>();
        if (version != kSidecarVersion)
            throw Error(source + ": unsupported corrections version " + std::to_string(version));
        Corrections corrections;
        if (object.contains("sop_instance_uid") && !object.at("sop_instance_uid").is_null())
            corrections.sop_instance_uid = object.at("sop_instance_uid").get<std::string>();
        corrections.rows = object.at("rows").get<int>();
        corrections.cols = object.at("cols").get<int>();
        corrections.frame = object.at("frame").get<int>();
        for (const auto& item : object.at("edits")) {
            MaskEdit edit;
            edit.kind = kind_from_string(item.at("op").get<std::string>(), source);
            if (edit.kind != MaskEdit::Kind::outline) {
                edit.radius_px = item.at("radius_px").get<double>();
                if (!(edit.radius_px > 0.0))
                    throw Error(source + ": brush radius must be positive");
            }
            for (const auto& point : item.at("points")) {
                if (!point.is_array() || point.size() != 2)
                    throw Error(source + ": a point must be [col, row]");
                edit.points.emplace_back(point.at(0).get<double>(), point.at(1).get<double>());
            }
            corrections.edits.push_back(std::move(edit));
        }
        return corrections;
    } catch (const nlohmann::json::exception& error) {
        throw Error(source + ": malformed corrections (" + std::string(error.what()) + ")");
    }
}

std::optional<Corrections> read_sidecar(const std::filesystem::path& scan_file) {
    const std::filesystem::path path = sidecar_path(scan_file);
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        return std::nullopt;
    std::ifstream in(path);
    if (!in)
        throw Error(path.string() + ": cannot be read");
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& parse_error) {
        throw Error(path.string() + ": not valid JSON (" + std::string(parse_error.what()) + ")");
    }
    return corrections_from_json(object, path.string());
}

void write_sidecar(const std::filesystem::path& scan_file, const Corrections& corrections) {
    const std::filesystem::path path = sidecar_path(scan_file);
    std::error_code error;
    if (corrections.edits.empty()) {
        std::filesystem::remove(path, error);
        if (error)
            throw Error(path.string() + ": cannot be removed (" + error.message() + ")");
        return;
    }
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    {
        // One line per edit keeps the file readable and its diffs small.
        const nlohmann::json object = to_json(corrections);
        std::ofstream out(temporary, std::ios::trunc);
        out << "{\n";
        for (const char* key : {"format", "version", "sop_instance_uid", "rows", "cols", "frame"})
            out << " \"" << key << "\": " << object.at(key).dump() << ",\n";
        out << " \"edits\": [\n";
        const auto& edits = object.at("edits");
        for (std::size_t i = 0; i < edits.size(); ++i)
            out << "  " << edits[i].dump() << (i + 1 < edits.size() ? ",\n" : "\n");
        out << " ]\n}\n";
        out.close();
        if (!out)
            throw Error(path.string() + ": cannot be written");
    }
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::filesystem::remove(temporary, error);
        throw Error(path.string() + ": cannot be written (" + error.message() + ")");
    }
}

void check_corrections_match(const Corrections& corrections, const ScanInfo& info) {
    const std::string name = sidecar_path(info.file).string();
    if (corrections.rows != info.rows || corrections.cols != info.cols)
        throw Error(name + ": made for another scan (frame " + std::to_string(corrections.cols) + "x" +
                    std::to_string(corrections.rows) + ", scan " + std::to_string(info.cols) + "x" +
                    std::to_string(info.rows) + ")");
    if (corrections.sop_instance_uid && !info.sop_instance_uid.empty() &&
        *corrections.sop_instance_uid != info.sop_instance_uid)
        throw Error(name + ": made for another scan (sop instance uid " + *corrections.sop_instance_uid +
                    ")");
    if (corrections.frame < 0 || corrections.frame >= info.frames)
        throw Error(name + ": frame " + std::to_string(corrections.frame) + " is not in the scan");
}

cv::Mat apply_edits(const cv::Mat& mask, const std::vector<MaskEdit>& edits) {
    cv::Mat out;
    cv::compare(mask, 0, out, cv::CMP_NE); // 255 where non-zero
    for (const MaskEdit& edit : edits) {
        switch (edit.kind) {
        case MaskEdit::Kind::paint:
            stroke(out, edit.points, edit.radius_px, 255);
            break;
        case MaskEdit::Kind::erase:
            stroke(out, edit.points, edit.radius_px, 0);
            break;
        case MaskEdit::Kind::outline: {
            out = polygon_mask(out.size(), edit.points);
            // Pixels whose centre is on the outline belong to the tendon too, so an outline through
            // boundary pixel centres (outline_control_points) gives back the mask it came from; a
            // centre exactly 0.5 px away (an outline along pixel edges) stays outside.
            std::vector<cv::Point2d> closed = edit.points;
            if (!closed.empty())
                closed.push_back(closed.front());
            stroke(out, closed, 0.49, 255);
            break;
        }
        }
    }
    return out;
}

std::vector<cv::Point2d> outline_control_points(const cv::Mat& mask, double tolerance_px) {
    cv::Mat binary;
    cv::compare(mask, 0, binary, cv::CMP_NE);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(binary, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    if (contours.empty())
        return {};
    std::size_t best = 0;
    double best_area = -1.0;
    for (std::size_t i = 0; i < contours.size(); ++i) {
        const double area = cv::contourArea(contours[i]) + static_cast<double>(contours[i].size());
        if (area > best_area) {
            best_area = area;
            best = i;
        }
    }
    std::vector<cv::Point> simplified;
    cv::approxPolyDP(contours[best], simplified, tolerance_px, true);
    std::vector<cv::Point2d> points;
    points.reserve(simplified.size());
    for (const cv::Point& point : simplified)
        points.emplace_back(point.x + 0.5, point.y + 0.5);
    return points;
}

ScanAnalysis apply_corrections(const ScanAnalysis& analysis, const Corrections& corrections,
                               const std::filesystem::path& scan_file) {
    const std::string name = sidecar_path(scan_file).filename().string();
    if (corrections.frame != analysis.frame.index)
        throw Error(name + ": corrections were made on frame " + std::to_string(corrections.frame) +
                    " but the analysed frame is " + std::to_string(analysis.frame.index));
    if (corrections.edits.empty())
        return analysis;
    return remeasure(analysis, apply_edits(analysis.segmentation.mask, corrections.edits));
}

} // namespace tendo::scoring
