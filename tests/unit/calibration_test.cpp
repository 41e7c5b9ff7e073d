#include "tendo/imaging/calibration.hpp"

#include <gtest/gtest.h>

namespace tendo {
namespace {

UltrasoundRegion tissue(int x0, int y0, int x1, int y1, double delta_x_cm, double delta_y_cm) {
    UltrasoundRegion region;
    region.spatial_format = UltrasoundRegion::kSpatial2D;
    region.data_type = UltrasoundRegion::kTissue;
    region.x0 = x0;
    region.y0 = y0;
    region.x1 = x1;
    region.y1 = y1;
    region.units_x = UltrasoundRegion::kUnitsCm;
    region.units_y = UltrasoundRegion::kUnitsCm;
    region.delta_x = delta_x_cm;
    region.delta_y = delta_y_cm;
    return region;
}

TEST(Calibration, RegionDeltaInCentimetresBecomesMillimetresWithDxAndDyApart) {
    CalibrationInputs inputs;
    inputs.regions = {tissue(0, 0, 99, 99, 0.02857, -0.02286)};
    std::vector<std::string> notes;
    const Calibration calibration = resolve_calibration(inputs, notes);
    ASSERT_TRUE(calibration.spacing_mm);
    EXPECT_DOUBLE_EQ(calibration.spacing_mm->dx_mm, 0.2857);
    EXPECT_DOUBLE_EQ(calibration.spacing_mm->dy_mm, 0.2286); // sign of the stored delta is dropped
    EXPECT_EQ(calibration.source, SpacingSource::regions);
    EXPECT_EQ(calibration.region_index, 0u);
}

TEST(Calibration, LargestTissueRegionWinsAndColourFlowAloneDoesNotCalibrate) {
    CalibrationInputs inputs;
    UltrasoundRegion colour = tissue(0, 0, 499, 499, 0.05, 0.05);
    colour.data_type = UltrasoundRegion::kColorFlow;
    inputs.regions = {colour, tissue(0, 0, 49, 49, 0.01, 0.01), tissue(50, 0, 249, 199, 0.03, 0.03)};
    std::vector<std::string> notes;
    const Calibration calibration = resolve_calibration(inputs, notes);
    ASSERT_TRUE(calibration.spacing_mm);
    EXPECT_DOUBLE_EQ(calibration.spacing_mm->dx_mm, 0.3);
    EXPECT_EQ(calibration.region_index, 2u);

    inputs.regions = {colour};
    EXPECT_FALSE(resolve_calibration(inputs, notes).spacing_mm);
}

TEST(Calibration, InvalidRegionFallsThroughToPixelSpacingThenImagerThenUser) {
    CalibrationInputs inputs;
    UltrasoundRegion broken = tissue(0, 0, 99, 99, 0.0, 0.02);
    broken.defect = "zero or invalid physical delta";
    inputs.regions = {broken};
    inputs.pixel_spacing_mm = Spacing{0.1, 0.2};
    inputs.imager_pixel_spacing_mm = Spacing{0.3, 0.3};
    inputs.user_spacing_mm = Spacing{0.4, 0.4};
    std::vector<std::string> notes;
    EXPECT_EQ(resolve_calibration(inputs, notes).source, SpacingSource::pixel_spacing);
    inputs.pixel_spacing_mm.reset();
    EXPECT_EQ(resolve_calibration(inputs, notes).source, SpacingSource::imager_pixel_spacing);
    inputs.imager_pixel_spacing_mm.reset();
    const Calibration user = resolve_calibration(inputs, notes);
    EXPECT_EQ(user.source, SpacingSource::user);
    EXPECT_EQ(user.spacing_mm, (Spacing{0.4, 0.4}));
}

TEST(Calibration, NothingUsableMeansUncalibratedNeverAGuess) {
    CalibrationInputs inputs;
    inputs.pixel_spacing_mm = Spacing{0.0, 0.1};
    std::vector<std::string> notes;
    const Calibration calibration = resolve_calibration(inputs, notes);
    EXPECT_FALSE(calibration.calibrated());
    EXPECT_EQ(calibration.source, SpacingSource::none);
    EXPECT_EQ(to_string(calibration.source), "none");
}

TEST(Calibration, RegionThatDisagreesWithPixelSpacingIsUsedAndNoted) {
    CalibrationInputs inputs;
    inputs.regions = {tissue(0, 0, 99, 99, 0.01, 0.01)};
    inputs.pixel_spacing_mm = Spacing{0.2, 0.2};
    std::vector<std::string> notes;
    const Calibration calibration = resolve_calibration(inputs, notes);
    EXPECT_DOUBLE_EQ(calibration.spacing_mm->dx_mm, 0.1);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("disagrees"), std::string::npos);
}

TEST(Calibration, TissueRegionAtPicksTheRegionContainingThePoint) {
    const std::vector<UltrasoundRegion> regions{tissue(0, 0, 99, 99, 0.01, 0.01), tissue(100, 0, 199, 99, 0.02, 0.02)};
    EXPECT_EQ(tissue_region_at(regions, 150, 50), 1u);
    EXPECT_EQ(tissue_region_at(regions, 10, 10), 0u);
    EXPECT_FALSE(tissue_region_at(regions, 250, 10));
}

TEST(Spacing, LengthUsesBothDxAndDy) {
    const Spacing spacing{0.1, 0.3};
    EXPECT_DOUBLE_EQ(spacing.length_mm(3, 0), 0.3);
    EXPECT_DOUBLE_EQ(spacing.length_mm(0, 1), 0.3);
    EXPECT_NEAR(spacing.length_mm(4, 1), std::hypot(0.4, 0.3), 1e-12);
    EXPECT_DOUBLE_EQ(spacing.pixel_area_mm2(), 0.1 * 0.3);
}

} // namespace
} // namespace tendo
