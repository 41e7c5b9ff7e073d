#include "laterality.hpp"

#include <gtest/gtest.h>

namespace tendo::detail {
namespace {

TEST(Laterality, CodedValues) {
    EXPECT_EQ(laterality_from_code("L"), "L");
    EXPECT_EQ(laterality_from_code(" r "), "R");
    EXPECT_FALSE(laterality_from_code("B"));
    EXPECT_FALSE(laterality_from_code(""));
}

TEST(Laterality, FreeTextOnlyWhenOneSideIsNamedAsAWord) {
    EXPECT_EQ(laterality_from_text("HAMSTRING LEFT"), "L");
    EXPECT_EQ(laterality_from_text("Rt prox hamstring"), "R");
    EXPECT_EQ(laterality_from_text("PHT_LT long"), "L");
    EXPECT_FALSE(laterality_from_text("MURMUR, R/O VSD"));
    EXPECT_FALSE(laterality_from_text("left and right"));
    EXPECT_FALSE(laterality_from_text("L5 spine"));
    EXPECT_FALSE(laterality_from_text("ABDOMEN"));
    EXPECT_FALSE(laterality_from_text("BRIGHT"));
}

} // namespace
} // namespace tendo::detail
