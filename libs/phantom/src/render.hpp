#pragma once

// Internal steps of generate_case(): overlays, palette, truth.

#include "model.hpp"

#include <opencv2/core.hpp>

#include <array>
#include <optional>

namespace tendo::phantom::detail {

/// Burned-in graphics: text, depth ruler, colour bar, body marker and focus marker outside the
/// tissue area; the Doppler box outline inside it (also set to 255 in `overlay_mask`).
void draw_overlays(cv::Mat& frame, cv::Mat& overlay_mask, const CaseSpec& spec, const ProbeGeometryModel& geometry,
                   const std::optional<cv::Rect>& doppler_box, int frame_index);

/// Colour-flow map: signed velocity in Nyquist units (already wrapped to −1…1) to BGR.
cv::Vec3b velocity_colour(double v);
/// Power-Doppler map: power 0–1 to BGR.
cv::Vec3b power_colour(double p);

/// The 256-entry palette used for PALETTE COLOR files (RGB order): a grey ramp, then the
/// colour-flow and power maps.
const std::array<cv::Vec3b, 256>& palette_rgb();
/// Replaces every pixel of a BGR frame by its nearest palette entry.
void quantize_to_palette(cv::Mat& bgr);
/// Index of every pixel of a palette-quantised BGR frame (CV_8UC1).
cv::Mat palette_indices(const cv::Mat& bgr);

/// Fills phantom_case.truth from the masks and pixels of the analysed frame and the anatomy.
void compute_truth(PhantomCase& phantom_case, const Anatomy& anatomy, const ProbeGeometryModel& geometry,
                   double shift_mm, const cv::Mat& hypo_mask);

} // namespace tendo::phantom::detail
