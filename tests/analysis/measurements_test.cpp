// The measurement maths of measurements.md against hand calculations, with dx != dy.
#include "tendo/imaging/components.hpp"
#include "tendo/scoring/analysis.hpp"
#include "tendo/scoring/measurements.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace tendo::scoring {
namespace {

TEST(MaskRows, FirstAndLastRowOfEachColumnGapsIncluded) {
    cv::Mat mask = cv::Mat::zeros(10, 5, CV_8UC1);
    mask.at<unsigned char>(2, 1) = 255;
    mask.at<unsigned char>(7, 1) = 255; // a gap between rows 2 and 7 still spans them
    mask.col(3).rowRange(4, 6).setTo(255);
    const MaskRowsPerColumn rows = mask_rows_per_column(mask);
    EXPECT_EQ(rows.first, (std::vector<int>{-1, 2, -1, 4, -1}));
    EXPECT_EQ(rows.last, (std::vector<int>{-1, 7, -1, 5, -1}));
}

ThicknessProfile flat_profile(std::size_t samples, double thickness_mm) {
    ThicknessProfile p;
    for (std::size_t i = 0; i < samples; ++i) {
        p.arc_mm.push_back(0.2 * static_cast<double>(i));
        p.thickness_mm.push_back(thickness_mm);
        p.complete.push_back(true);
    }
    return p;
}

TEST(ProfileMax, OneJitteringSampleDoesNotSetTheMaximum) {
    ThicknessProfile p = flat_profile(100, 5.0);
    p.thickness_mm[40] = 6.0;
    const auto best = profile_max(p);
    ASSERT_TRUE(best);
    // ±2 mm at 0.2 mm steps: 21 samples, one of them 1 mm thicker.
    EXPECT_NEAR(best->thickness_mm, 5.0 + 1.0 / 21.0, 1e-9);
    EXPECT_GE(best->sample, 30u);
    EXPECT_LE(best->sample, 50u);
}

TEST(ProfileMax, SwellingLongerThanTheWindowReadsItsFullHeight) {
    ThicknessProfile p = flat_profile(100, 5.0);
    for (std::size_t i = 40; i < 70; ++i) // 6 mm long
        p.thickness_mm[i] = 7.0;
    const auto best = profile_max(p);
    ASSERT_TRUE(best);
    EXPECT_DOUBLE_EQ(best->thickness_mm, 7.0);
    EXPECT_EQ(best->sample, 50u); // the first sample whose whole window lies on the swelling
}

TEST(ProfileMax, IncompleteSamplesAreLeftOut) {
    ThicknessProfile p = flat_profile(30, 4.0);
    for (std::size_t i = 0; i < 5; ++i) {
        p.thickness_mm[i] = 9.0;
        p.complete[i] = false;
    }
    const auto best = profile_max(p);
    ASSERT_TRUE(best);
    EXPECT_DOUBLE_EQ(best->thickness_mm, 4.0);
    std::fill(p.complete.begin(), p.complete.end(), false);
    EXPECT_FALSE(profile_max(p));
}

TEST(Thickness, HorizontalBandUsesDy) {
    // 50 rows x 300 columns; dx = 0.1 mm, dy = 0.05 mm: thickness 50 * 0.05 = 2.5 mm.
    cv::Mat mask = cv::Mat::zeros(300, 500, CV_8UC1);
    mask(cv::Rect(100, 100, 300, 50)).setTo(255);
    const cv::Mat tissue(mask.size(), CV_8UC1, cv::Scalar(255));
    const Spacing s{0.1, 0.05};
    const ThicknessProfile p = longitudinal_thickness(mask, tissue, s);
    ASSERT_GT(p.arc_mm.size(), 100u);
    EXPECT_NEAR(p.arc_mm[1] - p.arc_mm[0], 0.2, 1e-9);
    // Arc length: 299 column steps of 0.1 mm.
    EXPECT_NEAR(p.arc_mm.back(), 29.8, 0.2);
    for (std::size_t i = 5; i + 5 < p.thickness_mm.size(); ++i)
        EXPECT_NEAR(p.thickness_mm[i], 2.5, 0.02) << "at arc " << p.arc_mm[i];
}

TEST(Thickness, SlopedBandIsMeasuredAlongTheNormalInMm) {
    // Rows [120 + 0.2 x, 160 + 0.2 x): vertical extent 40 px * 0.05 mm = 2 mm. The slope in mm is
    // 0.2 * dy / dx = 0.1, so the thickness across the band is 2 mm * cos(atan(0.1)) = 1.990 mm.
    cv::Mat mask = cv::Mat::zeros(400, 500, CV_8UC1);
    for (int x = 50; x < 450; ++x)
        for (int y = 0; y < 400; ++y) {
            const double top = 120 + 0.2 * x;
            if (y >= top && y < top + 40)
                mask.at<unsigned char>(y, x) = 255;
        }
    const cv::Mat tissue(mask.size(), CV_8UC1, cv::Scalar(255));
    const Spacing s{0.1, 0.05};
    const ThicknessProfile p = longitudinal_thickness(mask, tissue, s);
    const double expected = 2.0 * std::cos(std::atan(0.1));
    int checked = 0;
    for (std::size_t i = 20; i + 20 < p.thickness_mm.size(); ++i, ++checked)
        EXPECT_NEAR(p.thickness_mm[i], expected, 0.04);
    EXPECT_GT(checked, 50);
}

TEST(Thickness, AtReferenceIsMeasuredFromTheInsertion) {
    // A wedge: thickness grows by 1 px per 10 columns from the insertion at column 100.
    cv::Mat mask = cv::Mat::zeros(300, 500, CV_8UC1);
    for (int x = 100; x < 450; ++x)
        mask(cv::Rect(x, 100, 1, 20 + (x - 100) / 10)).setTo(255);
    const cv::Mat tissue(mask.size(), CV_8UC1, cv::Scalar(255));
    const Spacing s{0.1, 0.1};
    const cv::Point insertion(100, 110);
    const ThicknessProfile p = longitudinal_thickness(mask, tissue, s, insertion);
    // 10 mm from the insertion is column ~200: 20 + 10 = 30 px = 3.0 mm (the midline tilts a little).
    const auto at = thickness_at_reference(p, insertion, s, 10.0);
    ASSERT_TRUE(at.has_value());
    EXPECT_NEAR(*at, 3.0, 0.15);
    EXPECT_FALSE(thickness_at_reference(p, insertion, s, 60.0).has_value());
    // The profile starts at the insertion end.
    EXPECT_LT(p.centreline.front().x, 110);
}

TEST(Thickness, CrossSectionLeavingTheTissueAreaIsIncomplete) {
    cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
    mask(cv::Rect(50, 0, 200, 40)).setTo(255); // touches the top of the frame
    cv::Mat tissue(mask.size(), CV_8UC1, cv::Scalar(255));
    const ThicknessProfile p = longitudinal_thickness(mask, tissue, Spacing{0.1, 0.1});
    ASSERT_FALSE(p.complete.empty());
    EXPECT_FALSE(p.complete[p.complete.size() / 2]);
}

TEST(Transverse, ApExtentAndArea) {
    cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
    cv::ellipse(mask, cv::Point(150, 100), cv::Size(60, 25), 0, 0, 360, cv::Scalar(255), cv::FILLED);
    const Spacing s{0.08, 0.1};
    int tallest = 0, first_tallest = -1;
    for (int x = 0; x < mask.cols; ++x)
        if (cv::countNonZero(mask.col(x)) > tallest) {
            tallest = cv::countNonZero(mask.col(x));
            first_tallest = x;
        }
    const ApExtent extent = max_ap_extent(mask, s);
    EXPECT_EQ(extent.pixels, tallest);
    EXPECT_EQ(extent.column, first_tallest);
    EXPECT_DOUBLE_EQ(extent.mm, tallest * 0.1);
    EXPECT_NEAR(extent.mm, 5.1, 0.11);
    EXPECT_EQ(max_ap_extent(cv::Mat::zeros(10, 10, CV_8UC1), s).column, -1);
    EXPECT_DOUBLE_EQ(area_mm2(mask, s), cv::countNonZero(mask) * 0.08 * 0.1);
}

TEST(Echogenicity, MeanExcludesColourAndGraphicsAndNormalisesToTheBandAbove) {
    cv::Mat grey(300, 300, CV_8UC1, cv::Scalar(10));
    cv::Mat mask = cv::Mat::zeros(grey.size(), CV_8UC1);
    mask(cv::Rect(50, 150, 200, 50)).setTo(255);
    grey(cv::Rect(50, 150, 200, 50)).setTo(120);
    // Reference band 1-6 mm above at dy = 0.1: rows 90..140 hold 60.
    grey(cv::Rect(50, 90, 200, 51)).setTo(60);
    cv::Mat colour = cv::Mat::zeros(grey.size(), CV_8UC1);
    colour(cv::Rect(100, 160, 10, 10)).setTo(255);
    grey(cv::Rect(100, 160, 10, 10)).setTo(250);
    cv::Mat graphics = cv::Mat::zeros(grey.size(), CV_8UC1);
    graphics(cv::Rect(50, 190, 200, 1)).setTo(255);
    grey(cv::Rect(50, 190, 200, 1)).setTo(255);
    const cv::Mat tissue(grey.size(), CV_8UC1, cv::Scalar(255));
    const Echogenicity e = measure_echogenicity(grey, mask, colour, graphics, tissue, Spacing{0.1, 0.1});
    ASSERT_TRUE(e.mean && e.sd && e.normalized && e.hypoechoic_fraction && e.coherence);
    EXPECT_NEAR(*e.mean, 120.0, 1e-9);
    EXPECT_NEAR(*e.sd, 0.0, 1e-9);
    EXPECT_NEAR(*e.normalized, 2.0, 1e-9);
    EXPECT_NEAR(*e.hypoechoic_fraction, 0.0, 1e-9);
    // Without a spacing the band (in mm) is unknown.
    EXPECT_FALSE(measure_echogenicity(grey, mask, colour, graphics, tissue, std::nullopt).normalized.has_value());
}

TEST(Echogenicity, HypoechoicFocusFraction) {
    cv::Mat grey(300, 400, CV_8UC1, cv::Scalar(30));
    cv::Mat mask = cv::Mat::zeros(grey.size(), CV_8UC1);
    mask(cv::Rect(50, 100, 300, 80)).setTo(255);
    cv::Mat tendon(80, 300, CV_8UC1);
    cv::randu(tendon, 120, 180);
    tendon.copyTo(grey(cv::Rect(50, 100, 300, 80)));
    // A dark focus covering a quarter of the tendon (75 x 80 px).
    grey(cv::Rect(150, 100, 75, 80)).setTo(40);
    const cv::Mat tissue(grey.size(), CV_8UC1, cv::Scalar(255));
    const Echogenicity e = measure_echogenicity(grey, mask, cv::Mat(), cv::Mat(), tissue, Spacing{0.1, 0.1});
    ASSERT_TRUE(e.hypoechoic_fraction.has_value());
    EXPECT_NEAR(*e.hypoechoic_fraction, 0.25, 0.03);
}

namespace {

/// A 30 x 8 mm band of bright speckled tendon (0.1 mm pixels) and its mask, in soft tissue half as
/// bright as the tendon (a tendon reads about twice its overlying tissue, phantom and scans alike).
struct SpeckledTendon {
    cv::Mat grey = cv::Mat(300, 400, CV_8UC1, cv::Scalar(75));
    cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
    cv::Rect band{50, 100, 300, 80};
    SpeckledTendon() {
        mask(band).setTo(255);
        cv::Mat tendon(band.size(), CV_8UC1);
        cv::setRNGSeed(7);
        cv::randu(tendon, 120, 180);
        tendon.copyTo(grey(band));
    }
    double hypoechoic_fraction(const cv::Mat& shadow = cv::Mat()) const {
        const cv::Mat tissue(grey.size(), CV_8UC1, cv::Scalar(255));
        return measure_echogenicity(grey, mask, cv::Mat(), cv::Mat(), tissue, Spacing{0.1, 0.1}, shadow)
            .hypoechoic_fraction.value();
    }
};

} // namespace

TEST(Echogenicity, DarkStripesNarrowerThanAFocusAreNotHypoechoic) {
    // Dark lines 0.8 mm wide every 3 mm along the fibres, a quarter of the band: gaps between
    // fibrils, not foci (a focus is at least 1 mm across).
    SpeckledTendon t;
    for (int y = t.band.y + 10; y + 8 <= t.band.br().y; y += 30)
        t.grey(cv::Rect(t.band.x, y, t.band.width, 8)).setTo(40);
    EXPECT_EQ(t.hypoechoic_fraction(), 0.0);
    // The same dark tissue 2 mm wide is a focus.
    t.grey(cv::Rect(t.band.x, t.band.y + 40, t.band.width, 20)).setTo(40);
    EXPECT_GT(t.hypoechoic_fraction(), 0.15);
}

TEST(Echogenicity, FociBelowTheDetectionLimitReadNone) {
    SpeckledTendon small;
    small.grey(cv::Rect(150, 120, 30, 24)).setTo(40); // 3 % of the band
    EXPECT_EQ(small.hypoechoic_fraction(), 0.0);
    SpeckledTendon larger;
    larger.grey(cv::Rect(150, 120, 60, 32)).setTo(40); // 8 %
    EXPECT_NEAR(larger.hypoechoic_fraction(), 0.08, 0.015);
}

TEST(Echogenicity, HypoechoicFractionDoesNotDependOnTheDisplaysGainOrDynamicRange) {
    // A focus as dark as fat (60) covering a fifth of the band, then the same frame on a display
    // with a wider dynamic range (every grey difference 0.6 as large) and 10 levels more gain.
    SpeckledTendon t;
    t.grey(cv::Rect(100, 100, 60, 80)).setTo(60);
    const double as_scanned = t.hypoechoic_fraction();
    EXPECT_NEAR(as_scanned, 0.2, 0.02);
    t.grey.convertTo(t.grey, CV_8UC1, 0.6, 128.0 * (1.0 - 0.6) + 10.0);
    EXPECT_NEAR(t.hypoechoic_fraction(), as_scanned, 0.01);
}

TEST(Echogenicity, ShadowedTendonIsNotHypoechoic) {
    // A calcification's shadow 4 mm wide across the band: dark, but not degenerated tendon.
    SpeckledTendon t;
    const cv::Rect column(200, t.band.y, 40, t.band.height);
    t.grey(column).setTo(40);
    EXPECT_NEAR(t.hypoechoic_fraction(), 40.0 / 300.0, 0.02);
    cv::Mat shadow = cv::Mat::zeros(t.grey.size(), CV_8UC1);
    shadow(cv::Rect(200, 0, 40, t.grey.rows)).setTo(255);
    EXPECT_EQ(t.hypoechoic_fraction(shadow), 0.0);
}

TEST(Neovascularity, VesselsCountedWithinTwoMillimetresUsingDxAndDy) {
    // dx = 0.1, dy = 0.2 mm. Mask rows 100-149, cols 100-299.
    cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
    mask(cv::Rect(100, 100, 200, 50)).setTo(255);
    cv::Mat colour = cv::Mat::zeros(mask.size(), CV_8UC1);
    colour(cv::Rect(150, 120, 3, 3)).setTo(255);  // inside: 9 px
    colour(cv::Rect(200, 90, 2, 2)).setTo(255);   // 2 rows above = 0.4 mm... but only 4 px: counted
    colour(cv::Rect(250, 160, 2, 2)).setTo(255);  // 11 rows below = 2.2 mm: too far
    colour(cv::Rect(80, 120, 2, 2)).setTo(255);   // 19 columns left = 1.9 mm: counted
    colour(cv::Rect(60, 120, 1, 3)).setTo(255);   // 3 px: not a vessel
    std::vector<Vessel> vessels;
    const Neovascularity n = measure_neovascularity(colour, mask, true, Spacing{0.1, 0.2}, &vessels);
    ASSERT_TRUE(n.vessel_count && n.vessels_in_tendon && n.ohberg_grade && n.vascular_fraction);
    EXPECT_EQ(*n.vessel_count, 3);
    EXPECT_EQ(*n.vessels_in_tendon, 1);
    EXPECT_EQ(*n.ohberg_grade, 2);
    EXPECT_NEAR(*n.vascular_fraction, 9.0 / (200 * 50), 1e-12);
    EXPECT_EQ(vessels.size(), 3u);
}

TEST(Neovascularity, UncalibratedCountsOnlyWhatItCanPlace) {
    // Mask rows 100-149, cols 100-299; no spacing, so 2 mm has no length in pixels.
    cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
    mask(cv::Rect(100, 100, 200, 50)).setTo(255);
    cv::Mat colour = cv::Mat::zeros(mask.size(), CV_8UC1);
    colour(cv::Rect(200, 97, 3, 3)).setTo(255); // ends on row 99, next to the mask: around, counted
    Neovascularity n = measure_neovascularity(colour, mask, true, std::nullopt);
    ASSERT_TRUE(n.vessel_count && n.vessels_in_tendon && n.ohberg_grade);
    EXPECT_EQ(*n.vessel_count, 1);
    EXPECT_EQ(*n.vessels_in_tendon, 0);
    EXPECT_EQ(*n.ohberg_grade, 1);

    cv::Mat apart = cv::Mat::zeros(mask.size(), CV_8UC1);
    apart(cv::Rect(200, 90, 3, 3)).setTo(255); // 8 rows above: within 2 mm or not, unknown
    n = measure_neovascularity(apart, mask, true, std::nullopt);
    EXPECT_FALSE(n.vessel_count);
    EXPECT_FALSE(n.ohberg_grade) << "0 or 1 depends on the vessel's distance";
    ASSERT_TRUE(n.vessels_in_tendon && n.vascular_fraction);
    EXPECT_EQ(*n.vessels_in_tendon, 0);
    EXPECT_EQ(*n.vascular_fraction, 0.0);

    apart(cv::Rect(150, 120, 3, 3)).setTo(255); // inside: the grade no longer depends on the other
    n = measure_neovascularity(apart, mask, true, std::nullopt);
    EXPECT_FALSE(n.vessel_count);
    ASSERT_TRUE(n.ohberg_grade && n.vessels_in_tendon);
    EXPECT_EQ(*n.vessels_in_tendon, 1);
    EXPECT_EQ(*n.ohberg_grade, 2);
}

TEST(Neovascularity, NoDopplerMeansZeroNotNull) {
    cv::Mat mask = cv::Mat::zeros(50, 50, CV_8UC1);
    mask(cv::Rect(10, 10, 20, 20)).setTo(255);
    const Neovascularity n = measure_neovascularity(cv::Mat(), mask, false, Spacing{0.1, 0.1});
    EXPECT_FALSE(n.doppler);
    EXPECT_EQ(n.vascular_fraction, 0.0);
    EXPECT_EQ(n.vessel_count, 0);
    EXPECT_EQ(n.ohberg_grade, 0);
}

TEST(Neovascularity, OhbergGrades) {
    EXPECT_EQ(ohberg_grade(0, 0), 0);
    EXPECT_EQ(ohberg_grade(2, 0), 1);
    EXPECT_EQ(ohberg_grade(1, 1), 2);
    EXPECT_EQ(ohberg_grade(5, 3), 2);
    EXPECT_EQ(ohberg_grade(4, 4), 3);
    EXPECT_EQ(ohberg_grade(6, 6), 3);
    EXPECT_EQ(ohberg_grade(9, 7), 4);
}

TEST(Remeasure, EditedMaskGivesItsOwnNumbers) {
    ScanAnalysis a;
    a.grey = cv::Mat(200, 300, CV_8UC1, cv::Scalar(100));
    a.frame.pixels = a.grey.clone();
    a.tissue.mask = cv::Mat(a.grey.size(), CV_8UC1, cv::Scalar(255));
    a.colour_mask = cv::Mat::zeros(a.grey.size(), CV_8UC1);
    a.spacing_mm = Spacing{0.1, 0.05};
    a.segmentation.view = View::longitudinal;
    cv::Mat edited = cv::Mat::zeros(a.grey.size(), CV_8UC1);
    edited(cv::Rect(20, 80, 250, 40)).setTo(1);
    const ScanAnalysis r = remeasure(a, edited);
    ASSERT_TRUE(r.result.thickness.max_mm.has_value());
    EXPECT_NEAR(*r.result.thickness.max_mm, 2.0, 0.02);
    EXPECT_NEAR(*r.result.tendon_area_mm2, 250 * 40 * 0.1 * 0.05, 1e-9);
    EXPECT_EQ(r.result.view, View::longitudinal);
    const cv::Mat overlay = render_overlay(r);
    EXPECT_EQ(overlay.size(), a.grey.size());
    EXPECT_EQ(overlay.type(), CV_8UC3);
}

TEST(Overlay, WarningsAreWrittenUnderTheNumbers) {
    ScanAnalysis a;
    a.frame.pixels = cv::Mat(400, 600, CV_8UC1, cv::Scalar(100));
    a.result.view = View::transverse;
    // Orange text on the grey frame: red well above blue (the numbers are white, the frame grey).
    auto orange_of = [](const cv::Mat& overlay) {
        std::vector<cv::Mat> bgr;
        cv::split(overlay, bgr);
        cv::Mat red_minus_blue;
        cv::subtract(bgr[2], bgr[0], red_minus_blue);
        return cv::Mat(red_minus_blue > 80);
    };
    EXPECT_EQ(cv::countNonZero(orange_of(render_overlay(a))), 0);
    a.result.warnings = {"calcification shadows part of the tendon"};
    const cv::Mat orange = orange_of(render_overlay(a));
    EXPECT_GT(cv::countNonZero(orange), 100);
    // One line under the four lines of numbers, in the top-left panel.
    const cv::Rect at = cv::boundingRect(orange);
    EXPECT_LT(at.x, 20);
    EXPECT_GT(at.y, 45);
    EXPECT_LT(at.br().y, 80);
    EXPECT_GT(at.width, 150);
}

} // namespace
} // namespace tendo::scoring
