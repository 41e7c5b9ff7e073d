#include "tendo/imaging/components.hpp"
#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/segmentation.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace tendo {

namespace {

cv::Rect clip_region(const UltrasoundRegion& region, const cv::Size& size) {
    const cv::Rect rect(region.x0, region.y0, region.width_px(), region.height_px());
    return rect & cv::Rect(0, 0, size.width, size.height);
}

} // namespace

TissueArea find_tissue_area(const cv::Mat& pixels, const std::vector<UltrasoundRegion>& regions) {
    TissueArea area;
    area.mask = cv::Mat::zeros(pixels.size(), CV_8UC1);
    if (pixels.empty())
        return area;

    // The file's region wins: the largest valid 2D tissue region that overlaps the frame.
    std::optional<cv::Rect> best;
    for (const auto& region : regions) {
        if (!region.valid() || !region.is_tissue_2d())
            continue;
        const cv::Rect rect = clip_region(region, pixels.size());
        if (rect.area() > 0 && (!best || rect.area() > best->area()))
            best = rect;
    }
    if (best) {
        area.mask(*best).setTo(255);
        area.bounds = *best;
        area.from_regions = true;
        return area;
    }

    // Otherwise the largest connected non-black area: speckle and shadows are bridged by closing,
    // then the convex hull keeps the whole rectangle or fan (shadows included) while text, rulers
    // and colour bars (separate, small components) fall outside.
    const cv::Mat grey = to_grey(pixels);
    cv::Mat smooth;
    cv::blur(grey, smooth, cv::Size(5, 5));
    cv::Mat bright = smooth > 8;
    cv::morphologyEx(bright, bright, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
    cv::morphologyEx(bright, bright, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    const Components parts = connected_components(bright);
    int best_label = -1;
    int best_area = 0;
    for (int label = 1; label < parts.count; ++label) {
        const int a = parts.area(label);
        if (a > best_area) {
            best_area = a;
            best_label = label;
        }
    }
    if (best_label < 0 || static_cast<std::size_t>(best_area) < pixels.total() / 20) {
        // Nothing that looks like an image area: treat the whole frame as tissue.
        area.mask.setTo(255);
        area.bounds = cv::Rect(0, 0, pixels.cols, pixels.rows);
        return area;
    }
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(parts.mask_of(best_label, pixels.size()), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<cv::Point> all;
    for (const auto& contour : contours)
        all.insert(all.end(), contour.begin(), contour.end());
    std::vector<cv::Point> hull;
    cv::convexHull(all, hull);
    cv::fillConvexPoly(area.mask, hull, cv::Scalar(255));
    area.bounds = cv::boundingRect(hull);
    const double fill = cv::countNonZero(area.mask) / std::max(1.0, static_cast<double>(area.bounds.area()));
    area.fan = fill < 0.9;
    return area;
}

} // namespace tendo
