#include "tendon_finders.hpp"

#include "tendo/imaging/area_reduction.hpp"
#include "tendo/imaging/components.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

namespace tendo {

namespace {

using detail::mm_to_px;
using detail::to_frame;
using detail::Work;

/// Colour pixels replaced by the mean of the grey pixels around them, so flow does not look like
/// a dark hole in the tendon.
cv::Mat fill_colour(const cv::Mat& grey, const cv::Mat& colour_mask) {
    cv::Mat g32;
    grey.convertTo(g32, CV_32F);
    const cv::Rect colour = colour_mask.empty() ? cv::Rect() : cv::boundingRect(colour_mask);
    if (colour.empty())
        return g32;
    // Only the colour's neighbourhood is filtered: a 15×15 box reaches 7 pixels beyond it.
    constexpr int kBox = 15;
    const cv::Rect frame(0, 0, grey.cols, grey.rows);
    const cv::Rect around = cv::Rect(colour.x - kBox, colour.y - kBox, colour.width + 2 * kBox, colour.height + 2 * kBox) & frame;
    const cv::Mat g_near = g32(around).clone();
    cv::Mat weight;
    cv::Mat not_colour = colour_mask(around) == 0;
    not_colour.convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::Mat num, den;
    cv::boxFilter(g_near.mul(weight), num, CV_32F, cv::Size(kBox, kBox), cv::Point(-1, -1), false);
    cv::boxFilter(weight, den, CV_32F, cv::Size(kBox, kBox), cv::Point(-1, -1), false);
    cv::Mat filled;
    cv::divide(num, cv::max(den, 1e-3f), filled);
    cv::Mat g_out = g32(around);
    filled.copyTo(g_out, colour_mask(around));
    return g32;
}

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

/// A border's course as a straight line in rows per column, `k` counting columns from the
/// insertion end (negative k lies beyond it).
struct BorderLine {
    double offset = 0.0;
    double slope = 0.0;
    double at(double k) const { return offset + slope * k; }
};

/// The superficial border's last millimetres at an end of the band follow its course just before:
/// at the insertion it runs on into the bone, it does not climb the bone's rising surface; where
/// the tendon leaves the view the band's last bars, cut short, grow upwards into the muscle. Over
/// the `end` columns at one end (the first ones when `end_first`), a border row above the straight
/// line through the `trend` columns before them is put back on that line, which is returned
/// (nothing when the border is too short).
std::optional<BorderLine> hold_border_at_end(std::vector<double>& rows_along, bool end_first, int end, int trend) {
    const int count = static_cast<int>(rows_along.size());
    if (end < 1 || trend < 2 || end + trend > count)
        return std::nullopt;
    // Index k counts columns from the end.
    auto at = [&](int k) -> double& { return rows_along[static_cast<std::size_t>(end_first ? k : count - 1 - k)]; };
    double sk = 0.0, sr = 0.0, skk = 0.0, skr = 0.0;
    for (int k = end; k < end + trend; ++k) {
        sk += k;
        sr += at(k);
        skk += static_cast<double>(k) * k;
        skr += k * at(k);
    }
    BorderLine line;
    line.slope = (trend * skr - sk * sr) / (trend * skk - sk * sk);
    line.offset = (sr - line.slope * sk) / trend;
    for (int k = 0; k < end; ++k)
        at(k) = std::max(at(k), line.at(k));
    return line;
}

/// The thin end of a tendon beyond the band's insertion end: work columns with the superficial
/// border's row (following its course) and the bone's (frame rows).
struct InsertionTip {
    std::vector<double> x, top, bottom;
};

/// The echo amplitude a B-mode grey level shows, up to a factor: scanners display the amplitude
/// log-compressed, and a blurred edge's steepest grey step lies on its dark side, outside the
/// tendon; on the amplitude it lies at the edge. The frame does not record its dynamic range: 60 dB
/// over the 256 levels, typical of musculoskeletal presets, is assumed (40 or 80 dB move the
/// thickness errors on the tuning phantoms by under 0.01 mm, docs/accuracy.md).
double echo_amplitude(double grey) {
    constexpr double kAssumedDynamicRangeDb = 60.0;
    constexpr double kPerLevel = kAssumedDynamicRangeDb / 20.0 / 255.0 * 2.302585092994046; // ln(10)
    return std::exp(kPerLevel * grey);
}

/// The grey level along a band of columns [c0, c1] of a CV_32FC1 frame: each row's mean over the
/// band, smoothed 1-2-1 across rows. Rows beyond the frame read as its first or last row.
class ColumnBandLevel {
public:
    ColumnBandLevel(const cv::Mat& image, int centre_x, int half_width)
        : image_(image), c0_(std::max(0, centre_x - half_width)), c1_(std::min(image.cols - 1, centre_x + half_width)) {}

    double operator()(int row) const { return 0.25 * mean(row - 1) + 0.5 * mean(row) + 0.25 * mean(row + 1); }

private:
    double mean(int row) const {
        const float* values = image_.ptr<float>(std::clamp(row, 0, image_.rows - 1));
        double sum = 0.0;
        for (int c = c0_; c <= c1_; ++c)
            sum += values[c];
        return sum / (c1_ - c0_ + 1);
    }

    const cv::Mat& image_;
    int c0_, c1_;
};

/// A border that is a bright line (the paratenon, a fascia on the deep side) lies at the line's
/// crest; the steepest rise into it (`flank_row`) is its outer flank, which the line's blur puts a
/// few tenths of a millimetre outside. The crest is taken when the brightest row within half a
/// millimetre inwards (`inward` ±1) stands clearly above the tendon further in; `smoothed(row)` is
/// the column's grey level.
int bright_line_crest(const auto& smoothed, int flank_row, int inward, double dy) {
    const int ridge_reach = std::max(1, static_cast<int>(std::lround(0.5 / dy)));
    int peak = flank_row;
    for (int k = 1; k <= ridge_reach; ++k)
        if (smoothed(flank_row + inward * k) > smoothed(peak))
            peak = flank_row + inward * k;
    if (peak == flank_row)
        return flank_row;
    const int beyond0 = std::max(1, static_cast<int>(std::lround(0.5 / dy)));
    const int beyond1 = std::max(beyond0 + 1, static_cast<int>(std::lround(1.0 / dy)));
    double further_in = 0.0;
    for (int k = beyond0; k <= beyond1; ++k)
        further_in += smoothed(peak + inward * k);
    further_in /= beyond1 - beyond0 + 1;
    const double outside = smoothed(flank_row - inward * std::max(1, static_cast<int>(std::lround(0.3 / dy))));
    const double height = smoothed(peak) - outside;
    return height > 0.0 && smoothed(peak) - further_in >= 0.15 * height ? peak : flank_row;
}

/// The bone's interface with the soft tissue in column `x` of the frame: the crest of the cortex's
/// bright line within `reach` rows below `rise_row` (where the line's brightness rises). An echo
/// is centred on the interface that returns it, so its rising flank lies above the surface by half
/// the line's thickness, which the tendon resting on the bone fills. `grey` CV_32FC1.
int cortex_crest_row(const cv::Mat& grey, int x, int rise_row, int reach) {
    const ColumnBandLevel smoothed(grey, x, 1);
    int crest = rise_row;
    for (int r = rise_row + 1; r <= std::min(grey.rows - 1, rise_row + reach); ++r)
        if (smoothed(r) > smoothed(crest))
            crest = r;
    return crest;
}

/// The tendon ends where its superficial border meets the bone; the band's bars (at least 2 mm
/// thick) stop short of that thin tip. From work column `end_x` outwards (`direction` ±1) the tip's
/// columns follow the border's `course` down to the bone's interface, the cortex line's crest
/// (`cortex_crest_row` within `crest_reach_px` frame rows below the line's rise in `filled`): a
/// course meeting the line's rising flank instead stops about a millimetre short where the bone
/// rises at 30 degrees. Where it rises steeply a column crosses the line obliquely and the crest
/// lies up to a millimetre below the rise. A course that does not meet the bone within 8 mm (a
/// 2 mm thick end over bone rising at 15 degrees) is not running into an insertion: no tip then.
InsertionTip tip_to_bone(const Work& w, const cv::Mat& filled, int crest_reach_px, const BorderLine& course, int end_x,
                         int direction, double f) {
    constexpr double kTipMaxMm = 8.0;
    InsertionTip tip;
    for (int k = 1; k <= mm_to_px(kTipMaxMm, w.px_x); ++k) {
        const int x = end_x + direction * k;
        if (x < 0 || x >= w.grey.cols)
            break;
        const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (bone_row < 0)
            break;
        const double top = course.at(-k);
        const int frame_x = std::clamp(static_cast<int>(std::lround(to_frame(x, f))), 0, filled.cols - 1);
        const int rise_row = std::max(0, static_cast<int>(std::ceil(to_frame(bone_row - 0.5, f))));
        const double bone_top = cortex_crest_row(filled, frame_x, rise_row, crest_reach_px);
        if (bone_top - top < 1.0)
            return tip; // met the bone
        const int work_row = std::clamp(static_cast<int>(std::lround((top + 0.5) * f - 0.5)), 0, w.grey.rows - 1);
        if (!w.imaged.at<unsigned char>(work_row, x))
            break;
        tip.x.push_back(x);
        tip.top.push_back(top);
        tip.bottom.push_back(bone_top);
    }
    return {};
}

/// Column `x` of `mask` taken down to the bone's first row `bone_row` when the mask ends at most
/// `max_gap_px` rows above it.
void rest_on_bone(cv::Mat& mask, int x, int bone_row, int max_gap_px) {
    for (int y = std::min(bone_row, mask.rows) - 1; y >= 0; --y)
        if (mask.at<unsigned char>(y, x)) {
            if (bone_row - 1 - y <= max_gap_px)
                for (int g = y + 1; g < bone_row; ++g)
                    mask.at<unsigned char>(g, x) = 255;
            return;
        }
}

/// The top of a cross-section's mask moved down from the rim's outer flank, where the outline was
/// found, to the rim's crest (`bright_line_crest`), in the columns where the top runs within about
/// 27 degrees of level: there a column crosses the rim nearly square; on steeper sides it runs
/// along the rim, and its brightest row is not the interface. `grey` CV_32FC1.
void lower_top_to_rim_crest(cv::Mat& mask, const cv::Mat& grey, double dx, double dy) {
    constexpr double kMaxSlope = 0.5;
    const int half_band = std::max(1, static_cast<int>(std::lround(0.3 / dx)));
    const std::vector<int> tops = mask_rows_per_column(mask).first;
    for (int x = 0; x < mask.cols; ++x) {
        const int top = tops[static_cast<std::size_t>(x)];
        const int left = tops[static_cast<std::size_t>(std::max(0, x - half_band))];
        const int right = tops[static_cast<std::size_t>(std::min(mask.cols - 1, x + half_band))];
        if (top < 0 || left < 0 || right < 0 || std::abs(right - left) > kMaxSlope * 2 * half_band)
            continue;
        const int crest = bright_line_crest(ColumnBandLevel(grey, x, half_band), top, 1, dy);
        for (int y = top; y < crest; ++y)
            mask.at<unsigned char>(y, x) = 0;
    }
}

/// Where tissue is surely imaged (`Work::imaged`): the lit tissue shrunk by `disc`, the reach of the
/// blur that found it. With `bone`, not from the black under the bone: that is the bone's shadow,
/// not the view's edge (shrunk from it, a thin cross-section resting on the bone has its floor
/// outside, `outline_in_view`).
cv::Mat surely_imaged(const cv::Mat& lit_tissue, const cv::Mat& disc, const BoneSurface* bone = nullptr) {
    cv::Mat viewable = bone ? lit_tissue.clone() : lit_tissue;
    if (bone)
        for (int x = 0; x < viewable.cols; ++x) {
            const int bone_row = bone->row_per_col[static_cast<std::size_t>(x)];
            if (bone_row >= 0)
                viewable.col(x).rowRange(std::min(bone_row, viewable.rows), viewable.rows).setTo(255);
        }
    cv::Mat imaged;
    cv::erode(viewable, imaged, disc);
    return imaged & lit_tissue;
}

/// Whether a cross-section's outline with its hypoechoic foci read as tendon replaces the outline
/// as found: reading foci as tendon only adds to a cross-section, so the refitted outline must lie in
/// view, be no smaller, at most a fifth deeper (a deeper one grew over the tissue around the
/// tendon) and hold at least 80 % of the first outline (one that moved off it found another
/// structure along the bone); `max_depth_px` (work rows, 0 for none) bounds a calibrated
/// cross-section's depth as for the first outline.
bool foci_filled_outline_holds(const detail::TransCandidate& tc, const cv::Mat& imaged, double max_depth_px) {
    if (tc.foci_filled_contour.empty() || tc.contour.empty() || !detail::outline_in_view(tc.foci_filled_contour, imaged))
        return false;
    auto as_float = [](const std::vector<cv::Point2d>& outline) {
        return std::vector<cv::Point2f>(outline.begin(), outline.end());
    };
    const std::vector<cv::Point2f> found = as_float(tc.contour), filled = as_float(tc.foci_filled_contour);
    const double found_depth = cv::boundingRect(found).height, filled_depth = cv::boundingRect(filled).height;
    if (!(cv::contourArea(filled) >= cv::contourArea(found) && filled_depth <= 1.2 * found_depth &&
          (max_depth_px <= 0.0 || filled_depth <= max_depth_px)))
        return false;
    const std::vector<cv::Point> found_px = detail::outline_pixels(tc.contour);
    const std::vector<cv::Point> filled_px = detail::outline_pixels(tc.foci_filled_contour);
    const cv::Rect found_box = cv::boundingRect(found_px), filled_box = cv::boundingRect(filled_px);
    const cv::Rect both = found_box | filled_box;
    cv::Mat found_mask = cv::Mat::zeros(both.size(), CV_8UC1), filled_mask = found_mask.clone();
    cv::fillPoly(found_mask, std::vector<std::vector<cv::Point>>{found_px}, cv::Scalar(255), cv::LINE_8, 0, -both.tl());
    cv::fillPoly(filled_mask, std::vector<std::vector<cv::Point>>{filled_px}, cv::Scalar(255), cv::LINE_8, 0, -both.tl());
    constexpr double kMinFoundShareKept = 0.8;
    const int found_pixels = cv::countNonZero(found_mask);
    return found_pixels == 0 || cv::countNonZero(found_mask & filled_mask) >= kMinFoundShareKept * found_pixels;
}

} // namespace

TendonSegmentation segment_tendon(const cv::Mat& grey, const TissueArea& tissue, const cv::Mat& colour_mask,
                                  const std::optional<Spacing>& spacing_mm, const SegmentationHints& hints) {
    TendonSegmentation seg;
    seg.mask = cv::Mat::zeros(grey.size(), CV_8UC1);
    if (grey.empty() || grey.type() != CV_8UC1 || grey.rows < 16 || grey.cols < 16) {
        seg.warnings.emplace_back("no tendon found");
        return seg;
    }
    const double dx = spacing_mm ? spacing_mm->dx_mm : detail::kAssumedSpacingMm;
    const double dy = spacing_mm ? spacing_mm->dy_mm : detail::kAssumedSpacingMm;

    Work w;
    w.calibrated = spacing_mm.has_value();
    // Found at about 0.25 mm per work pixel (at most 5 times coarser than the frame), the borders
    // are then placed on the frame's own rows (below), at a fraction of the frame's cost.
    w.f = std::clamp(std::min(dx, dy) / 0.25, 0.2, 1.0);
    if (w.f > 0.85)
        w.f = 1.0;
    w.px_x = w.f / dx;
    w.px_y = w.f / dy;
    const cv::Mat filled = fill_colour(grey, colour_mask);
    cv::Mat tissue_mask = tissue.mask.empty() ? cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255)) : tissue.mask.clone();
    if (hints.roi) {
        cv::Mat roi_mask = cv::Mat::zeros(grey.size(), CV_8UC1);
        roi_mask(*hints.roi & cv::Rect(0, 0, grey.cols, grey.rows)).setTo(255);
        tissue_mask &= roi_mask;
    }
    if (w.f < 1.0) {
        w.grey = reduce_by_area(filled, w.f);
        cv::resize(tissue_mask, w.tissue, w.grey.size(), 0, 0, cv::INTER_NEAREST);
    } else {
        w.grey = filled;
        w.tissue = tissue_mask;
    }
    cv::Mat extent = w.tissue.clone();
    if (!tissue.from_regions) {
        // An area found in the image ends where a full-width shadow begins (it is as black as the
        // background): the bone finder reads each column down to the image's bottom, so the
        // black under the bone is seen as its shadow.
        for (int x = 0; x < extent.cols; ++x)
            for (int y = 0; y < extent.rows; ++y)
                if (extent.at<unsigned char>(y, x)) {
                    extent.col(x).rowRange(y, extent.rows).setTo(255);
                    break;
                }
    }
    // A region rectangle also covers the black corners beside a curvilinear probe's fan: only
    // the imaged (lit) part of it is searched, so black corners never pass for dark tissue.
    const double lit_sigma = std::max(1.0, 0.7 * w.px_x);
    {
        cv::Mat lit;
        cv::GaussianBlur(w.grey, lit, cv::Size(0, 0), lit_sigma);
        w.tissue &= lit > 3.0f;
    }
    const cv::Mat lit_tissue = w.tissue.clone();
    cv::erode(w.tissue, w.tissue, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    const int rows = w.grey.rows;
    const int cols = w.grey.cols;

    cv::Mat smooth_iso;
    cv::GaussianBlur(w.grey, smooth_iso, cv::Size(0, 0), std::max(0.7, 0.2 * w.px_x), std::max(0.7, 0.2 * w.px_y));
    w.levels = detail::tissue_levels(smooth_iso, w.tissue);
    const double level = std::max(8.0, w.levels.p98);
    w.bone = detail::bone_surface_on(smooth_iso, w.tissue, w.levels, w.px_y, extent);
    // The blur spreads the image's brightness past its edge: shrunk back by twice its width
    // (about 1.4 mm), the lit area is where tissue beside a band is surely imaged.
    const int shrink = static_cast<int>(std::lround(2.0 * lit_sigma));
    const cv::Mat shrink_disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * shrink + 1, 2 * shrink + 1));
    w.imaged = surely_imaged(lit_tissue, shrink_disc);
    const int skin_px = mm_to_px(3.0, w.px_y);
    w.top.assign(static_cast<std::size_t>(cols), -1);
    w.first_tissue.assign(static_cast<std::size_t>(cols), -1);
    w.limit.assign(static_cast<std::size_t>(cols), 0);
    for (int x = 0; x < cols; ++x) {
        int first = -1, last = -1;
        for (int y = 0; y < rows; ++y)
            if (w.tissue.at<unsigned char>(y, x)) {
                if (first < 0)
                    first = y;
                last = y;
            }
        w.first_tissue[static_cast<std::size_t>(x)] = first;
        // Skin and dermis (the first ~3 mm) never hold the tendon.
        if (first >= 0)
            first = std::min(last, first + skin_px);
        w.top[static_cast<std::size_t>(x)] = first;
        int limit = last + 1;
        const int bone_row = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (bone_row >= 0)
            limit = std::min(limit, bone_row);
        w.limit[static_cast<std::size_t>(x)] = first < 0 ? 0 : std::max(first, limit);
    }

    cv::Mat smooth_band;
    cv::GaussianBlur(w.grey, smooth_band, cv::Size(0, 0), std::max(0.8, 0.45 * w.px_x), std::max(0.6, 0.12 * w.px_y));
    const detail::StructureTensor tensor = detail::structure_tensor(smooth_iso, std::max(1.0, 0.5 * w.px_x));
    const cv::Mat coherence = detail::coherence_of(tensor);
    const cv::Mat alignment = detail::horizontal_alignment_of(tensor);

    std::optional<cv::Point2d> seed;
    if (hints.seed)
        seed = cv::Point2d((hints.seed->x + 0.5) * w.f - 0.5, (hints.seed->y + 0.5) * w.f - 0.5);
    const detail::LongCandidate lc = detail::find_longitudinal(w, smooth_band, alignment, coherence, level);

    // View: a long band of horizontally aligned fibres is longitudinal; a compact bright
    // cross-section without that alignment is transverse.
    // A proximal hamstring tendon is at least ~2.5 mm thick (thinner bright bands are fascia) and
    // clearly brighter than the tissue around it.
    constexpr double kMinContrast = 0.15;
    // A band must be clearly brighter than the tissue around it (a quarter of the bright level):
    // muscle between two fasciae reaches about a fifth.
    constexpr double kMinBandContrast = 0.25;
    // Seen lengthways the common tendon runs on from its insertion for centimetres: a band shorter
    // than 15 mm (or than twice its thickness) is some other structure. A thickened tendon (10-12
    // mm) may show only 25 mm of its length in the view, no more than 2.5 thicknesses.
    constexpr double kMinBandLengthMm = 15.0;
    constexpr double kMinBandLengthPerThickness = 2.0;
    // The superficial border's last millimetres at either end follow its course just before
    // (`hold_border_at_end`).
    constexpr double kHeldEndMm = 8.0;
    constexpr double kTrendMm = 4.0;
    const double min_band_length_mm = std::max(kMinBandLengthMm, kMinBandLengthPerThickness * lc.thickness_mm);
    // A degenerated tendon's hypoechoic foci darken its band towards that of muscle: a band down to
    // 0.22 still passes when its fibres are clearly lines (coherence 0.70, above the 0.53-0.66 of a
    // cross-section's dots below).
    constexpr double kMinFibrillarBandContrast = 0.22;
    constexpr double kMinFibrillarCoherence = 0.70;
    const bool band_contrast = lc.contrast >= kMinBandContrast ||
                               (lc.contrast >= kMinFibrillarBandContrast && lc.coherence >= kMinFibrillarCoherence);
    // Without a calibration sizes are in assumed millimetres (`kAssumedSpacingMm`): a coarser true
    // spacing, 0.11 mm a pixel for 0.08 assumed, makes a 3 mm tendon read 2.2 mm. The least thickness
    // is lowered by that factor (fascia, about 1 mm thick, stays out).
    const double min_size_factor = spacing_mm ? 1.0 : 1.0 / 1.4;
    const bool long_shape = lc.found && lc.length_mm >= min_band_length_mm &&
                            lc.thickness_mm >= 2.5 * min_size_factor && band_contrast;
    // A tendon seen lengthways is bright along its whole length (a bright patch that a band
    // merely crosses is not); a cross-section is darker at both sides than inside. Its fibrils
    // are parallel lines there (a coherent structure tensor, 0.64 or more on the phantom's
    // tendons), where a wide flat cross-section cut across them shows dots (0.53-0.66).
    double long_score = long_shape ? clamp01((lc.contrast - 0.03) / 0.12) * clamp01(0.4 + lc.alignment) *
                                         clamp01((lc.coverage - 0.5) / 0.35) * clamp01((lc.coherence - 0.5) / 0.2)
                                   : 0.0;
    // Brighter than the tissue at its sides. The widest box (22 mm) is narrower than the widest
    // cross-sections (up to about 37 mm): the tissue beside it is then partly tendon, and a wide,
    // hypoechoic tendon at low gain reads 0.08-0.09 (negatives are held off by shape, view and
    // band terms, not by this floor: their best boxes read up to 0.26).
    constexpr double kMinLateral = 0.07;
    auto trans_contrast_score = [](double contrast) { return clamp01((contrast - 0.04) / 0.15); };
    // A band wins over a cross-section scoring up to a quarter more. A wide cross-section (25-40 mm)
    // also reads as a band, but a faint one: its depth tapers to both sides, so the bar detector
    // takes in darker tissue there (band contrast 0.26-0.31 where it competed with its own
    // cross-section on the tuning and check seeds, against 0.31-0.51 for tendons seen lengthways
    // that showed a cross-section too). A band that faint must beat the cross-section clearly.
    constexpr double kFaintBandContrast = 0.30;
    constexpr double kFaintBandMargin = 1.3;
    auto faint_band_loses_to = [&](double trans) {
        return lc.contrast < kFaintBandContrast && long_score < kFaintBandMargin * trans;
    };
    auto band_beats = [&](double trans) {
        if (!(long_score > 0.0 && long_score >= 0.8 * trans))
            return false;
        return trans <= 0.0 || !faint_band_loses_to(trans);
    };
    // Calcifications' acoustic shadows would cut a cross-section into pieces (a band's borders are
    // found along its length, past a shadow): the cross-section is searched with the tissue they
    // hide read from beside them.
    cv::Mat trans_grey = smooth_iso;
    cv::Mat calcific_shadow; // work coordinates; empty when there is none
    {
        const cv::Mat searchable = w.searched(cv::Rect(0, 0, cols, rows));
        calcific_shadow = detail::calcific_shadows(smooth_iso, w.top, w.limit, searchable, w.levels, w.px_x, w.px_y);
        if (cv::countNonZero(calcific_shadow) == 0)
            calcific_shadow.release();
        else
            trans_grey = detail::shadows_filled(smooth_iso, calcific_shadow, searchable, w.px_x);
    }
    // A cross-section is outlined only where it could be the view's choice: its box's contrast
    // bounds its score, which a clear band beats whatever the outline (the outline's search is
    // most of the transverse finder's time). A band that beats the best score a cross-section can
    // have (1) is the view whatever the boxes: then none is searched (its features read 0).
    const detail::TransCandidate tc =
        band_beats(1.0) ? detail::TransCandidate{}
                        : detail::find_transverse(w, trans_grey, alignment, coherence, level, seed,
                                                  [&](double contrast, double lateral) {
                                                      return contrast >= kMinContrast && lateral >= kMinLateral &&
                                                             !band_beats(trans_contrast_score(contrast));
                                                  });
    // The common hamstring tendon's cross-section is at least about 2.5 mm deep and 5 mm wide
    // (as the band must be 2.5 mm thick); smaller ovals on a bright line are other structures.
    // Even a thickened tendon is at most about 12 mm deep (the band detector's thickest bar): a
    // deeper oval is muscle between two bright lines. Without a calibration the depth is in
    // assumed millimetres, which may be too large, so only the minimum applies then.
    constexpr double kMaxCrossSectionDepthMm = 13.0;
    const bool trans_shape = tc.found && tc.height_mm >= 2.5 && tc.width_mm >= 5.0 &&
                             (!spacing_mm || tc.height_mm <= kMaxCrossSectionDepthMm);
    // A cross-section cut by the edge of the view cannot be told from a band or a patch of
    // muscle beside one (negatives read transverse there).
    // A band's end on the bone, outlined as a cross-section, also rests on the shadow: read to the
    // bone only when no band competes (the shadow's shrink otherwise keeps such ends out).
    const cv::Mat trans_view_area =
        long_score > 0.0 || !tc.found ? w.imaged : surely_imaged(lit_tissue, shrink_disc, &w.bone);
    const bool trans_in_view = tc.found && detail::outline_in_view(tc.contour, trans_view_area);
    const double cross_section_score = trans_shape && tc.contrast >= kMinContrast && tc.lateral_contrast >= kMinLateral
                                           ? trans_contrast_score(tc.contrast) * clamp01(1.0 - 0.8 * std::max(0.0, tc.alignment - 0.3))
                                           : 0.0;
    // Cut by the view's edge, a cross-section is claimed only against a faint band that it beats
    // clearly: a wide cross-section running out of the view reads as both (calibrated scans only,
    // as for the finder's second choice).
    const bool wide_cut_by_view =
        w.calibrated && long_score > 0.0 && cross_section_score > 0.0 && faint_band_loses_to(cross_section_score);
    const double trans_score = trans_in_view || wide_cut_by_view ? cross_section_score : 0.0;
    seg.features = {{"long_found", lc.found},          {"long_length_mm", lc.length_mm},
                    {"long_thickness_mm", lc.thickness_mm}, {"long_contrast", lc.contrast},
                    {"long_alignment", lc.alignment},       {"long_coherence", lc.coherence},
                    {"trans_found", tc.found},              {"trans_contrast", tc.contrast},
                    {"trans_width_mm", tc.width_mm},        {"trans_height_mm", tc.height_mm},
                    {"trans_alignment", tc.alignment},      {"trans_coherence", tc.coherence},
                    {"trans_lateral", tc.lateral_contrast}, {"long_coverage", lc.coverage},
                    {"bone_strength", w.bone.strength},     {"long_score", long_score},
                    {"trans_score", trans_score}};
    View view = View::none;
    // A view of the hamstring origin shows the ischial tuberosity; without it nothing here is
    // claimed as the tendon.
    if (!w.bone.found()) {
        seg.warnings.emplace_back("no bone surface found");
    } else if (band_beats(trans_score))
        view = View::longitudinal;
    else if (trans_score > 0.0)
        view = View::transverse;
    const double bone_term = w.bone.found() ? 0.6 + 0.4 * w.bone.strength : 0.45;

    const double f = w.f;
    // The bone's interface lies at the crest of the cortex's line, up to half a millimetre below the
    // line's rise where the bone finder puts the surface (`cortex_crest_row`).
    const int crest_reach_px = std::max(1, static_cast<int>(std::lround(0.5 / dy)));
    const int tip_crest_reach_px = 2 * crest_reach_px; // a steep bone's line, crossed obliquely (`tip_to_bone`)
    cv::Range tip_columns(0, 0); // frame columns of a longitudinal tendon's insertion tip
    if (view == View::longitudinal) {
        std::vector<cv::Point2d> outline;
        // Borders found at the work resolution are placed on the frame's own rows: the strongest
        // step of the right sign within a work pixel and a half of the coarse border, taken on the
        // echo amplitude (`echo_amplitude`), not on the log-compressed grey.
        const int half_band = std::max(1, static_cast<int>(std::lround(0.3 / dx)));
        const int search = static_cast<int>(std::ceil(1.5 / f));
        auto refine = [&](double work_x, double work_row, bool top) {
            const int fx = std::clamp(static_cast<int>(std::lround(to_frame(work_x, f))), 0, grey.cols - 1);
            const int fy = static_cast<int>(std::lround(to_frame(work_row, f)));
            const ColumnBandLevel smoothed(filled, fx, half_band);
            double best_step = 0.0;
            int best_row = fy;
            for (int r = fy - search; r <= fy + search; ++r) {
                const double step = top ? echo_amplitude(smoothed(r)) - echo_amplitude(smoothed(r - 1))
                                        : echo_amplitude(smoothed(r)) - echo_amplitude(smoothed(r + 1));
                if (step > best_step) {
                    best_step = step;
                    best_row = r;
                }
            }
            best_row = bright_line_crest(smoothed, best_row, top ? 1 : -1, dy);
            return static_cast<double>(std::clamp(best_row, 0, grey.rows - 1));
        };
        // Insertion: the end of the band whose deep border rests on the bone.
        const int near_px = mm_to_px(1.0, w.px_y);
        auto on_bone = [&](int x, double bottom) {
            const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
            return b >= 0 && b - bottom <= near_px;
        };
        const bool left = on_bone(lc.x0, lc.bottom_edge.front());
        const bool right = on_bone(lc.x1, lc.bottom_edge.back());
        const bool use_left = left && (!right || w.bone.row_per_col[static_cast<std::size_t>(lc.x0)] <
                                                     w.bone.row_per_col[static_cast<std::size_t>(lc.x1)]);
        // A band that ran on past its insertion over the bone's crest, a thin strip on the crest,
        // ends at the crest's edge: the insertion is there, and the strip is not tendon (the rule
        // keeps a tip tapering onto flat bone: `crest_strip_end`).
        detail::LongCandidate band = lc;
        if (left || right)
            if (const auto at = detail::crest_strip_end(w, lc, use_left)) {
                if (use_left) {
                    band.x0 += *at;
                    band.top_edge.erase(band.top_edge.begin(), band.top_edge.begin() + *at);
                    band.bottom_edge.erase(band.bottom_edge.begin(), band.bottom_edge.begin() + *at);
                } else {
                    band.x1 = band.x0 + *at;
                    band.top_edge.resize(static_cast<std::size_t>(*at + 1));
                    band.bottom_edge.resize(static_cast<std::size_t>(*at + 1));
                }
            }
        const int n = band.x1 - band.x0 + 1;
        if (left || right) {
            // On the frame, at the foot of the deep border of the band's insertion end.
            const int end = use_left ? 0 : n - 1;
            seg.insertion = cv::Point(static_cast<int>(std::lround(to_frame(band.x0 + end, f))),
                                      static_cast<int>(std::lround(to_frame(band.bottom_edge[static_cast<std::size_t>(end)] - 0.5, f))));
        } else {
            seg.warnings.emplace_back("insertion not in view");
            long_score *= 0.5;
        }
        std::vector<double> top_rows, bottom_rows;
        for (int i = 0; i < n; ++i) {
            top_rows.push_back(refine(band.x0 + i, band.top_edge[static_cast<std::size_t>(i)], true));
            bottom_rows.push_back(std::max(top_rows.back(), refine(band.x0 + i, band.bottom_edge[static_cast<std::size_t>(i)], false)));
        }
        // Each column was placed on its own: speckle moves single columns by a row or two, which
        // a smooth boundary does not do, and the maximum of a jittering thickness profile lies
        // above the tendon's. A running median over 3 mm, then a mean over 2 mm, removes that
        // (docs/accuracy.md); a tendinopathic swelling spans centimetres.
        const int median_half = mm_to_px(1.5, w.px_x);
        const int mean_half = mm_to_px(1.0, w.px_x);
        auto smooth_rows = [&](std::vector<double>& rows_along) {
            const int count = static_cast<int>(rows_along.size());
            std::vector<double> median(rows_along.size());
            for (int i = 0; i < count; ++i) {
                std::vector<double> window(rows_along.begin() + std::max(0, i - median_half),
                                           rows_along.begin() + std::min(count, i + median_half + 1));
                std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2), window.end());
                median[static_cast<std::size_t>(i)] = window[window.size() / 2];
            }
            for (int i = 0; i < count; ++i) {
                const int a = std::max(0, i - mean_half);
                const int b = std::min(count - 1, i + mean_half);
                rows_along[static_cast<std::size_t>(i)] =
                    std::accumulate(median.begin() + a, median.begin() + b + 1, 0.0) / (b - a + 1);
            }
        };
        smooth_rows(top_rows);
        smooth_rows(bottom_rows);
        const int held_px = mm_to_px(kHeldEndMm, w.px_x);
        const int trend_px = mm_to_px(kTrendMm, w.px_x);
        std::optional<BorderLine> course;
        if (left || right) {
            course = hold_border_at_end(top_rows, use_left, held_px, trend_px);
            hold_border_at_end(top_rows, !use_left, held_px, trend_px);
        } else {
            hold_border_at_end(top_rows, true, held_px, trend_px);
            hold_border_at_end(top_rows, false, held_px, trend_px);
        }
        for (int i = 0; i < n; ++i)
            bottom_rows[static_cast<std::size_t>(i)] = std::max(bottom_rows[static_cast<std::size_t>(i)], top_rows[static_cast<std::size_t>(i)]);
        std::vector<double> work_x(static_cast<std::size_t>(n));
        std::iota(work_x.begin(), work_x.end(), static_cast<double>(band.x0));
        if (course) {
            const InsertionTip tip =
                tip_to_bone(w, filled, tip_crest_reach_px, *course, use_left ? band.x0 : band.x1, use_left ? -1 : 1, f);
            if (!tip.x.empty()) {
                auto join = [&](std::vector<double>& along, std::vector<double> tip) {
                    if (use_left) {
                        std::reverse(tip.begin(), tip.end());
                        along.insert(along.begin(), tip.begin(), tip.end());
                    } else {
                        along.insert(along.end(), tip.begin(), tip.end());
                    }
                };
                seg.insertion = cv::Point(static_cast<int>(std::lround(to_frame(tip.x.back(), f))),
                                          static_cast<int>(std::lround(tip.bottom.back())));
                const double first_x = std::min(to_frame(tip.x.front(), f), to_frame(tip.x.back(), f));
                const double last_x = std::max(to_frame(tip.x.front(), f), to_frame(tip.x.back(), f));
                tip_columns = cv::Range(static_cast<int>(std::floor(first_x - 0.5 / f)), static_cast<int>(std::ceil(last_x + 0.5 / f)) + 1);
                join(work_x, tip.x);
                join(top_rows, tip.top);
                join(bottom_rows, tip.bottom);
            }
        }
        const int along = static_cast<int>(work_x.size());
        for (int i = 0; i < along; ++i)
            outline.emplace_back(to_frame(work_x[static_cast<std::size_t>(i)], f), top_rows[static_cast<std::size_t>(i)]);
        for (int i = along - 1; i >= 0; --i)
            outline.emplace_back(to_frame(work_x[static_cast<std::size_t>(i)], f), bottom_rows[static_cast<std::size_t>(i)]);
        // Extend the ends by half a work pixel so the first and last columns are whole.
        const double half = 0.5 / f;
        outline.front().x -= half;
        outline[static_cast<std::size_t>(along - 1)].x += half;
        outline[static_cast<std::size_t>(along)].x += half;
        outline.back().x -= half;
        constexpr int kShift = 4;
        std::vector<cv::Point> poly;
        for (const auto& p : outline)
            poly.emplace_back(static_cast<int>(std::lround(p.x * (1 << kShift))), static_cast<int>(std::lround(p.y * (1 << kShift))));
        cv::fillPoly(seg.mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_8, kShift);
        for (int i = 0; i < along; ++i) {
            const int x = static_cast<int>(std::lround(to_frame(work_x[static_cast<std::size_t>(i)], f)));
            seg.superficial_border.emplace_back(x, static_cast<int>(std::lround(top_rows[static_cast<std::size_t>(i)])));
            seg.deep_border.emplace_back(x,
                                         static_cast<int>(std::lround(bottom_rows[static_cast<std::size_t>(i)])));
        }
        seg.confidence = long_score * bone_term;
    } else if (view == View::transverse) {
        constexpr int kShift = 4;
        std::vector<cv::Point> poly;
        const bool use_filled = foci_filled_outline_holds(tc, trans_view_area, spacing_mm ? kMaxCrossSectionDepthMm * w.px_y : 0.0);
        for (const auto& p : use_filled ? tc.foci_filled_contour : tc.contour) {
            const cv::Point2d q(to_frame(p.x, f), to_frame(p.y, f));
            seg.contour.emplace_back(static_cast<int>(std::lround(q.x)), static_cast<int>(std::lround(q.y)));
            poly.emplace_back(static_cast<int>(std::lround(q.x * (1 << kShift))), static_cast<int>(std::lround(q.y * (1 << kShift))));
        }
        cv::fillPoly(seg.mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(255), cv::LINE_8, kShift);
        seg.confidence = trans_score * bone_term;
    }

    // The mask stays in the imaged part of the tissue area and above the bone surface.
    if (view != View::none) {
        cv::Mat searched;
        cv::resize(w.tissue, searched, grey.size(), 0, 0, cv::INTER_NEAREST);
        cv::dilate(searched, searched, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
        seg.imaged = detail::imaged_area(tissue_mask, grey);
        seg.mask &= seg.imaged & searched;
        // The mask stays above the bone. A cross-section lies on the tuberosity, its deep surface
        // the cortex's interface (the crest, below the line's rising flank): where the outline's
        // bottom stops at most 1 mm short of the flank, the gap is tendon and is filled down to the
        // crest; a wider one is left as found. A longitudinal tendon's tip ends on the crest too;
        // elsewhere its deep border was placed on the tissue's side of the line already.
        const int max_rest_gap_px = static_cast<int>(std::lround(1.0 / dy));
        if (w.bone.found())
            for (int x = 0; x < grey.cols; ++x) {
                const int wx = std::clamp(static_cast<int>((x + 0.5) * f), 0, cols - 1);
                const int b = w.bone.row_per_col[static_cast<std::size_t>(wx)];
                if (b < 0)
                    continue;
                const int fb = std::max(0, static_cast<int>(std::ceil(to_frame(b - 0.5, f))));
                const bool in_tip = x >= tip_columns.start && x < tip_columns.end;
                const int cut = view == View::transverse ? cortex_crest_row(filled, x, fb, crest_reach_px)
                                : in_tip                 ? cortex_crest_row(filled, x, fb, tip_crest_reach_px)
                                                         : fb;
                for (int y = cut; y < grey.rows; ++y)
                    seg.mask.at<unsigned char>(y, x) = 0;
                if (view == View::transverse)
                    rest_on_bone(seg.mask, x, cut, max_rest_gap_px + cut - fb);
            }
        if (view == View::transverse) {
            lower_top_to_rim_crest(seg.mask, filled, dx, dy);
            seg.contour = largest_outline(seg.mask); // as the mask now is: cut to the tissue, on the crests
        }
    }
    for (int x = 0; x < cols; ++x) {
        const int b = w.bone.row_per_col[static_cast<std::size_t>(x)];
        if (b >= 0)
            seg.bone_surface.emplace_back(static_cast<int>(std::lround(to_frame(x, f))),
                                          static_cast<int>(std::lround(to_frame(b, f))));
    }

    // Tendon imaging needs a high-frequency probe: pixels coarser than 0.25 mm cannot resolve a
    // 3-12 mm tendon's borders (and such scans are cardiac or abdominal, not musculoskeletal).
    if (view != View::none && spacing_mm && std::max(dx, dy) > 0.25) {
        seg.confidence = std::min(seg.confidence, 0.3);
        seg.warnings.emplace_back("pixels too coarse for tendon measurement");
    }
    // Without a calibration the size rules above were checked on an assumed spacing: the outline
    // may be shown, but it is not a confident tendon.
    if (view != View::none && !spacing_mm)
        seg.confidence = std::min(seg.confidence, 0.45);
    if (view != View::none && seg.confidence < 0.2) {
        seg.warnings.emplace_back("low contrast");
    }
    if (view == View::none || cv::countNonZero(seg.mask) == 0) {
        seg.view = View::none;
        seg.mask.setTo(0);
        seg.superficial_border.clear();
        seg.deep_border.clear();
        seg.contour.clear();
        seg.insertion.reset();
        seg.confidence = 0.0;
        seg.warnings.emplace_back("no tendon found");
        return seg;
    }
    seg.view = view;
    if (detail::measurement_cut_by_view(seg.mask, seg.imaged, seg.bone_surface, view))
        seg.warnings.emplace_back("tendon partly out of view");
    // Heavy shadow: much of the tissue above the bone is nearly black.
    cv::Mat dark = (grey < 12) & tissue_mask;
    if (cv::countNonZero(dark & seg.mask) > 0.2 * cv::countNonZero(seg.mask))
        seg.warnings.emplace_back("heavy shadow");
    // A calcification's shadow over the tendon: the grey there is not the tendon's, and the
    // echogenicity's mean includes it (its texture measurements leave it out).
    if (!calcific_shadow.empty()) {
        cv::resize(calcific_shadow, seg.calcific_shadow, grey.size(), 0, 0, cv::INTER_NEAREST);
        const int shadowed = cv::countNonZero(seg.calcific_shadow & seg.mask);
        if (shadowed > 0.02 * cv::countNonZero(seg.mask))
            seg.warnings.emplace_back("calcification shadows part of the tendon");
    }
    return seg;
}

} // namespace tendo
