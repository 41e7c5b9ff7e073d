#pragma once

#include "viewer_state.hpp"

#include <imgui.h>

#include <opencv2/core/types.hpp>

// Drawing a scan frame on an ImGui canvas: the image-to-screen transform, window/level, and the
// overlays of the analysis. UI thread only.
namespace tendo::viewer {

struct Canvas {
    ImVec2 origin;
    ImVec2 size;
    ViewTransform transform;

    ImVec2 to_screen(cv::Point2d image) const {
        return {origin.x + transform.pan_x + static_cast<float>(image.x) * transform.zoom,
                origin.y + transform.pan_y + static_cast<float>(image.y) * transform.zoom};
    }
    cv::Point2d to_image(ImVec2 screen) const {
        return {(screen.x - origin.x - transform.pan_x) / transform.zoom,
                (screen.y - origin.y - transform.pan_y) / transform.zoom};
    }
};

/// Whole image in view, centred.
void fit(ViewTransform& transform, ImVec2 canvas_size, cv::Size image);
/// One screen pixel per image pixel, keeping the canvas centre on the same image point.
void one_to_one(ViewTransform& transform, ImVec2 canvas_size);
/// Multiplies the zoom by `factor`, keeping the image point under `anchor` (canvas-relative) fixed.
void zoom_at(ViewTransform& transform, ImVec2 anchor, float factor);

/// Applies window/level to grey pixels (colour Doppler pixels are left as they are).
cv::Mat apply_window_level(const cv::Mat& pixels, float window, float level);
/// Uploads the shown frame of `entry` (after window/level) if it changed since the last upload.
void ensure_uploaded(Entry& entry, float window, float level);

/// Draws the uploaded frame and the enabled overlays (on the analysed frame only).
void draw_scan(ImDrawList* draw, const Canvas& canvas, Entry& entry, const Overlays& overlays,
               float ui_scale);

/// Colour of the tendon outline overlay (also used by the overlay test to find it).
inline constexpr ImU32 kOutlineColour = IM_COL32(255, 230, 0, 255);

} // namespace tendo::viewer
