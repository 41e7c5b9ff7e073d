#include "image_canvas.hpp"

#include "tendo/imaging/segmentation.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tendo::viewer {

namespace {

constexpr ImU32 kCentrelineColour = IM_COL32(0, 220, 255, 255);
constexpr ImU32 kMaxLineColour = IM_COL32(255, 60, 255, 255);
constexpr ImU32 kReferenceLineColour = IM_COL32(255, 150, 40, 255);
constexpr ImU32 kBoneColour = IM_COL32(120, 170, 255, 255);
constexpr ImU32 kDopplerBoxColour = IM_COL32(255, 170, 0, 255);
constexpr ImU32 kVesselInColour = IM_COL32(255, 50, 50, 255);
constexpr ImU32 kVesselAroundColour = IM_COL32(70, 140, 255, 255);
constexpr ImU32 kRegionColour = IM_COL32(80, 220, 120, 255);

/// Outlines of the shown mask as pixel-centre polylines, computed once per analysis.
const std::vector<std::vector<cv::Point>>& outlines_of(Entry& entry) {
    std::shared_ptr<const scoring::ScanAnalysis> shown = entry.shown_analysis_ptr();
    if (shown != entry.outline_source) {
        entry.outlines.clear();
        if (shown && !shown->segmentation.mask.empty()) {
            cv::Mat binary;
            cv::compare(shown->segmentation.mask, 0, binary, cv::CMP_NE);
            cv::findContours(binary, entry.outlines, cv::RETR_LIST, cv::CHAIN_APPROX_NONE);
        }
        entry.outline_source = shown;
    }
    return entry.outlines;
}

ImVec2 centre_of(const Canvas& canvas, cv::Point point) {
    return canvas.to_screen({point.x + 0.5, point.y + 0.5});
}

void polyline(ImDrawList* draw, const Canvas& canvas, const std::vector<cv::Point>& points, ImU32 colour,
              bool closed, float thickness) {
    if (points.size() < 2)
        return;
    std::vector<ImVec2> screen;
    screen.reserve(points.size());
    for (const cv::Point& point : points)
        screen.push_back(centre_of(canvas, point));
    draw->AddPolyline(screen.data(), static_cast<int>(screen.size()), colour, closed ? ImDrawFlags_Closed : 0,
                      thickness);
}

void rect(ImDrawList* draw, const Canvas& canvas, cv::Rect box, ImU32 colour, float thickness) {
    draw->AddRect(
        canvas.to_screen({static_cast<double>(box.x), static_cast<double>(box.y)}),
        canvas.to_screen({static_cast<double>(box.x + box.width), static_cast<double>(box.y + box.height)}),
        colour, 0.0f, 0, thickness);
}

void thickness_line(ImDrawList* draw, const Canvas& canvas, const scoring::ThicknessLine& line, ImU32 colour,
                    float thickness) {
    const ImVec2 a = canvas.to_screen({line.a.x + 0.5, line.a.y + 0.5});
    const ImVec2 b = canvas.to_screen({line.b.x + 0.5, line.b.y + 0.5});
    draw->AddLine(a, b, colour, thickness * 1.5f);
    const float tick = 4.0f * thickness;
    const float dx = b.x - a.x;
    const float dy = b.y - a.y;
    const float length = std::max(1e-3f, std::hypot(dx, dy));
    const ImVec2 normal(-dy / length * tick, dx / length * tick);
    draw->AddLine(ImVec2(a.x - normal.x, a.y - normal.y), ImVec2(a.x + normal.x, a.y + normal.y), colour,
                  thickness);
    draw->AddLine(ImVec2(b.x - normal.x, b.y - normal.y), ImVec2(b.x + normal.x, b.y + normal.y), colour,
                  thickness);
    char label[32];
    std::snprintf(label, sizeof label, "%.1f mm", line.length_mm);
    const ImVec2 at(std::max(a.x, b.x) + 6.0f, (a.y + b.y) * 0.5f - ImGui::GetFontSize() * 0.5f);
    draw->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 255), label);
    draw->AddText(at, colour, label);
}

} // namespace

void fit(ViewTransform& transform, ImVec2 canvas_size, cv::Size image) {
    if (image.width <= 0 || image.height <= 0 || canvas_size.x <= 1 || canvas_size.y <= 1)
        return;
    transform.zoom = std::min(canvas_size.x / image.width, canvas_size.y / image.height);
    transform.pan_x = (canvas_size.x - image.width * transform.zoom) * 0.5f;
    transform.pan_y = (canvas_size.y - image.height * transform.zoom) * 0.5f;
    transform.fit_pending = false;
}

void one_to_one(ViewTransform& transform, ImVec2 canvas_size) {
    zoom_at(transform, ImVec2(canvas_size.x * 0.5f, canvas_size.y * 0.5f), 1.0f / transform.zoom);
    // Whole screen pixels per image pixel: keep the image on the pixel grid.
    transform.pan_x = std::round(transform.pan_x);
    transform.pan_y = std::round(transform.pan_y);
}

void zoom_at(ViewTransform& transform, ImVec2 anchor, float factor) {
    const float zoom = std::clamp(transform.zoom * factor, 0.05f, 64.0f);
    const float image_x = (anchor.x - transform.pan_x) / transform.zoom;
    const float image_y = (anchor.y - transform.pan_y) / transform.zoom;
    transform.zoom = zoom;
    transform.pan_x = anchor.x - image_x * zoom;
    transform.pan_y = anchor.y - image_y * zoom;
    transform.fit_pending = false;
}

cv::Mat apply_window_level(const cv::Mat& pixels, float window, float level) {
    if (std::abs(window - 255.0f) < 1e-3f && std::abs(level - 127.5f) < 1e-3f)
        return pixels;
    cv::Mat lut(1, 256, CV_8UC1);
    const float low = level - window * 0.5f;
    for (int v = 0; v < 256; ++v)
        lut.at<unsigned char>(v) =
            cv::saturate_cast<unsigned char>(std::round((v - low) / std::max(1.0f, window) * 255.0f));
    cv::Mat out;
    cv::LUT(pixels, lut, out);
    if (pixels.channels() == 3) {
        // Doppler colour keeps its meaning: only grey pixels are windowed.
        for (int row = 0; row < pixels.rows; ++row) {
            const auto* in = pixels.ptr<cv::Vec3b>(row);
            auto* o = out.ptr<cv::Vec3b>(row);
            for (int col = 0; col < pixels.cols; ++col) {
                const cv::Vec3b p = in[col];
                const int chroma =
                    std::max({std::abs(p[0] - p[1]), std::abs(p[0] - p[2]), std::abs(p[1] - p[2])});
                if (chroma > kColourChromaThreshold)
                    o[col] = p;
            }
        }
    }
    return out;
}

void ensure_uploaded(Entry& entry, float window, float level) {
    const cv::Mat* frame = shown_frame(entry);
    if (!frame)
        return;
    if (entry.uploaded_frame == entry.frame && entry.uploaded_window == window &&
        entry.uploaded_level == level && !entry.frame_texture.empty())
        return;
    entry.frame_texture.upload(apply_window_level(*frame, window, level));
    entry.uploaded_frame = entry.frame;
    entry.uploaded_window = window;
    entry.uploaded_level = level;
}

void draw_scan(ImDrawList* draw, const Canvas& canvas, Entry& entry, const Overlays& overlays,
               float ui_scale) {
    if (entry.frame_texture.empty())
        return;
    const ImVec2 top_left = canvas.to_screen({0.0, 0.0});
    const ImVec2 bottom_right = canvas.to_screen({static_cast<double>(entry.frame_texture.width()),
                                                  static_cast<double>(entry.frame_texture.height())});
    draw->AddImage(entry.frame_texture.imgui_id(), top_left, bottom_right);

    const float thickness = std::max(1.0f, ui_scale);
    if (overlays.regions) {
        for (const UltrasoundRegion& region : entry.info.regions)
            if (region.valid() && region.is_2d())
                rect(draw, canvas, cv::Rect(region.x0, region.y0, region.width_px(), region.height_px()),
                     region.is_color_flow_2d() ? kDopplerBoxColour : kRegionColour, thickness);
    }
    const scoring::ScanAnalysis* analysis = entry.shown_analysis();
    if (!analysis || entry.uploaded_frame != analysis->frame.index)
        return; // overlays belong to the analysed frame only
    if (overlays.regions && !analysis->tissue.bounds.empty())
        rect(draw, canvas, analysis->tissue.bounds, kRegionColour, thickness);
    if (overlays.doppler_box) {
        bool from_file = false;
        for (const UltrasoundRegion& region : entry.info.doppler_regions())
            if (region.valid()) {
                rect(draw, canvas, cv::Rect(region.x0, region.y0, region.width_px(), region.height_px()),
                     kDopplerBoxColour, thickness);
                from_file = true;
            }
        if (!from_file && analysis->result.neovascularity.doppler && !analysis->colour_mask.empty()) {
            const cv::Rect colour = cv::boundingRect(analysis->colour_mask);
            if (!colour.empty())
                rect(draw, canvas, colour, kDopplerBoxColour, thickness);
        }
    }
    if (overlays.bone)
        polyline(draw, canvas, analysis->segmentation.bone_surface, kBoneColour, false, thickness * 1.5f);
    if (overlays.outline) {
        for (const auto& outline : outlines_of(entry))
            polyline(draw, canvas, outline, kOutlineColour, true, thickness);
        if (analysis->segmentation.insertion) {
            const ImVec2 at = centre_of(canvas, *analysis->segmentation.insertion);
            draw->AddCircle(at, 5.0f * thickness, kOutlineColour, 12, thickness);
        }
    }
    if (overlays.centreline && analysis->centreline.size() >= 2) {
        std::vector<ImVec2> screen;
        for (const cv::Point2d& point : analysis->centreline)
            screen.push_back(canvas.to_screen({point.x + 0.5, point.y + 0.5}));
        draw->AddPolyline(screen.data(), static_cast<int>(screen.size()), kCentrelineColour, 0, thickness);
    }
    if (overlays.max_line) {
        if (analysis->max_line)
            thickness_line(draw, canvas, *analysis->max_line, kMaxLineColour, thickness);
        if (analysis->reference_line)
            thickness_line(draw, canvas, *analysis->reference_line, kReferenceLineColour, thickness);
    }
    if (overlays.vessels)
        for (const scoring::Vessel& vessel : analysis->vessels)
            rect(draw, canvas, vessel.bounds, vessel.in_tendon ? kVesselInColour : kVesselAroundColour,
                 thickness);
}

} // namespace tendo::viewer
