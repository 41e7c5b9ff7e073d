// The deep border's thickness path: it changes slowly along the tendon, but need not follow a
// superficial border that the view pushes off the tendon, and may rest on the view's edge.
#include "tendon_finders.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include <cstdlib>
#include <vector>

namespace tendo::detail {
namespace {

constexpr int kThicknesses = 40;
constexpr int kGroups = 24;
constexpr float kBend = 0.4f;

/// Scores that peak (1 per group) where the deep border lies at `deep_row[g]` below the
/// superficial border's `top_row[g]`, falling off by 0.1 a row of thickness.
cv::Mat scores_for(const std::vector<int>& top_row, const std::vector<int>& deep_row) {
    cv::Mat score(kThicknesses, kGroups, CV_32FC1, cv::Scalar(kNone));
    for (int g = 0; g < kGroups; ++g)
        for (int k = 1; k < kThicknesses; ++k)
            score.at<float>(k, g) = 1.0f - 0.1f * static_cast<float>(std::abs(top_row[g] + k - deep_row[g]));
    return score;
}

std::vector<double> as_rows(const std::vector<int>& rows) { return {rows.begin(), rows.end()}; }

TEST(ThicknessPath, DeepBorderHoldsWhereTheSuperficialOneSinks) {
    // The superficial border sinks 10 rows between groups 11 and 12 (pushed off the tendon), the
    // deep border stays at row 80: the thickness drops from 30 to 20 there at once.
    std::vector<int> top(kGroups, 50), deep(kGroups, 80);
    for (int g = 12; g < kGroups; ++g)
        top[g] = 60;
    const cv::Mat none(kThicknesses, kGroups, CV_8UC1, cv::Scalar(0));
    const std::vector<int> path = thickness_path(scores_for(top, deep), as_rows(top), none, kBend);
    for (int g = 0; g < kGroups; ++g)
        EXPECT_EQ(path[g], g < 12 ? 30 : 20) << g;
}

TEST(ThicknessPath, ThicknessChangesByOneRowAGroupUnderASteadyBorder) {
    // The same change of the deep border's row under a superficial border that does not move: the
    // thickness changes by at most a row a group (a focus cannot pull the deep border up at once).
    std::vector<int> top(kGroups, 50), deep(kGroups, 80);
    for (int g = 12; g < kGroups; ++g)
        deep[g] = 70;
    const cv::Mat none(kThicknesses, kGroups, CV_8UC1, cv::Scalar(0));
    const std::vector<int> path = thickness_path(scores_for(top, deep), as_rows(top), none, kBend);
    for (int g = 1; g < kGroups; ++g)
        EXPECT_LE(std::abs(path[g] - path[g - 1]), 1) << g;
    EXPECT_EQ(path.front(), 30);
}

TEST(ThicknessPath, DeepBorderMayRestOnTheViewsEdge) {
    // In the last two groups the searched area ends 12 rows below the superficial border (the
    // view's corner cuts the tendon): only thinner paths are allowed there, and a deep border on
    // that edge is entered from the full thickness before, without a ramp along the tendon.
    const std::vector<int> top(kGroups, 50), deep(kGroups, 80);
    cv::Mat score = scores_for(top, deep);
    cv::Mat pressed(kThicknesses, kGroups, CV_8UC1, cv::Scalar(0));
    for (int g = kGroups - 2; g < kGroups; ++g) {
        score(cv::Range(13, kThicknesses), cv::Range(g, g + 1)).setTo(kNone);
        pressed.at<unsigned char>(12, g) = 255;
    }
    const std::vector<int> path = thickness_path(score, as_rows(top), pressed, kBend);
    for (int g = 0; g < kGroups - 2; ++g)
        EXPECT_EQ(path[g], 30) << g;
    EXPECT_EQ(path[kGroups - 2], 12);
    EXPECT_EQ(path[kGroups - 1], 12);
}

TEST(ThicknessPath, GroupsWhereNoThicknessIsAllowedHaveNone) {
    const std::vector<int> top(kGroups, 50), deep(kGroups, 80);
    cv::Mat score = scores_for(top, deep);
    score.col(5).setTo(kNone);
    const cv::Mat none(kThicknesses, kGroups, CV_8UC1, cv::Scalar(0));
    const std::vector<int> path = thickness_path(score, as_rows(top), none, kBend);
    EXPECT_EQ(path[5], -1);
    EXPECT_EQ(path[4], 30);
    EXPECT_EQ(path[6], 30);
}

} // namespace
} // namespace tendo::detail
