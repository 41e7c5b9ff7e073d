// Where a band that ran on over the bone's crest inserts: at the crest's edge, not at the far end of
// the thin strip over the crest; a tendon's own thin tip on the bone is left alone.
#include "tendon_finders.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tendo::detail {
namespace {

constexpr int kColumns = 100;
constexpr double kPxPerMm = 4.0;

/// A bone flat at row 76 up to column `crest_end`, then falling 1.2 rows a column to row 100, flat
/// again after.
Work work_with_crest(int crest_end) {
    Work w;
    w.px_x = w.px_y = kPxPerMm;
    w.bone.row_per_col.resize(kColumns);
    for (int x = 0; x < kColumns; ++x)
        w.bone.row_per_col[static_cast<std::size_t>(x)] =
            x <= crest_end ? 76 : std::min(100, 76 + static_cast<int>((x - crest_end) * 1.2));
    w.bone.first_col = 0;
    w.bone.last_col = kColumns - 1;
    return w;
}

/// A band over all columns resting on the bone: 10 rows thick (2.5 mm) up to column `thin_end`,
/// from row 50 down to the bone after (25.5 rows at the crest's edge, over half the median 49.5).
LongCandidate band_on(const Work& w, int thin_end) {
    LongCandidate lc;
    lc.x0 = 0;
    lc.x1 = kColumns - 1;
    for (int x = 0; x < kColumns; ++x) {
        const double bottom = w.bone.row_per_col[static_cast<std::size_t>(x)] - 0.5;
        lc.bottom_edge.push_back(bottom);
        lc.top_edge.push_back(x < thin_end ? bottom - 10.0 : 50.0);
    }
    return lc;
}

TEST(CrestStrip, InsertionMovesToTheCrestsEdge) {
    // 7.5 mm of strip over the crest, then the tendon, 25-50 rows thick, down the bone's slope.
    const Work w = work_with_crest(30);
    const std::optional<int> at = crest_strip_end(w, band_on(w, 30), true);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(*at, 30);
}

TEST(CrestStrip, EitherEndOfTheBand) {
    Work w = work_with_crest(30);
    LongCandidate lc = band_on(w, 30);
    std::reverse(w.bone.row_per_col.begin(), w.bone.row_per_col.end());
    std::reverse(lc.top_edge.begin(), lc.top_edge.end());
    std::reverse(lc.bottom_edge.begin(), lc.bottom_edge.end());
    const std::optional<int> at = crest_strip_end(w, lc, false);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(*at, kColumns - 1 - 30);
}

TEST(CrestStrip, ATendonsOwnThinTipStays) {
    // 3 mm of thin tip on the crest: shorter than a strip.
    const Work w = work_with_crest(12);
    EXPECT_FALSE(crest_strip_end(w, band_on(w, 12), true).has_value());
}

TEST(CrestStrip, NoCrestEdgeNoMove) {
    // The same thin run, but the bone stays flat beyond it: no crest the band ran over.
    Work w = work_with_crest(30);
    std::fill(w.bone.row_per_col.begin(), w.bone.row_per_col.end(), 76);
    EXPECT_FALSE(crest_strip_end(w, band_on(w, 30), true).has_value());
}

TEST(CrestStrip, NoBoneNoMove) {
    Work w = work_with_crest(30);
    const LongCandidate lc = band_on(w, 30);
    w.bone.first_col = 0;
    w.bone.last_col = -1;
    EXPECT_FALSE(crest_strip_end(w, lc, true).has_value());
}

} // namespace
} // namespace tendo::detail
