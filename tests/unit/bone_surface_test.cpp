// The bone finder on a smoothed work image, where the tissue that is lit ends at the cortex.
#include "segmentation_detail.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace tendo::detail {
namespace {

/// Soft tissue (grey 60) over a 3-row cortex at rows 120-122 and a black shadow below it, 4 work
/// pixels per mm. The lit tissue ends with the cortex, as it does in a frame whose shadow is black
/// from side to side; the imaged extent (the tissue region) runs on to the bottom.
struct ShadowScene {
    cv::Mat smooth = cv::Mat(200, 160, CV_32FC1, cv::Scalar(60.0f));
    cv::Mat lit = cv::Mat::zeros(200, 160, CV_8UC1);
    cv::Mat extent = cv::Mat(200, 160, CV_8UC1, cv::Scalar(255));
    ShadowScene() {
        smooth.rowRange(120, 123).setTo(250.0f);
        smooth.rowRange(123, 200).setTo(0.0f);
        lit.rowRange(0, 123).setTo(255);
    }
};

TEST(BoneSurface, ShadowIsReadBelowTheLitTissue) {
    const ShadowScene s;
    const BoneSurface bone = bone_surface_on(s.smooth, s.lit, tissue_levels(s.smooth, s.lit), 4.0, s.extent);
    ASSERT_TRUE(bone.found());
    EXPECT_LE(bone.first_col, 2);
    EXPECT_GE(bone.last_col, 157);
    for (int x = bone.first_col; x <= bone.last_col; ++x)
        EXPECT_NEAR(bone.row_per_col[static_cast<std::size_t>(x)], 120, 1) << "column " << x;
}

TEST(BoneSurface, WithoutTheExtentTheShadowIsNotSeen) {
    // The window below the cortex ends with the lit tissue: too short to see a shadow. This is
    // what the extent is for.
    const ShadowScene s;
    const BoneSurface bone = bone_surface_on(s.smooth, s.lit, tissue_levels(s.smooth, s.lit), 4.0);
    EXPECT_FALSE(bone.found());
}

TEST(BoneSurface, BrightTendonOverTheBoneDoesNotHideIt) {
    // A thick bright band (grey 150) fills most of the tissue over the cortex, so the median tissue
    // level is more than half the cortex's: the surface is still bone because its shadow is black.
    ShadowScene s;
    s.smooth.rowRange(40, 118).setTo(150.0f);
    const BoneSurface bone = bone_surface_on(s.smooth, s.lit, tissue_levels(s.smooth, s.lit), 4.0, s.extent);
    ASSERT_TRUE(bone.found());
    EXPECT_NEAR(bone.row_per_col[80], 120, 1);
}

TEST(BoneSurface, BrightLineOverDarkerTissueIsNotBone) {
    // The same band, filling the tissue over the line, over tissue that is only darker (grey 60
    // under the line, not a shadow): a line not far brighter than the tissue is not a cortex.
    ShadowScene s;
    s.smooth.rowRange(0, 118).setTo(150.0f);
    s.smooth.rowRange(123, 200).setTo(60.0f);
    s.lit.rowRange(123, 200).setTo(255);
    const BoneSurface bone = bone_surface_on(s.smooth, s.lit, tissue_levels(s.smooth, s.lit), 4.0, s.extent);
    EXPECT_FALSE(bone.found());
}

TEST(BoneSurface, DimLineOverBlackUnderBrighterTissueIsNotBone) {
    // A line at 0.7 of the brightest tissue over black, as the noise at the bottom of a deep,
    // high-gain image ends: a shadow alone does not make it a cortex.
    ShadowScene s;
    s.smooth.rowRange(40, 100).setTo(170.0f);
    s.smooth.rowRange(120, 123).setTo(120.0f);
    const BoneSurface bone = bone_surface_on(s.smooth, s.lit, tissue_levels(s.smooth, s.lit), 4.0, s.extent);
    EXPECT_FALSE(bone.found());
}

} // namespace
} // namespace tendo::detail
