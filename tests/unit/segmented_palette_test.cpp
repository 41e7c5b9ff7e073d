#include "segmented_palette.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tendo::detail {
namespace {

TEST(SegmentedPalette, DiscreteThenLinearSegments) {
    // discrete [0, 3, 10, 20, 30] then linear [1, 4, 70]: 30 -> 70 over 4 entries
    const std::vector<std::uint16_t> data{0, 3, 10, 20, 30, 1, 4, 70};
    EXPECT_EQ(expand_segmented_lut(data, 7), (std::vector<std::uint16_t>{10, 20, 30, 40, 50, 60, 70}));
}

TEST(SegmentedPalette, IndirectSegmentRepeatsEarlierSegments) {
    // segment 0 at word 0: discrete {5, 6}; segment 1 at word 4: indirect, 1 segment at offset 0
    const std::vector<std::uint16_t> data{0, 2, 5, 6, 2, 1, 0, 0};
    EXPECT_EQ(expand_segmented_lut(data, 4), (std::vector<std::uint16_t>{5, 6, 5, 6}));
}

TEST(SegmentedPalette, MalformedDataIsRefused) {
    EXPECT_THROW(expand_segmented_lut({0, 10, 1, 2}, 10), std::invalid_argument); // overrun
    EXPECT_THROW(expand_segmented_lut({7, 1, 1}, 1), std::invalid_argument);       // unknown opcode
    EXPECT_THROW(expand_segmented_lut({1, 3, 9}, 3), std::invalid_argument);       // linear without start
    EXPECT_THROW(expand_segmented_lut({0, 2, 1, 2}, 5), std::invalid_argument);    // too few entries
    EXPECT_THROW(expand_segmented_lut({2, 1, 0, 0}, 5), std::invalid_argument);    // indirect loop
}

} // namespace
} // namespace tendo::detail
