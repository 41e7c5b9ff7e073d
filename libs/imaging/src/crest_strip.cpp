#include "tendon_finders.hpp"

#include <algorithm>
#include <cstdlib>

namespace tendo::detail {

namespace {

/// Bone within this of the band's end counts as the same flat crest.
constexpr double kFlatMm = 1.0;
/// A shorter run than this at the band's end is the tendon's own tip tapering onto the bone: with
/// 2 mm, 120 insertions of the phantom's 55 seeds moved, 93 of them further from the true one (74
/// from under 2 mm to 3-6 mm off); with 5 mm, 8 moved, each nearer the true one (docs/accuracy.md).
constexpr double kLeastStripMm = 5.0;
/// The bone falls away from the crest within this beyond the strip.
constexpr double kEdgeWithinMm = 3.0;

} // namespace

std::optional<int> crest_strip_end(const Work& w, const LongCandidate& lc, bool from_first) {
    const int n = lc.x1 - lc.x0 + 1;
    if (n < 3 || !w.bone.found() || static_cast<int>(lc.top_edge.size()) != n || static_cast<int>(lc.bottom_edge.size()) != n)
        return std::nullopt;
    std::vector<double> thickness_rows(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < thickness_rows.size(); ++i)
        thickness_rows[i] = lc.bottom_edge[i] - lc.top_edge[i];
    std::vector<double> sorted = thickness_rows;
    std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
    const double thin_rows = 0.5 * sorted[static_cast<std::size_t>(n / 2)];

    auto bone_at = [&](int i) { return w.bone.row_per_col[static_cast<std::size_t>(lc.x0 + i)]; };
    const int end = from_first ? 0 : n - 1;
    const int inward = from_first ? 1 : -1;
    const int end_bone = bone_at(end);
    if (end_bone < 0)
        return std::nullopt;
    const int flat_rows = mm_to_px(kFlatMm, w.px_y);
    int i = end;
    while (std::abs(i - end) < n / 2 && bone_at(i) >= 0 && std::abs(bone_at(i) - end_bone) <= flat_rows &&
           thickness_rows[static_cast<std::size_t>(i)] < thin_rows)
        i += inward;
    if (std::abs(i - end) < mm_to_px(kLeastStripMm, w.px_x))
        return std::nullopt;
    const int edge_within = mm_to_px(kEdgeWithinMm, w.px_x);
    for (int k = i; k >= 0 && k < n && std::abs(k - i) <= edge_within; k += inward)
        if (bone_at(k) >= end_bone + flat_rows)
            return i;
    return std::nullopt;
}

} // namespace tendo::detail
