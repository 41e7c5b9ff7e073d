// Each stage of the segmentation on small images built here, where the right answer is known.
#include "tendo/imaging/components.hpp"
#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/segmentation.hpp"
#include "tendo/phantom/phantom.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>

namespace tendo {
namespace {

UltrasoundRegion tissue_region(int x0, int y0, int x1, int y1) {
    UltrasoundRegion r;
    r.spatial_format = UltrasoundRegion::kSpatial2D;
    r.data_type = UltrasoundRegion::kTissue;
    r.x0 = x0, r.y0 = y0, r.x1 = x1, r.y1 = y1;
    r.units_x = r.units_y = UltrasoundRegion::kUnitsCm;
    r.delta_x = r.delta_y = 0.01;
    return r;
}

/// Speckle-like noise so that finders see texture, not flat areas; black pixels stay black.
void add_speckle(cv::Mat& grey, double sd, unsigned seed) {
    cv::setRNGSeed(static_cast<int>(seed));
    cv::Mat noise(grey.size(), CV_32F);
    cv::randn(noise, 0.0, sd);
    cv::Mat g32;
    grey.convertTo(g32, CV_32F);
    g32 += noise;
    cv::Mat out;
    g32.convertTo(out, CV_8U);
    out.setTo(0, grey == 0);
    grey = out;
}

TEST(TissueArea, RegionGivesItsRectangle) {
    cv::Mat frame(200, 300, CV_8UC1, cv::Scalar(90));
    const TissueArea area = find_tissue_area(frame, {tissue_region(20, 30, 219, 179)});
    EXPECT_TRUE(area.from_regions);
    EXPECT_EQ(area.bounds, cv::Rect(20, 30, 200, 150));
    EXPECT_EQ(cv::countNonZero(area.mask), 200 * 150);
}

TEST(TissueArea, FoundInImageWithoutTextOrRuler) {
    cv::Mat frame(300, 400, CV_8UC1, cv::Scalar(0));
    frame(cv::Rect(60, 40, 280, 230)).setTo(100);
    add_speckle(frame, 20, 1);
    frame(cv::Rect(0, 0, 400, 40)).setTo(0);
    cv::putText(frame, "TENDO 12MHz", cv::Point(5, 20), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(255), 1);
    for (int y = 50; y < 260; y += 20)
        cv::line(frame, cv::Point(370, y), cv::Point(378, y), cv::Scalar(255), 1); // depth ruler
    const TissueArea area = find_tissue_area(frame, {});
    EXPECT_FALSE(area.from_regions);
    EXPECT_NEAR(area.bounds.x, 60, 3);
    EXPECT_NEAR(area.bounds.y, 40, 3);
    EXPECT_NEAR(area.bounds.width, 280, 6);
    EXPECT_NEAR(area.bounds.height, 230, 6);
    EXPECT_EQ(area.mask.at<unsigned char>(15, 20), 0); // text
    EXPECT_EQ(area.mask.at<unsigned char>(100, 374), 0); // ruler
    EXPECT_FALSE(area.fan);
}

TEST(TissueArea, FanIsRecognised) {
    cv::Mat frame(300, 400, CV_8UC1, cv::Scalar(0));
    std::vector<cv::Point> fan = {{170, 20}, {230, 20}, {390, 290}, {10, 290}};
    cv::fillConvexPoly(frame, fan, cv::Scalar(110));
    add_speckle(frame, 15, 2);
    const TissueArea area = find_tissue_area(frame, {});
    EXPECT_TRUE(area.fan);
    EXPECT_EQ(area.mask.at<unsigned char>(25, 20), 0);
    EXPECT_EQ(area.mask.at<unsigned char>(200, 200), 255);
}

TEST(DopplerSeparation, GreyEdgesBoxOutlineAndSpecksAreNotColour) {
    cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(60, 60, 60));
    // A bright grey edge with YBR_422-like chroma smear (|R-G| up to 30) one pixel wide.
    frame(cv::Rect(0, 50, 160, 10)).setTo(cv::Scalar(220, 220, 220));
    for (int x = 0; x < 160; x += 2)
        frame.at<cv::Vec3b>(49, x) = cv::Vec3b(90, 75, 105);
    // Grey colour-box outline.
    cv::rectangle(frame, cv::Rect(20, 10, 120, 100), cv::Scalar(200, 200, 200), 1);
    // Flash speck: two saturated pixels.
    frame.at<cv::Vec3b>(30, 30) = cv::Vec3b(0, 0, 255);
    frame.at<cv::Vec3b>(30, 31) = cv::Vec3b(0, 0, 255);
    TissueArea tissue;
    tissue.mask = cv::Mat(frame.size(), CV_8UC1, cv::Scalar(255));
    const DopplerSeparation d = separate_doppler(frame, tissue, {});
    EXPECT_EQ(d.colour_pixels, 0);
    EXPECT_FALSE(d.doppler);
}

TEST(DopplerSeparation, VesselIsColourWithItsDimRim) {
    cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(70, 70, 70));
    cv::circle(frame, cv::Point(80, 60), 6, cv::Scalar(40, 40, 120), cv::FILLED); // dim rim, chroma 80
    cv::circle(frame, cv::Point(80, 60), 4, cv::Scalar(0, 0, 230), cv::FILLED);   // saturated core
    TissueArea tissue;
    tissue.mask = cv::Mat(frame.size(), CV_8UC1, cv::Scalar(255));
    const DopplerSeparation d = separate_doppler(frame, tissue, {});
    cv::Mat expected = cv::Mat::zeros(frame.size(), CV_8UC1);
    cv::circle(expected, cv::Point(80, 60), 6, cv::Scalar(255), cv::FILLED);
    EXPECT_EQ(d.colour_pixels, cv::countNonZero(expected));
    EXPECT_TRUE(d.doppler);
    EXPECT_EQ(d.grey.type(), CV_8UC1);
}

TEST(DopplerSeparation, ColourOutsideTheFlowRegionIsIgnored) {
    cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(70, 70, 70));
    cv::circle(frame, cv::Point(20, 20), 4, cv::Scalar(0, 0, 230), cv::FILLED); // colour bar / legend
    cv::circle(frame, cv::Point(100, 80), 4, cv::Scalar(230, 0, 0), cv::FILLED);
    UltrasoundRegion flow = tissue_region(60, 40, 150, 110);
    flow.data_type = UltrasoundRegion::kColorFlow;
    TissueArea tissue;
    tissue.mask = cv::Mat(frame.size(), CV_8UC1, cv::Scalar(255));
    const DopplerSeparation d = separate_doppler(frame, tissue, {flow});
    ASSERT_TRUE(d.box.has_value());
    EXPECT_EQ(d.colour_mask.at<unsigned char>(20, 20), 0);
    EXPECT_EQ(d.colour_mask.at<unsigned char>(80, 100), 255);
}

TEST(DopplerSeparation, ColourBarBesideTheImageIsNotFlow) {
    // Image at columns 40-159 (grey 70), black screen left of it with a colour bar at 10-22.
    cv::Mat grey = cv::Mat::zeros(120, 160, CV_8UC1);
    grey(cv::Rect(40, 0, 120, 120)).setTo(70);
    grey(cv::Rect(40, 90, 60, 30)).setTo(0); // a shadow under the bone, inside the image
    cv::Mat colour = cv::Mat::zeros(grey.size(), CV_8UC1);
    colour(cv::Rect(10, 20, 12, 50)).setTo(255);  // the bar, on the black screen
    colour(cv::Rect(100, 40, 15, 5)).setTo(255);  // flow in lit tissue
    colour(cv::Rect(60, 100, 15, 5)).setTo(255);  // flow drawn in the shadow, away from the tendon
    colour(cv::Rect(60, 86, 5, 10)).setTo(255);   // flow in the tendon, running into the shadow
    cv::Mat tendon = cv::Mat::zeros(grey.size(), CV_8UC1);
    tendon(cv::Rect(50, 70, 80, 20)).setTo(255);

    const cv::Mat flow = colour_in_image(colour, grey, tendon);
    EXPECT_EQ(cv::countNonZero(flow(cv::Rect(10, 20, 12, 50))), 0);
    EXPECT_EQ(cv::countNonZero(flow(cv::Rect(100, 40, 15, 5))), 75);
    EXPECT_EQ(cv::countNonZero(flow(cv::Rect(60, 86, 5, 10))), 50);
    EXPECT_EQ(cv::countNonZero(flow(cv::Rect(60, 100, 15, 5))), 0) << "on black, and apart from the tendon";
    EXPECT_EQ(cv::countNonZero(colour_in_image(colour, grey)(cv::Rect(60, 86, 5, 10))), 0);
}

/// Synthetic longitudinal scan at 0.1 mm/px: fat, muscle, a bright fibrillar tendon band
/// (rows 150-209) with paratenon lines, a bone surface rising to meet the band's deep border at the
/// left (the insertion) and shadow under the bone.
struct LongScene {
    cv::Mat grey;
    cv::Mat truth;
    std::vector<int> bone_row;
};

LongScene long_scene() {
    LongScene s;
    const int rows = 400, cols = 500;
    s.grey = cv::Mat(rows, cols, CV_8UC1, cv::Scalar(60));
    s.truth = cv::Mat::zeros(rows, cols, CV_8UC1);
    s.bone_row.assign(cols, 0);
    for (int x = 0; x < cols; ++x) {
        // Bone: at row 211 under the first 100 columns, then sloping down to row 330.
        const int bone = x < 100 ? 211 : std::min(330, 211 + (x - 100));
        s.bone_row[static_cast<std::size_t>(x)] = bone;
        for (int y = 0; y < 60; ++y)
            s.grey.at<unsigned char>(y, x) = 35; // fat
        for (int y = 150; y < 210; ++y) {
            const bool fibril = (y - 150) % 4 == 0;
            s.grey.at<unsigned char>(y, x) = fibril ? 190 : 140;
            if (x >= 60)
                s.truth.at<unsigned char>(y, x) = 255;
        }
        s.grey.at<unsigned char>(150, x) = 200;
        s.grey.at<unsigned char>(209, x) = 200;
        for (int y = bone; y < bone + 4 && y < rows; ++y)
            s.grey.at<unsigned char>(y, x) = 250;
        for (int y = bone + 4; y < rows; ++y)
            s.grey.at<unsigned char>(y, x) = 12;
    }
    // Left of the insertion (x < 60) the bone lies directly under muscle-like tissue.
    for (int x = 0; x < 60; ++x)
        for (int y = 150; y < 211; ++y)
            s.grey.at<unsigned char>(y, x) = 60;
    add_speckle(s.grey, 10, 3);
    return s;
}

TEST(BoneSurface, FollowsTheCortexAcrossBeams) {
    const LongScene s = long_scene();
    TissueArea tissue;
    tissue.mask = cv::Mat(s.grey.size(), CV_8UC1, cv::Scalar(255));
    const BoneSurface bone = find_bone_surface(s.grey, tissue);
    ASSERT_TRUE(bone.found());
    EXPECT_LE(bone.first_col, 10);
    EXPECT_GE(bone.last_col, 480);
    int far = 0;
    for (int x = bone.first_col; x <= bone.last_col; ++x)
        far += std::abs(bone.row_per_col[static_cast<std::size_t>(x)] - s.bone_row[static_cast<std::size_t>(x)]) > 3;
    EXPECT_LT(far, 10);
}

TEST(TendonSegmentation, LongitudinalBandBordersAndInsertion) {
    const LongScene s = long_scene();
    TissueArea tissue;
    tissue.mask = cv::Mat(s.grey.size(), CV_8UC1, cv::Scalar(255));
    tissue.bounds = cv::Rect(0, 0, s.grey.cols, s.grey.rows);
    const TendonSegmentation seg = segment_tendon(s.grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    std::string features;
    for (const auto& [name, value] : seg.features)
        features += name + "=" + std::to_string(value) + " ";
    ASSERT_EQ(seg.view, View::longitudinal) << features;
    const double overlap = cv::countNonZero(seg.mask & s.truth);
    const double dice = 2.0 * overlap / (cv::countNonZero(seg.mask) + cv::countNonZero(s.truth));
    EXPECT_GT(dice, 0.85);
    // Borders within 2 px of the paratenon lines in the middle of the image.
    for (std::size_t i = 0; i < seg.superficial_border.size(); ++i)
        if (seg.superficial_border[i].x == 300) {
            EXPECT_NEAR(seg.superficial_border[i].y, 150, 2);
            EXPECT_NEAR(seg.deep_border[i].y, 209, 2);
        }
    ASSERT_TRUE(seg.insertion.has_value());
    EXPECT_LT(seg.insertion->x, 130);
    EXPECT_GT(seg.confidence, 0.5);
    // Nothing at or below the bone surface.
    for (int x = 0; x < s.grey.cols; ++x)
        EXPECT_EQ(cv::countNonZero(seg.mask(cv::Rect(x, s.bone_row[static_cast<std::size_t>(x)] + 1, 1,
                                                     s.grey.rows - s.bone_row[static_cast<std::size_t>(x)] - 1))),
                  0);
}

TEST(TendonSegmentation, HypoechoicFocusInTheDeepHalfStaysInside) {
    // A 9 mm focus as dark as the muscle fills the deep 4 mm of the band, paratenon included: the
    // tendon runs on past both its ends, so the focus is tendon and the deep border runs on under
    // it. (Read as muscle, the focus was 81 % inside the mask; read as enclosed, 90 %.)
    LongScene s = long_scene();
    cv::Mat focus_area = cv::Mat::zeros(s.grey.size(), CV_8UC1);
    focus_area(cv::Rect(240, 170, 90, 40)).setTo(255);
    cv::Mat dark(s.grey.size(), CV_8UC1, cv::Scalar(60));
    add_speckle(dark, 10, 5);
    dark.copyTo(s.grey, focus_area);
    TissueArea tissue;
    tissue.mask = cv::Mat(s.grey.size(), CV_8UC1, cv::Scalar(255));
    tissue.bounds = cv::Rect(0, 0, s.grey.cols, s.grey.rows);
    const TendonSegmentation seg = segment_tendon(s.grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    ASSERT_EQ(seg.view, View::longitudinal);
    EXPECT_GT(cv::countNonZero(seg.mask & focus_area), 0.85 * cv::countNonZero(focus_area));
    for (std::size_t i = 0; i < seg.deep_border.size(); ++i) {
        if (seg.deep_border[i].x == 285) {
            EXPECT_NEAR(seg.deep_border[i].y, 209, 3);
        }
    }
}

/// A phantom case segmented as the pipeline does (tissue area, Doppler separation, segmentation of
/// the analysed frame).
TendonSegmentation segmented_as_analysed(const phantom::PhantomCase& c) {
    const cv::Mat& frame = c.frames[static_cast<std::size_t>(c.analysed_frame)];
    const TissueArea tissue = find_tissue_area(frame, c.regions);
    const DopplerSeparation doppler = separate_doppler(frame, tissue, c.regions);
    // A file without a calibration gives the pipeline no spacing.
    const std::optional<Spacing> spacing_mm =
        c.spec.calibration == phantom::CalibrationKind::none ? std::nullopt : std::optional<Spacing>(c.spec.spacing_mm);
    return segment_tendon(to_grey(frame), tissue, doppler.colour_mask, spacing_mm);
}

/// The view read of a phantom case and the Dice of its mask against the true one.
std::pair<View, double> view_and_dice_of(const phantom::PhantomCase& c) {
    const TendonSegmentation seg = segmented_as_analysed(c);
    const double overlap = cv::countNonZero(seg.mask & c.tendon_mask);
    return {seg.view, 2.0 * overlap / (cv::countNonZero(seg.mask) + cv::countNonZero(c.tendon_mask))};
}

/// Case `index` of `tendo evaluate --seed set_seed --n 40`.
phantom::PhantomCase set_case(std::uint64_t set_seed, int index) {
    const phantom::CaseSpec spec = phantom::case_set(set_seed, 40)[static_cast<std::size_t>(index)];
    return phantom::generate_case(spec, phantom::case_seed(set_seed, index));
}

/// `view_and_dice_of` for case `index` of `tendo evaluate --seed set_seed --n 40`.
std::pair<View, double> view_and_dice_of_set_case(std::uint64_t set_seed, int index) {
    return view_and_dice_of(set_case(set_seed, index));
}

/// Each case (set seed, case) of `tendo evaluate --seed S --n 40` reads `view`, with a Dice above
/// `min_dice`.
void expect_set_cases_outlined(View view, double min_dice, const std::vector<std::pair<std::uint64_t, int>>& cases) {
    for (const auto& [set_seed, index] : cases) {
        const auto [found, dice] = view_and_dice_of_set_case(set_seed, index);
        ASSERT_EQ(found, view) << set_seed << " #" << index;
        EXPECT_GT(dice, min_dice) << set_seed << " #" << index;
    }
}

/// Synthetic transverse scan at 0.1 mm/px: muscle over a flat bone surface at row 330 (shadow
/// below) with a brighter oval of the given half-depth resting on it.
cv::Mat cross_section_scene(int half_width_px, int half_depth_px) {
    cv::Mat grey(400, 500, CV_8UC1, cv::Scalar(60));
    grey.rowRange(0, 50).setTo(35); // fat
    cv::ellipse(grey, cv::Point(250, 330 - half_depth_px), cv::Size(half_width_px, half_depth_px), 0, 0, 360,
                cv::Scalar(150), cv::FILLED);
    grey.rowRange(330, 334).setTo(250);
    grey.rowRange(334, 400).setTo(12);
    add_speckle(grey, 10, 6);
    return grey;
}

/// A phantom case generated from `spec` (normalised) and segmented as `tendo analyze` would, at the
/// spec's own pixel spacing.
struct SegmentedPhantom {
    phantom::PhantomCase phantom_case;
    TissueArea tissue;
    TendonSegmentation seg;
};

/// A phantom case of `view` whose tendon is `thickness_mm` thick, at `spacing_mm` per pixel both ways.
phantom::CaseSpec phantom_spec(phantom::CaseView view, double thickness_mm, double spacing_mm = 0.1) {
    phantom::CaseSpec spec;
    spec.view = view;
    spec.thickness_mm = thickness_mm;
    spec.spacing_mm = Spacing{spacing_mm, spacing_mm};
    return spec;
}

SegmentedPhantom segment_phantom(const phantom::CaseSpec& spec, std::uint64_t seed) {
    SegmentedPhantom out;
    out.phantom_case = phantom::generate_case(spec.normalized(), seed);
    out.tissue = find_tissue_area(out.phantom_case.frames[0], out.phantom_case.regions);
    out.seg = segment_tendon(to_grey(out.phantom_case.frames[0]), out.tissue, cv::Mat(), out.phantom_case.spec.spacing_mm);
    return out;
}

/// The first and last row of column `x` of a mask; both -1 when the column is empty.
struct ColumnExtent {
    int first = -1, last = -1;
    bool empty() const { return first < 0; }
};
ColumnExtent column_extent(const cv::Mat& mask, int x) {
    ColumnExtent e;
    for (int y = 0; y < mask.rows; ++y)
        if (mask.at<unsigned char>(y, x)) {
            e.first = e.first < 0 ? y : e.first;
            e.last = y;
        }
    return e;
}

/// Median over the columns both masks cover of (found - true) extent, first to last row, in px.
int median_thickness_error_px(const cv::Mat& found, const cv::Mat& truth) {
    std::vector<int> error_px;
    for (int x = 0; x < truth.cols; ++x) {
        const ColumnExtent t = column_extent(truth, x), f = column_extent(found, x);
        if (!t.empty() && !f.empty())
            error_px.push_back((f.last - f.first) - (t.last - t.first));
    }
    if (error_px.empty())
        return -1000;
    std::nth_element(error_px.begin(), error_px.begin() + static_cast<std::ptrdiff_t>(error_px.size() / 2), error_px.end());
    return error_px[error_px.size() / 2];
}

TEST(TendonSegmentation, BordersAreStepsOfTheEchoAmplitudeNotOfTheGrey) {
    // 5 MHz probes blur the borders over several pixels, and log compression puts the steepest
    // grey step on the dark side of each: outside the tendon. Mean offset over the middle half of
    // the band's columns (pixels of 0.1 mm; positive: outside the true border): on the grey the
    // deep border lay 3.2, 2.0, 2.4 and 2.2 px outside, the top 0, 2.3, 1.0 and 0; on the
    // amplitude 1.2, 0.4, 0.5, 1.0 and -0.5, 0.4, 0.6, 0.
    double deep_sum_px = 0.0;
    for (std::uint64_t seed : {41u, 42u, 43u, 44u}) {
        phantom::CaseSpec spec = phantom_spec(phantom::CaseView::longitudinal, 6.0);
        spec.frequency_mhz = 5.0;
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        ASSERT_EQ(seg.view, View::longitudinal) << "seed " << seed;
        const cv::Rect truth_box = cv::boundingRect(c.tendon_mask);
        double deep_px = 0.0, top_px = 0.0;
        int n = 0;
        for (int x = truth_box.x + truth_box.width / 4; x < truth_box.x + 3 * truth_box.width / 4; ++x) {
            const ColumnExtent t = column_extent(c.tendon_mask, x), f = column_extent(seg.mask, x);
            if (t.empty() || f.empty())
                continue;
            deep_px += f.last - t.last;
            top_px += t.first - f.first;
            ++n;
        }
        ASSERT_GT(n, 50) << "seed " << seed;
        EXPECT_LE(std::abs(deep_px / n), 1.5) << "seed " << seed;
        EXPECT_LE(std::abs(top_px / n), 1.0) << "seed " << seed;
        deep_sum_px += deep_px / n;
    }
    EXPECT_LE(deep_sum_px, 4.0);
}

TEST(TendonSegmentation, InsertionTipRunsOnToTheCortexCrest) {
    // The tip ends where the superficial border meets the bone's interface, the crest of the
    // cortex's line. Meeting the line's rising flank instead, it stopped 10, 6, 16, 12, 9 and 9 px
    // short on these seeds (pixels of 0.1 mm), and 0.96 mm short in the median over the 209
    // longitudinal tuning cases; on the crest within 0.5 mm of the rise 10, 1, 16, 12, 1 and -2 px
    // (on this steep bone a column crosses the line obliquely, its crest lies deeper), within
    // 1 mm 0, 1, 0, 0, 1 and -2 px, and 0.49 mm over the tuning cases.
    int near_truth = 0;
    double short_sum_mm = 0.0;
    for (std::uint64_t seed = 61; seed <= 66; ++seed) {
        const auto [c, tissue, seg] = segment_phantom(phantom_spec(phantom::CaseView::longitudinal, 5.0), seed);
        ASSERT_EQ(seg.view, View::longitudinal) << "seed " << seed;
        const cv::Rect truth_box = cv::boundingRect(c.tendon_mask), found_box = cv::boundingRect(seg.mask);
        const int short_px = c.spec.insertion_on_left ? found_box.x - truth_box.x : truth_box.br().x - found_box.br().x;
        near_truth += std::abs(short_px) <= 3 ? 1 : 0;
        short_sum_mm += short_px * 0.1;
    }
    EXPECT_GE(near_truth, 5);
    EXPECT_LE(short_sum_mm / 6, 0.3);
}

TEST(TendonSegmentation, ThickTendonWithHypoechoicDeepPartIsMeasuredWhole) {
    // 11 mm tendons, 40 % of them hypoechoic: the bar detector locks on the bright upper part and
    // the deep border lies up to 11 mm below the bar's centre. Searched only 9 mm deep, these
    // three read 65, 8 and 69 px too thin (median over the columns); now 1 px too thick.
    for (std::uint64_t seed : {31u, 32u, 33u}) {
        phantom::CaseSpec spec = phantom_spec(phantom::CaseView::longitudinal, 11.0);
        spec.hypoechoic_fraction = 0.4;
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        ASSERT_EQ(seg.view, View::longitudinal) << "seed " << seed;
        EXPECT_LE(std::abs(median_thickness_error_px(seg.mask, c.tendon_mask)), 5) << "seed " << seed;
    }
}

TEST(TendonSegmentation, CrossSectionOnTheBoneIsTransverse) {
    const cv::Mat grey = cross_section_scene(70, 40); // 14 x 8 mm
    TissueArea tissue;
    tissue.mask = cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255));
    tissue.bounds = cv::Rect(0, 0, grey.cols, grey.rows);
    const TendonSegmentation seg = segment_tendon(grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    ASSERT_EQ(seg.view, View::transverse);
    cv::Mat truth = cv::Mat::zeros(grey.size(), CV_8UC1);
    cv::ellipse(truth, cv::Point(250, 290), cv::Size(70, 40), 0, 0, 360, cv::Scalar(255), cv::FILLED);
    const double overlap = cv::countNonZero(seg.mask & truth);
    EXPECT_GT(2.0 * overlap / (cv::countNonZero(seg.mask) + cv::countNonZero(truth)), 0.85);
}

TEST(TendonSegmentation, ThinCrossSectionOnTheBoneAboveABlackShadowIsInView) {
    // Cases (set seed, case) of cross-sections 4-8 mm deep on a flat cortex with a black shadow
    // under it: the imaged area, shrunk from the black as from the view's edge, ended above the
    // cortex, the outline's floor read as cut by the view and the view as none. The shadow is the
    // bone's (Dice 0.91 and 0.94 once the floor counts as in view).
    expect_set_cases_outlined(View::transverse, 0.85, {{1016, 13}, {914, 25}});
}

TEST(TendonSegmentation, FasciaOverTheTendonIsNotItsBorder) {
    // Three tuning cases (tendo evaluate --seed 13 / 16, cases 6, 6 and 16) where the superficial
    // border climbed from the tendon to a fascia over a darker gap of muscle near the insertion.
    // The 90th percentile over the columns of (true top - found top) was 62, 34 and 94 px; with a
    // bright line counted only over tendon-bright tissue it is 42, 1 and 49 px (the first and
    // last still climb over the insertion's last millimetres, less far).
    const std::pair<std::uint64_t, int> cases[] = {{13, 6}, {16, 6}, {16, 16}};
    int climb_sum_px = 0;
    for (const auto& [set_seed, index] : cases) {
        const phantom::CaseSpec spec = phantom::case_set(set_seed, 40)[static_cast<std::size_t>(index)]; // as evaluate --n 40
        const auto [c, tissue, seg] = segment_phantom(spec, phantom::case_seed(set_seed, index));
        ASSERT_EQ(seg.view, View::longitudinal) << set_seed << " #" << index;
        std::vector<int> climb_px;
        for (int x = 0; x < seg.mask.cols; ++x) {
            int truth_top = -1, top = -1;
            for (int y = 0; y < seg.mask.rows && (truth_top < 0 || top < 0); ++y) {
                if (truth_top < 0 && c.tendon_mask.at<unsigned char>(y, x))
                    truth_top = y;
                if (top < 0 && seg.mask.at<unsigned char>(y, x))
                    top = y;
            }
            if (truth_top >= 0 && top >= 0)
                climb_px.push_back(truth_top - top);
        }
        ASSERT_GT(climb_px.size(), 100u);
        const auto p90 = climb_px.begin() + static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(climb_px.size() - 1));
        std::nth_element(climb_px.begin(), p90, climb_px.end());
        climb_sum_px += *p90;
        if (set_seed == 16 && index == 6) {
            EXPECT_LE(*p90, 3) << "16 #6";
        }
    }
    EXPECT_LE(climb_sum_px, 120);
}

TEST(TendonSegmentation, WideFlatCrossSectionIsNotABand) {
    // Thick cross-sections under a 7 MHz curved probe are wide flat ovals (about 30 x 10 mm): as
    // long as a band, with a band's contrast. Their fibrils are cut across (dots, not lines):
    // these three read longitudinal before the band's score asked for coherent texture.
    for (std::uint64_t seed : {2u, 12u, 15u}) {
        phantom::CaseSpec spec = phantom_spec(phantom::CaseView::transverse, 10.0, 0.12);
        spec.geometry = phantom::ProbeGeometry::curvilinear;
        spec.frequency_mhz = 7.0;
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        EXPECT_EQ(seg.view, View::transverse) << "seed " << seed;
    }
}

TEST(BoneSurface, FoundUnderAFanCutByItsShadow) {
    // Curved-probe scans without ultrasound regions: the tissue area is found in the image, and
    // a full-width shadow under the tuberosity cuts the lit fan at the cortex. Read only down to
    // the lit area's bottom, these three showed no shadow and no bone; read down to the image's
    // bottom, the cortex spans most of the fan.
    for (std::uint64_t seed : {1u, 6u, 8u}) {
        phantom::CaseSpec spec = phantom_spec(phantom::CaseView::transverse, 8.0, 0.12);
        spec.geometry = phantom::ProbeGeometry::curvilinear;
        spec.calibration = phantom::CalibrationKind::pixel_spacing;
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        ASSERT_FALSE(tissue.from_regions);
        ASSERT_FALSE(seg.bone_surface.empty()) << "seed " << seed;
        const auto [left, right] = std::minmax_element(seg.bone_surface.begin(), seg.bone_surface.end(),
                                                       [](const cv::Point& a, const cv::Point& b) { return a.x < b.x; });
        EXPECT_GT(right->x - left->x, tissue.bounds.width / 2) << "seed " << seed;
    }
}

TEST(TendonSegmentation, CrossSectionCutByTheViewIsNotClaimed) {
    // Curved-probe negatives (no tendon; a fascia instead) without ultrasound regions: once the
    // bone under a fan cut by its shadow is found, the best cross-section on it lies against the
    // fan's side and runs out of the view. These six read transverse without the rule that an
    // outline must lie in the imaged area (18 of 120 such negatives did; none do now).
    const std::pair<phantom::CaseView, std::uint64_t> cases[] = {
        {phantom::CaseView::negative_no_tendon, 2}, {phantom::CaseView::negative_no_tendon, 16},
        {phantom::CaseView::negative_no_tendon, 17}, {phantom::CaseView::negative_fascia, 2},
        {phantom::CaseView::negative_fascia, 7}, {phantom::CaseView::negative_fascia, 9}};
    for (const auto& [kind, seed] : cases) {
        phantom::CaseSpec spec;
        spec.view = kind;
        spec.geometry = phantom::ProbeGeometry::curvilinear;
        spec.calibration = phantom::CalibrationKind::pixel_spacing;
        spec.spacing_mm = Spacing{0.1, 0.1};
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        EXPECT_EQ(seg.view, View::none) << phantom::to_string(kind) << " seed " << seed;
    }
}

TEST(TendonSegmentation, CrossSectionLiesBetweenTheCrestsOfItsRimAndTheCortex) {
    // Phantom cross-sections lie on the tuberosity across their width, under a bright rim. Each
    // interface is the crest of its bright line; the outline is found on the lines' outer flanks.
    // Medians over the middle half of the columns (pixels of 0.1 mm): on the lines' flanks the
    // bottom stopped 1, 2 and 3 pixels above the true one on these three cases and the top lay 2
    // above it on each; on the crests both are within a pixel (bottom 0, 0, 0; top -1, -1, 0).
    int bottom_sum_px = 0, top_sum_px = 0;
    for (std::uint64_t seed : {21u, 22u, 23u}) {
        const phantom::CaseSpec spec = phantom_spec(phantom::CaseView::transverse, 6.0);
        const auto [c, tissue, seg] = segment_phantom(spec, seed);
        ASSERT_EQ(seg.view, View::transverse) << "seed " << seed;
        const cv::Rect truth_box = cv::boundingRect(c.tendon_mask);
        std::vector<int> bottom_short_px, top_high_px;
        // The middle half of the width, where the borders run level.
        for (int x = truth_box.x + truth_box.width / 4; x < truth_box.x + 3 * truth_box.width / 4; ++x) {
            const ColumnExtent t = column_extent(c.tendon_mask, x), f = column_extent(seg.mask, x);
            if (!t.empty() && !f.empty()) {
                bottom_short_px.push_back(t.last - f.last);
                top_high_px.push_back(t.first - f.first);
            }
        }
        ASSERT_GT(bottom_short_px.size(), 25u);
        auto median = [](std::vector<int> v) {
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
            return v[v.size() / 2];
        };
        const int bottom_px = median(bottom_short_px), top_px = median(top_high_px);
        EXPECT_LE(std::abs(bottom_px), 1) << "seed " << seed;
        EXPECT_LE(std::abs(top_px), 1) << "seed " << seed;
        bottom_sum_px += std::abs(bottom_px);
        top_sum_px += std::abs(top_px);
        ASSERT_FALSE(seg.contour.empty());
        EXPECT_EQ(cv::boundingRect(seg.contour), cv::boundingRect(seg.mask)) << "the outline is the mask's";
    }
    EXPECT_LE(bottom_sum_px, 2);
    EXPECT_LE(top_sum_px, 2);
}

TEST(TendonSegmentation, HypoechoicCrossSectionGrowsFromItsBrightDeepRim) {
    // A hypoechoic 14 x 8 mm cross-section: grey hardly above the muscle inside, a bright rim
    // along its deep 1.5 mm on the bone. The brightest box is that strip; the outline must still
    // reach the top of the oval.
    cv::Mat grey(400, 500, CV_8UC1, cv::Scalar(60));
    grey.rowRange(0, 50).setTo(35);
    cv::Mat oval = cv::Mat::zeros(grey.size(), CV_8UC1);
    cv::ellipse(oval, cv::Point(250, 290), cv::Size(70, 40), 0, 0, 360, cv::Scalar(255), cv::FILLED);
    grey.setTo(70, oval);
    cv::ellipse(grey, cv::Point(250, 290), cv::Size(70, 40), 0, 0, 360, cv::Scalar(170), 3); // paratenon
    cv::Mat rim = oval.clone();
    rim.rowRange(0, 315).setTo(0);
    grey.setTo(170, rim);
    grey.rowRange(330, 334).setTo(250);
    grey.rowRange(334, 400).setTo(12);
    add_speckle(grey, 10, 7);
    TissueArea tissue;
    tissue.mask = cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255));
    tissue.bounds = cv::Rect(0, 0, grey.cols, grey.rows);
    const TendonSegmentation seg = segment_tendon(grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    ASSERT_EQ(seg.view, View::transverse);
    const double overlap = cv::countNonZero(seg.mask & oval);
    EXPECT_GT(2.0 * overlap / (cv::countNonZero(seg.mask) + cv::countNonZero(oval)), 0.8);
    EXPECT_GT(cv::boundingRect(seg.mask).height, 60); // of 80 rows
}

TEST(TendonSegmentation, CrossSectionIsOutlinedWholeWhenItsBrightestPartIsSmall) {
    // Tuning cases (set seed, case) whose best box was a bright part of a wide or patchy
    // cross-section: fitted from that box alone the outline had Dice 0.60, 0.56, 0.67, 0.79 and
    // 0.77; fitted from the best three distinct boxes 0.93, 0.97, 0.95, 0.94 and 0.96.
    expect_set_cases_outlined(View::transverse, 0.85, {{16, 17}, {18, 29}, {202, 21}, {14, 25}, {15, 33}});
}

TEST(TendonSegmentation, WideFaintCrossSectionIsFound) {
    // Cases (set seed, case) of wide or hypoechoic cross-sections whose best box is only a little
    // brighter than the tissue at its sides (lateral contrast 0.079 and 0.091): with a floor of
    // 0.1 they read as no tendon or as a band; Dice 0.85 and 0.96 now.
    expect_set_cases_outlined(View::transverse, 0.8, {{905, 1}, {902, 25}});
}

TEST(TendonSegmentation, HypoechoicTendonRestingOnTheBoneWinsOverTheNerveBesideIt) {
    // Cases (set seed, case) of a hypoechoic cross-section (37-40 % hypoechoic, or 19 %) beside
    // the round, brighter sciatic nerve, which won on box and rim contrast (Dice 0); the tendon
    // rests on the bone across its width, the nerve touches it at one point if at all.
    expect_set_cases_outlined(View::transverse, 0.85, {{101, 37}, {903, 25}, {903, 29}});
}

TEST(TendonSegmentation, TendonOnTheTuberositysCrestWinsOverTheNerveOnItsFlank) {
    // Cases (set seed, case) of thin hypoechoic cross-sections (3.0-3.6 mm, 23-39 % hypoechoic)
    // on the crest of the tuberosity, beside the brighter nerve lying on its flank, where the bone
    // slopes 0.25-0.43: the nerve's contact with the bone made it win (Dice 0). Contact counted
    // only where the bone faces the probe: 0.92, 0.91, 0.83.
    expect_set_cases_outlined(View::transverse, 0.8, {{707, 1}, {920, 1}, {1019, 5}});
}

TEST(TendonSegmentation, ThickTendonWithHypoechoicTopIsOutlinedWhole) {
    // Cases (set seed, case) of thick tendons (11.9, 11.5 and 11.3 mm; 30-40 % hypoechoic) whose
    // bright part lies deep under dark foci: the band detector's bar sits on that part, and a
    // superficial border searched only within the bar's reach cut the tendon in two (Dice 0.58,
    // 0.69, 0.77). Searched as far as the thickest tendon's depth: 0.96, 0.99, 0.99.
    expect_set_cases_outlined(View::longitudinal, 0.9, {{18, 18}, {17, 0}, {202, 14}});
}

TEST(TendonSegmentation, ThickTendonWithALongFocusIsOutlinedWhole) {
    // Cases (set seed, case) of thick tendons (10.2-11.7 mm) with a hypoechoic focus 20-40 mm long
    // through their middle: the focus is dark along every row of the band, so it is not enclosed
    // within the 10 mm row span and the deep border followed its top (Dice 0.49, 0.43, 0.66;
    // thickness max 6.2 mm against 12.2). Read along the band, with tendon on both sides and under
    // it: 0.99, 0.97, 0.99.
    expect_set_cases_outlined(View::longitudinal, 0.9, {{915, 18}, {1017, 22}, {912, 36}});
}

TEST(TendonSegmentation, SuperficialBorderMayLieBelowTheBarCentre) {
    // Cases (set seed, case) where the band detector's thickest bar took the muscle over a thinner
    // tendon in with it, its centre above the tendon: a superficial border kept above the centre
    // ran through the muscle (Dice 0.49, 0.88, 0.79). Searched down to the deep border's range:
    // 0.96, 0.97, 0.97.
    expect_set_cases_outlined(View::longitudinal, 0.93, {{11, 8}, {16, 16}, {1002, 8}});
}

TEST(TendonSegmentation, ThickTendonWithAShortStretchInViewIsABand) {
    // Cases (set seed, case) of tendons 10.4-11.4 mm thick whose band shows 25 mm of its length:
    // shorter than 2.5 thicknesses, they read `none`. A band must be twice as long as it is thick:
    // Dice 0.95, 0.93, 0.93.
    expect_set_cases_outlined(View::longitudinal, 0.9, {{1005, 6}, {808, 6}, {904, 6}});
}

TEST(TendonSegmentation, ThickBrightTendonDoesNotHideTheBone) {
    // Cases (set seed, case) of tendons 11.6-11.7 mm thick, bright and filling a third of the
    // tissue: the median tissue grey rose to more than half the cortex's, and the bone was refused
    // ("no bone surface found", `none`). Its shadow is black: bands with Dice 0.98, 0.99.
    expect_set_cases_outlined(View::longitudinal, 0.95, {{1007, 30}, {913, 14}});
}

TEST(TendonSegmentation, MaskStaysInTheImagedArea) {
    // Cases (set seed, case) of bands that run to a fan's slanted edge: the mask reached 6-7
    // pixels into the black beside it (2.1 % and 1.4 % of the mask, grey 0, read as hypoechoic).
    for (const auto& [set_seed, index] : std::vector<std::pair<std::uint64_t, int>>{{11, 26}, {11, 22}}) {
        const phantom::PhantomCase c = set_case(set_seed, index);
        const TendonSegmentation seg = segmented_as_analysed(c);
        ASSERT_EQ(seg.view, View::longitudinal) << set_seed << " #" << index;
        cv::Mat outside;
        cv::bitwise_and(seg.mask, ~c.tissue_mask, outside);
        EXPECT_LE(cv::countNonZero(outside), cv::countNonZero(seg.mask) / 200) << set_seed << " #" << index;
    }
}

TEST(TendonSegmentation, CortexBesideTheInsertionDoesNotEncloseTheTissueUnderTheBand) {
    // Set 13, case 0: where the band meets the bone's rise, the dark tissue between the band's deep
    // border and the bone read as a focus enclosed by the cortex's brightness, which the rows'
    // smoothing spread a millimetre into it (Dice 0.93, thickness max 6.7 mm against 4.7). With
    // only tissue a millimetre clear of the bone enclosing foci: 0.97 (5.0 mm).
    expect_set_cases_outlined(View::longitudinal, 0.95, {{13, 0}});
}

TEST(TendonSegmentation, DeepBorderLeavesTheBoneBeyondTheInsertion) {
    // Cases (set seed, case) where the bone curves away under the tendon 5-15 mm from the
    // insertion: the deep border followed the bone down through the muscle between them (95th
    // percentile of the mask's depth below the true deep border 1.24, 1.73, 1.20 mm; thickness max
    // 8.43 mm against 7.27, 7.57 against 6.06, 4.77 against 3.63). Resting on the bone counts only
    // at the insertion now: 0.15, 0.74, 0.40 mm.
    for (const auto& [set_seed, index] : std::vector<std::pair<std::uint64_t, int>>{{808, 14}, {901, 34}, {202, 12}}) {
        const phantom::PhantomCase c = set_case(set_seed, index);
        const TendonSegmentation seg = segmented_as_analysed(c);
        ASSERT_EQ(seg.view, View::longitudinal) << set_seed << " #" << index;
        std::vector<double> below_mm;
        for (int x = 0; x < seg.mask.cols; ++x) {
            const ColumnExtent found = column_extent(seg.mask, x);
            const ColumnExtent truth = column_extent(c.tendon_mask, x);
            if (!found.empty() && !truth.empty())
                below_mm.push_back((found.last - truth.last) * c.spec.spacing_mm.dy_mm);
        }
        ASSERT_FALSE(below_mm.empty()) << set_seed << " #" << index;
        std::sort(below_mm.begin(), below_mm.end());
        EXPECT_LT(below_mm[below_mm.size() * 95 / 100], 1.0) << set_seed << " #" << index;
    }
}

TEST(TendonSegmentation, CalcificShadowsDoNotCutTheCrossSection) {
    // Cross-sections with three calcific foci each (`tendo phantom --seed S --view transverse
    // --calcific-foci 3`): their shadows split the tendon into dark and bright columns, and the
    // outline fell between two of them or nowhere (Dice 0.00, 0.22, 0.14). With the hidden tissue
    // read from beside the shadows: 0.97, 0.83, 0.98.
    for (const std::uint64_t seed : {9002, 9014, 9022}) {
        phantom::CaseSpec spec = phantom::random_case_spec(seed);
        spec.view = phantom::CaseView::transverse;
        spec.calcific_foci = 3;
        const auto [view, dice] = view_and_dice_of(phantom::generate_case(spec, seed));
        ASSERT_EQ(view, View::transverse) << seed;
        EXPECT_GT(dice, 0.8) << seed;
    }
}

TEST(TendonSegmentation, CalcificShadowOverTheTendonIsWarnedOf) {
    // The same cross-section with and without its three calcific foci: only the first warns.
    for (const int foci : {3, 0}) {
        phantom::CaseSpec spec = phantom::random_case_spec(9022);
        spec.view = phantom::CaseView::transverse;
        spec.calcific_foci = foci;
        const phantom::PhantomCase c = phantom::generate_case(spec, 9022);
        const TissueArea tissue = find_tissue_area(c.frames[0], c.regions);
        const DopplerSeparation doppler = separate_doppler(c.frames[0], tissue, c.regions);
        const TendonSegmentation seg = segment_tendon(to_grey(c.frames[0]), tissue, doppler.colour_mask, c.spec.spacing_mm);
        ASSERT_EQ(seg.view, View::transverse) << foci;
        const bool warned = std::find(seg.warnings.begin(), seg.warnings.end(),
                                      "calcification shadows part of the tendon") != seg.warnings.end();
        EXPECT_EQ(warned, foci > 0) << foci;
        // The shadow is handed on (the texture measurements leave it out).
        const bool shadowed = !seg.calcific_shadow.empty() && cv::countNonZero(seg.calcific_shadow & seg.mask) > 0;
        EXPECT_EQ(shadowed, foci > 0) << foci;
    }
}

TEST(TendonSegmentation, BandCutByTheFansSideKeepsItsDeepBorder) {
    // Cases (set seed, case) of longitudinal tendons whose far end the fan's slanting side cuts:
    // the black beyond the fan, read as dark tissue, pushed the superficial border down across the
    // tendon and the deep border with it into the muscle (Dice 0.86, 0.89, 0.90; now 0.94-0.95).
    expect_set_cases_outlined(View::longitudinal, 0.93, {{7, 2}, {903, 2}, {906, 2}});
}

TEST(TendonSegmentation, DeepBorderKeepsToTheTendonAtTheViewsEdge) {
    // Cases (set seed, case) of longitudinal tendons running out of the view's side, where the deep
    // border, held to a slowly changing thickness below the superficial one, could neither leave a
    // superficial border cut by the view nor meet the searched area's edge that cut the tendon
    // (Dice 0.91, 0.95, 0.94; now 0.97-0.99).
    expect_set_cases_outlined(View::longitudinal, 0.96, {{904, 8}, {911, 4}, {101, 26}});
}

TEST(TendonSegmentation, DegeneratedBandWithClearFibresIsATendon) {
    // Cases (set seed, case) of longitudinal tendons with hypoechoic fractions 0.32-0.41, whose
    // foci darken the band to a contrast of 0.24-0.25 (under the 0.25 that holds off muscle between
    // fasciae) while their fibres stay lines (coherence 0.74-0.77): read `none`, now outlined.
    expect_set_cases_outlined(View::longitudinal, 0.95, {{902, 4}, {912, 4}});
}

TEST(TendonSegmentation, ThinTendonWithoutACalibrationIsABand) {
    // Cases (set seed, case) of uncalibrated curvilinear scans of tendons 3.0-3.2 mm thick, which
    // read 2.0-2.25 assumed millimetres (their pixels are coarser than the assumed 0.08 mm), under
    // the 2.5 mm a calibrated band must reach: read `none`, now outlined.
    expect_set_cases_outlined(View::longitudinal, 0.85, {{13, 26}, {16, 2}});
}

TEST(TendonSegmentation, BandThatRanOnOverTheCrestEndsAtTheCrestsEdge) {
    // Cases (set seed, case) whose band ran on past the insertion over the tuberosity's crest as a
    // thin strip to the view's edge (`crest_strip_end`): with the strip in the outline Dice 0.895,
    // 0.902, 0.898, 0.871, 0.896; cut at the crest's edge 0.96, 0.96, 0.96, 0.94, 0.96.
    expect_set_cases_outlined(View::longitudinal, 0.925, {{1008, 4}, {1016, 36}, {12, 34}, {606, 12}, {917, 8}});
}

TEST(TendonSegmentation, WideCrossSectionIsNotReadAsAFaintBand) {
    // Cases (set seed, case) of cross-sections 25-40 mm wide that the band detector also read as a
    // band, faint (contrast 0.26-0.29) but scoring within the margin of the cross-section: read
    // longitudinal with Dice 0.16, 0.73, 0.82; the cross-section's outlines reach 0.93-0.96.
    expect_set_cases_outlined(View::transverse, 0.9, {{1008, 13}, {901, 21}, {904, 21}});
}

TEST(TendonSegmentation, WideCrossSectionRunningOutOfTheViewIsNotReadAsAFaintBand) {
    // Cases (set seed, case) of calibrated cross-sections wider than the view leaves them: their
    // outline, cut by the view's edge, was not claimed and the faint band the bar detector also
    // found was (Dice 0.80, 0.50; the cross-section's outline in the view 0.95).
    expect_set_cases_outlined(View::transverse, 0.9, {{1007, 37}, {1012, 21}});
}

TEST(TendonSegmentation, HypoechoicCrossSectionIsOutlinedWithItsFoci) {
    // Cases (set seed, case) of diseased cross-sections (true hypoechoic fraction 0.27-0.44) whose
    // outline kept to a bright part, leaving foci at its side out (Dice 0.69, 0.78, 0.75; refitted
    // with the foci read as tendon, 0.92-0.97).
    expect_set_cases_outlined(View::transverse, 0.9, {{7, 37}, {919, 25}, {1011, 13}});
}

TEST(TendonSegmentation, LargeCrossSectionSplitByAWideFocusIsOutlinedWhole) {
    // Cases (set seed, case) of diseased cross-sections 7-12 mm thick and 20-40 mm wide whose
    // outline kept to the brighter side of a focus wider than the refit's fill reaches (Dice 0.75,
    // 0.71, 0.63); refitted from an ellipse allowed to double and move by 0.6 of its half-width,
    // 0.95, 0.88, 0.94.
    expect_set_cases_outlined(View::transverse, 0.85, {{7, 25}, {1009, 29}, {707, 9}});
}

TEST(TendonSegmentation, RefitThatMovesOffTheCrossSectionIsNotTaken) {
    // An uncalibrated cross-section (set seed 1019, case 5) whose refit, free to move by 0.6 of its
    // half-width, moved onto another structure along the bone (Dice 0.83 -> 0.46): a refit must
    // hold 80 % of the first outline.
    expect_set_cases_outlined(View::transverse, 0.75, {{1019, 5}});
}

TEST(TendonSegmentation, HypoechoicCrossSectionRankedBelowThreeBrighterBoxesIsFound) {
    // Cases (set seed, case) where the three best boxes lay on a brighter nerve, muscle or a bright
    // part of a large tendon and the tendon's own box ranked fourth or fifth (Dice 0.07, 0.18,
    // none; 0.88, 0.97, 0.93 with up to two further boxes that are clearly cross-sections).
    expect_set_cases_outlined(View::transverse, 0.85, {{1014, 5}, {914, 37}, {12, 29}});
    // A hypoechoic tendon beside a nerve on the bone (Dice 0, the nerve; 0.79).
    expect_set_cases_outlined(View::transverse, 0.75, {{17, 13}});
}

TEST(TendonSegmentation, SecondChoiceInsideTheFirstIsNotAnotherStructure) {
    // Wide cross-sections running out of the view (set seed, case): the first choice is cut by the
    // view's edge, and a further box on a small bright part of the same tendon lies in view. Taken
    // as the structure beside one at the edge, it read 0.36 and 0.68 (0.955 and 0.95 whole).
    expect_set_cases_outlined(View::transverse, 0.9, {{1007, 37}, {1012, 21}});
}

TEST(TendonSegmentation, CrossSectionBesideAStructureCutByTheViewIsOutlined) {
    // Cases (set seed, case) where the best-scoring ellipse ran past the view's edge, so its
    // outline was not claimed and the view read none; the next choice, in view, is the tendon
    // (Dice 0.97, 0.96, 0.95).
    expect_set_cases_outlined(View::transverse, 0.85, {{14, 9}, {911, 33}, {1016, 33}});
}

TEST(TendonSegmentation, UncalibratedFasciaNegativeIsNoTendonEvenBesideTheViewsEdge) {
    // Negatives (a fascia across the view, no calibration) whose best ellipse ran past the view's
    // edge; the next choice in view, under the fascia, read as a cross-section when a second
    // choice was allowed without a calibration.
    for (const auto& [set_seed, index] : std::vector<std::pair<std::uint64_t, int>>{{17, 31}, {1016, 15}}) {
        const auto [view, dice] = view_and_dice_of_set_case(set_seed, index);
        EXPECT_EQ(view, View::none) << set_seed << " #" << index;
    }
}

TEST(TendonSegmentation, OvalDeeperThanAnyTendonIsNotOne) {
    // 15 mm deep: muscle between two bright lines, not a tendon (at most about 12 mm).
    const cv::Mat grey = cross_section_scene(70, 75);
    TissueArea tissue;
    tissue.mask = cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255));
    tissue.bounds = cv::Rect(0, 0, grey.cols, grey.rows);
    const TendonSegmentation seg = segment_tendon(grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    EXPECT_NE(seg.view, View::transverse);
}

TEST(TendonSegmentation, FlatNoiseIsNoTendon) {
    cv::Mat grey(300, 400, CV_8UC1, cv::Scalar(80));
    add_speckle(grey, 20, 4);
    TissueArea tissue;
    tissue.mask = cv::Mat(grey.size(), CV_8UC1, cv::Scalar(255));
    const TendonSegmentation seg = segment_tendon(grey, tissue, cv::Mat(), Spacing{0.1, 0.1});
    EXPECT_EQ(seg.view, View::none);
    EXPECT_EQ(cv::countNonZero(seg.mask), 0);
    EXPECT_EQ(seg.confidence, 0.0);
}

TEST(Components, LabelledInTheirBoundingBoxWithFrameCoordinates) {
    cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
    mask(cv::Rect(40, 50, 10, 5)).setTo(255);  // 50 pixels
    mask(cv::Rect(200, 150, 3, 4)).setTo(255); // 12 pixels
    const Components parts = connected_components(mask);
    ASSERT_EQ(parts.count, 3);
    EXPECT_EQ(parts.box, cv::Rect(40, 50, 163, 104));
    std::vector<int> areas;
    for (int label = 1; label < parts.count; ++label) {
        areas.push_back(parts.area(label));
        const cv::Rect at(parts.stats.at<int>(label, cv::CC_STAT_LEFT), parts.stats.at<int>(label, cv::CC_STAT_TOP),
                          parts.stats.at<int>(label, cv::CC_STAT_WIDTH), parts.stats.at<int>(label, cv::CC_STAT_HEIGHT));
        const cv::Mat alone = parts.mask_of(label, mask.size());
        EXPECT_EQ(cv::countNonZero(alone), parts.area(label));
        EXPECT_EQ(cv::boundingRect(alone), at); // stats are in frame coordinates
    }
    std::sort(areas.begin(), areas.end());
    EXPECT_EQ(areas, (std::vector<int>{12, 50}));

    // A mask that fills its bounding box: the box holds no background pixel at all.
    cv::Mat block = cv::Mat::zeros(100, 100, CV_8UC1);
    block(cv::Rect(30, 20, 10, 8)).setTo(255);
    const Components whole = connected_components(block);
    ASSERT_EQ(whole.count, 2);
    EXPECT_EQ(whole.area(1), 80);
    EXPECT_EQ(whole.stats.at<int>(1, cv::CC_STAT_LEFT), 30);
    EXPECT_EQ(whole.stats.at<int>(1, cv::CC_STAT_TOP), 20);

    const Components none = connected_components(cv::Mat::zeros(20, 20, CV_8UC1));
    EXPECT_EQ(none.count, 1);
    EXPECT_TRUE(none.box.empty());
}

TEST(Texture, FibresAreCoherentSpeckleIsNot) {
    cv::Mat fibres(100, 100, CV_8UC1);
    for (int y = 0; y < 100; ++y)
        fibres.row(y).setTo(y % 4 < 2 ? 200 : 60);
    cv::Mat speckle(100, 100, CV_8UC1);
    cv::randu(speckle, 0, 255);
    const double c_fibres = cv::mean(fibre_coherence(fibres, 3.0)(cv::Rect(20, 20, 60, 60)))[0];
    const double c_speckle = cv::mean(fibre_coherence(speckle, 3.0)(cv::Rect(20, 20, 60, 60)))[0];
    EXPECT_GT(c_fibres, 0.9);
    EXPECT_LT(c_speckle, 0.5);
}

} // namespace
} // namespace tendo
