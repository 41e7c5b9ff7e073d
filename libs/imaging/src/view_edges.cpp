#include "segmentation_detail.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tendo::detail {

namespace {

/// Per row, the lowest (or, `highest`, the highest) of `v` within `half` rows of it.
std::vector<int> running_extreme(const std::vector<int>& v, int half, bool highest) {
    const int n = static_cast<int>(v.size());
    std::vector<int> out(v.size());
    for (int y = 0; y < n; ++y) {
        const auto from = v.begin() + std::max(0, y - half);
        const auto to = v.begin() + std::min(n, y + half + 1);
        out[static_cast<std::size_t>(y)] = highest ? *std::max_element(from, to) : *std::min_element(from, to);
    }
    return out;
}

/// `v` with its peaks (`peaks`) or its dips narrower than 2 `half` + 1 rows levelled.
std::vector<int> levelled(const std::vector<int>& v, int half, bool peaks) {
    return running_extreme(running_extreme(v, half, !peaks), half, peaks);
}

} // namespace

cv::Mat imaged_area(const cv::Mat& tissue_mask, const cv::Mat& grey) {
    cv::Mat lit;
    cv::GaussianBlur(grey, lit, cv::Size(0, 0), 0.7); // a lone dark pixel at the edge does not count
    std::vector<int> first(static_cast<std::size_t>(lit.rows)), last(first.size());
    for (int y = 0; y < lit.rows; ++y) {
        const unsigned char* level = lit.ptr<unsigned char>(y);
        int f = 0;
        int l = lit.cols - 1;
        while (f < lit.cols && level[f] < 3)
            ++f;
        while (l >= f && level[l] < 3)
            --l;
        first[static_cast<std::size_t>(y)] = f;
        last[static_cast<std::size_t>(y)] = l;
    }
    // The image's side is a line. Marks drawn beside it (a ruler's ticks and figures, a focus
    // arrow) lengthen a few rows' spans, dark tissue at it shortens a few: a bump or a notch less
    // than 25 rows high is levelled (a focus arrow and a figure beside it reach 16).
    constexpr int kHalfRows = 12;
    first = levelled(levelled(first, kHalfRows, false), kHalfRows, true);
    last = levelled(levelled(last, kHalfRows, true), kHalfRows, false);
    cv::Mat imaged = tissue_mask.clone();
    for (int y = 0; y < imaged.rows; ++y) {
        const int f = std::clamp(first[static_cast<std::size_t>(y)], 0, imaged.cols);
        const int l = std::clamp(last[static_cast<std::size_t>(y)], f - 1, imaged.cols - 1);
        unsigned char* m = imaged.ptr<unsigned char>(y);
        std::fill(m, m + f, static_cast<unsigned char>(0));
        std::fill(m + l + 1, m + imaged.cols, static_cast<unsigned char>(0));
    }
    return imaged;
}

bool measurement_cut_by_view(const cv::Mat& mask, const cv::Mat& imaged, const std::vector<cv::Point>& bone_surface,
                             View view) {
    const cv::Rect box = cv::boundingRect(mask);
    if (box.empty() || view == View::none)
        return false;
    // Only the rows around the mask are read. The frame's own edges are the view's; the window's
    // first and last row, inside the frame, are not.
    constexpr int kMargin = 8;
    const int top = std::max(0, box.y - kMargin);
    const cv::Rect around(0, top, imaged.cols, std::min(imaged.rows, box.y + box.height + kMargin) - top);
    const cv::Mat near = imaged(around);
    // Padded with black at the frame's edges and with the window's own first and last rows repeated.
    constexpr int kPad = 12; // beyond the reach of the direction read below
    cv::Mat padded;
    cv::copyMakeBorder(near, padded, kPad, kPad, kPad, kPad, cv::BORDER_CONSTANT, cv::Scalar(0));
    for (int i = 0; i < kPad; ++i) {
        if (around.y > 0)
            near.row(0).copyTo(padded.row(i).colRange(kPad, kPad + near.cols));
        if (around.y + around.height < imaged.rows)
            near.row(near.rows - 1).copyTo(padded.row(kPad + near.rows + i).colRange(kPad, kPad + near.cols));
    }
    const cv::Rect middle(kPad, kPad, near.cols, near.rows);
    cv::Mat inner;
    cv::erode(padded, inner, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    cv::Mat touching = near & ~inner(middle) & mask(around);
    // Rows end at the bone where its shadow is black to the image's side: the tendon inserting
    // there meets the bone, not the view's edge.
    constexpr int kBoneReachPx = 5; // the surface's points lie at most a work pixel (3 px) apart
    for (const cv::Point& p : bone_surface)
        cv::circle(touching, cv::Point(p.x, p.y - around.y), kBoneReachPx, cv::Scalar(0), cv::FILLED);
    constexpr int kMinContactPx = 5; // a corner where the side meets the top is not a cut
    const int touching_px = cv::countNonZero(touching);
    if (view == View::transverse)
        return touching_px > 0;
    if (touching_px < kMinContactPx)
        return false;
    // A band: only where the edge it meets runs more across than down (the top or the bottom of
    // the view, a fan's arcs included) is its thickness cut. Its ends meet a linear image's or a
    // fan's sides (at most about 45° from the vertical) where the tendon runs on out of view. The
    // edge's direction at a pixel: where the imaged area lies within 8 px of it, above or below
    // rather than left or right (its run over a few pixels, not a step in it).
    cv::Mat sums;
    cv::integral(padded, sums, CV_32S);
    constexpr int kReach = 8;
    auto imaged_in = [&](int x0, int y0, int x1, int y1) { // padded coordinates, [x0, x1) × [y0, y1)
        return sums.at<int>(y1, x1) - sums.at<int>(y0, x1) - sums.at<int>(y1, x0) + sums.at<int>(y0, x0);
    };
    int across = 0;
    for (int y = 0; y < touching.rows; ++y) {
        const unsigned char* t = touching.ptr<unsigned char>(y);
        for (int x = 0; x < touching.cols; ++x) {
            if (!t[x])
                continue;
            const int px = x + kPad, py = y + kPad;
            const int x0 = px - kReach, x1 = px + kReach + 1, y0 = py - kReach, y1 = py + kReach + 1;
            const int vertical = std::abs(imaged_in(x0, py + 1, x1, y1) - imaged_in(x0, y0, x1, py));
            const int horizontal = std::abs(imaged_in(px + 1, y0, x1, y1) - imaged_in(x0, y0, px, y1));
            across += vertical > horizontal;
        }
    }
    return across >= kMinContactPx;
}

} // namespace tendo::detail
