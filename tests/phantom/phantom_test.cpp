// Phantom ground truth: every encoding reads back through the loader, and the truth agrees with
// the pixels and masks it was computed from.
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/phantom/phantom.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <set>

namespace {

using namespace tendo;
using namespace tendo::phantom;

const std::filesystem::path& out_dir() {
    static const tendo::test::ScratchDir dir("tendo_phantom_test_");
    return dir.path();
}

CaseSpec small(CaseSpec s) {
    s.rows = 300;
    s.cols = 400;
    s.spacing_mm = {0.14, 0.14};
    return s;
}

TEST(Phantom, SameSeedSamePixels) {
    CaseSpec s = small(random_case_spec(11));
    const auto a = generate_case(s, 11);
    const auto b = generate_case(s, 11);
    ASSERT_EQ(a.frames.size(), b.frames.size());
    EXPECT_EQ(cv::norm(a.frames[0], b.frames[0], cv::NORM_INF), 0.0);
    EXPECT_EQ(a.truth.dump(), b.truth.dump());
    const auto c = generate_case(s, 12);
    EXPECT_GT(cv::norm(a.frames[0], c.frames[0], cv::NORM_L1), 0.0);
}

TEST(Phantom, CaseSetCoversEveryCategory) {
    const auto set = case_set(5, 10);
    std::set<Encoding> enc;
    std::set<CaseView> views;
    std::set<CalibrationKind> cal;
    std::set<DopplerMode> dop;
    for (const auto& s : set) {
        enc.insert(s.encoding);
        views.insert(s.view);
        cal.insert(s.calibration);
        dop.insert(s.doppler);
    }
    EXPECT_EQ(enc.size(), 5u);
    EXPECT_EQ(views.size(), 4u);
    EXPECT_EQ(cal.size(), 3u);
    EXPECT_EQ(dop.size(), 3u);
}

TEST(Phantom, SpecJsonRoundTrip) {
    const CaseSpec s = random_case_spec(99);
    EXPECT_EQ(to_json(case_spec_from_json(to_json(s))).dump(), to_json(s).dump());
    EXPECT_THROW(case_view_from_string("sideways"), Error);
}

struct EncodingCase {
    Encoding encoding;
    CalibrationKind calibration;
    CaseView view;
    DopplerMode doppler;
    int frames;
};

class PhantomReadBack : public ::testing::TestWithParam<EncodingCase> {};

TEST_P(PhantomReadBack, TruthMatchesPixels) {
    const EncodingCase p = GetParam();
    CaseSpec s = small(random_case_spec(21));
    s.encoding = p.encoding;
    s.calibration = p.calibration;
    s.view = p.view;
    s.doppler = p.doppler;
    s.frames = p.frames;
    s.vessels_in = 3;
    s.vessels_around = 1;
    s.hypoechoic_fraction = 0.2;
    const auto pc = generate_case(s, 21);
    const std::string stem = "case_" + to_string(p.encoding) + "_" + to_string(p.calibration);
    const auto dir = out_dir();
    write_case(pc, dir, stem);

    SilentReporter reporter;
    const Scan scan = Scan::open(dir / (stem + ".dcm"), OpenOptions{}, reporter);
    const ScanInfo& info = scan.info();
    EXPECT_EQ(info.rows, pc.spec.rows);
    EXPECT_EQ(info.cols, pc.spec.cols);
    EXPECT_EQ(info.frames, pc.spec.frames);
    ASSERT_EQ(scan.frame_count(), static_cast<int>(pc.frames.size()));

    // Calibration: the loader finds exactly the spacing the truth states (or none).
    const auto& truth = pc.truth;
    if (p.calibration == CalibrationKind::none) {
        EXPECT_FALSE(info.calibration.calibrated());
        EXPECT_TRUE(truth["spacing_mm"].is_null());
        EXPECT_TRUE(truth["tendon_area_mm2"].is_null());
    } else {
        ASSERT_TRUE(info.calibration.calibrated());
        EXPECT_NEAR(info.calibration.spacing_mm->dx_mm, truth["spacing_mm"][0].get<double>(), 1e-9);
        EXPECT_NEAR(info.calibration.spacing_mm->dy_mm, truth["spacing_mm"][1].get<double>(), 1e-9);
    }
    if (p.calibration == CalibrationKind::regions && p.doppler != DopplerMode::none) {
        ASSERT_EQ(info.doppler_regions().size(), 1u);
        EXPECT_EQ(info.doppler_regions()[0].x0, pc.doppler_box->x);
    }

    // Pixels: lossless encodings decode exactly; JPEG within compression error.
    const int af = truth["frame"].get<int>();
    const Frame frame = scan.frame(af);
    const cv::Mat decoded_grey = to_grey(frame.pixels);
    const cv::Mat truth_grey = to_grey(pc.frames[static_cast<std::size_t>(af)]);
    const double mean_abs = cv::norm(decoded_grey, truth_grey, cv::NORM_L1) / decoded_grey.total();
    if (p.encoding == Encoding::jpeg_ybr422) {
        EXPECT_LT(mean_abs, 4.0);
        EXPECT_EQ(info.photometric, "YBR_FULL_422");
    } else {
        EXPECT_EQ(mean_abs, 0.0);
    }
    EXPECT_EQ(frame.is_color(), p.encoding != Encoding::mono2);

    // Mask: written PNG equals the mask; area × dx × dy is tendon_area_mm2; inside the tissue area.
    const cv::Mat mask = cv::imread((dir / (stem + ".mask.png")).string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(mask.type(), CV_8UC1);
    EXPECT_EQ(cv::norm(mask, pc.tendon_mask, cv::NORM_INF), 0.0);
    const int mask_px = cv::countNonZero(mask);
    cv::Mat outside;
    cv::bitwise_and(mask, 255 - pc.tissue_mask, outside);
    EXPECT_EQ(cv::countNonZero(outside), 0);
    if (p.view == CaseView::negative_no_tendon || p.view == CaseView::negative_fascia) {
        EXPECT_EQ(mask_px, 0);
        EXPECT_EQ(truth["view"], "none");
        EXPECT_TRUE(truth["thickness_mm"]["max"].is_null());
        return;
    }
    ASSERT_GT(mask_px, 200);
    const double dx = pc.spec.spacing_mm.dx_mm, dy = pc.spec.spacing_mm.dy_mm;
    const auto& true_mm = truth["phantom"]["true_mm"];
    EXPECT_NEAR(true_mm["tendon_area_mm2"].get<double>(), mask_px * dx * dy, 1e-6);
    if (p.calibration != CalibrationKind::none) {
        EXPECT_NEAR(truth["tendon_area_mm2"].get<double>(), mask_px * dx * dy, 1e-6);
        // Thickness: analytic truth vs the mask's own extent (within two pixels).
        const double tmax = truth["thickness_mm"]["max"].get<double>();
        int best = 0;
        for (int col = 0; col < mask.cols; ++col)
            best = std::max(best, cv::countNonZero(mask.col(col)));
        if (p.view == CaseView::transverse)
            EXPECT_NEAR(tmax, best * dy, 1e-9);
        else
            EXPECT_NEAR(tmax, best * dy * std::cos(std::atan(std::tan(pc.spec.slope_deg * M_PI / 180))), 6 * dy);
        EXPECT_GE(tmax, 2.5);
        EXPECT_LE(tmax, 14.0);
    }

    // Echogenicity: mean over the grey tendon pixels of the decoded frame (lossless encodings).
    cv::Mat valid = mask.clone();
    valid.setTo(0, pc.colour_mask);
    valid.setTo(0, pc.overlay_mask);
    const double mean = cv::mean(decoded_grey, valid)[0];
    EXPECT_NEAR(truth["echogenicity"]["mean"].get<double>(), mean, p.encoding == Encoding::jpeg_ybr422 ? 3.0 : 1e-6);
    const double hypo = truth["echogenicity"]["hypoechoic_fraction"].get<double>();
    EXPECT_GT(hypo, 0.08);
    EXPECT_LT(hypo, 0.4);

    // Doppler: colour pixels inside the mask / mask pixels; counted vessels in the label image.
    const auto& neo = truth["neovascularity"];
    if (p.doppler == DopplerMode::none) {
        EXPECT_EQ(neo["doppler"], false);
        EXPECT_EQ(neo["vessel_count"], 0);
        EXPECT_EQ(neo["ohberg_grade"], 0);
    } else {
        cv::Mat in_mask;
        cv::bitwise_and(pc.colour_mask, mask, in_mask);
        EXPECT_NEAR(neo["vascular_fraction"].get<double>(), static_cast<double>(cv::countNonZero(in_mask)) / mask_px, 1e-12);
        EXPECT_GE(neo["vessels_in_tendon"].get<int>(), 1);
        EXPECT_GE(neo["ohberg_grade"].get<int>(), 2);
        // Every colour pixel is clearly chromatic in the decoded frame (lossless encodings).
        if (p.encoding != Encoding::jpeg_ybr422) {
            std::vector<cv::Point> colour;
            cv::findNonZero(pc.colour_mask, colour);
            for (const auto& pt : colour) {
                const auto v = frame.pixels.at<cv::Vec3b>(pt);
                const int chroma = std::max({std::abs(v[0] - v[1]), std::abs(v[0] - v[2]), std::abs(v[1] - v[2])});
                ASSERT_GE(chroma, 80) << "at " << pt;
            }
        }
        const cv::Mat labels = cv::imread((dir / (stem + ".vessels.png")).string(), cv::IMREAD_UNCHANGED);
        double max_label = 0;
        cv::minMaxLoc(labels, nullptr, &max_label);
        EXPECT_EQ(static_cast<std::size_t>(max_label), truth["phantom"]["vessels"].size());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, PhantomReadBack,
    ::testing::Values(EncodingCase{Encoding::rgb, CalibrationKind::regions, CaseView::longitudinal, DopplerMode::colour, 1},
                      EncodingCase{Encoding::mono2, CalibrationKind::pixel_spacing, CaseView::transverse, DopplerMode::none, 1},
                      EncodingCase{Encoding::jpeg_ybr422, CalibrationKind::regions, CaseView::transverse, DopplerMode::power, 1},
                      EncodingCase{Encoding::rle, CalibrationKind::none, CaseView::longitudinal, DopplerMode::none, 1},
                      EncodingCase{Encoding::palette, CalibrationKind::regions, CaseView::longitudinal, DopplerMode::colour, 4},
                      EncodingCase{Encoding::rgb, CalibrationKind::regions, CaseView::negative_fascia, DopplerMode::none, 1}));

} // namespace

// Where the band passes over the bone's step a thin wedge of it can lie on the plateau beyond the
// insertion. The truth's centreline must still start at the insertion (the tapering tip) and run
// along the tendon without jumping across the step (these cases' profiles once began on the wedge,
// 4.5 mm thick, and skipped 8.6 mm of arc over the bone).
TEST(Phantom, LongitudinalTruthProfileStartsAtTheInsertion) {
    const std::pair<std::uint64_t, int> cases[] = {{303, 10}, {404, 0}, {505, 0}, {505, 14}, {505, 20}};
    for (const auto& [seed, index] : cases) {
        const CaseSpec spec = case_set(seed, index + 1)[static_cast<std::size_t>(index)];
        ASSERT_EQ(spec.view, CaseView::longitudinal);
        const auto pc = generate_case(spec, case_seed(seed, index));
        const auto& profile = pc.truth["thickness_mm"]["profile"];
        ASSERT_GT(profile.size(), 100u) << seed << " #" << index;
        EXPECT_LT(profile[0][1].get<double>(), 1.0) << seed << " #" << index;
        double largest_step_mm = 0;
        for (std::size_t i = 1; i < profile.size(); ++i)
            largest_step_mm = std::max(largest_step_mm, profile[i][0].get<double>() - profile[i - 1][0].get<double>());
        EXPECT_LT(largest_step_mm, 0.5) << seed << " #" << index;
        EXPECT_FALSE(pc.truth["thickness_mm"]["at_reference"].is_null()) << seed << " #" << index;
    }
}
