#include "segmentation_detail.hpp"
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
    cv::Mat bright = smooth > detail::kBackgroundGrey;
    cv::morphologyEx(bright, bright, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
    cv::morphologyEx(bright, bright, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    // The largest outer outline: labelling every component (to count pixels) cost twice the rest
    // of this function, and the area an outline encloses ranks the image area the same way (the
    // closing has already bridged its speckle and shadows).
    std::vector<std::vector<cv::Point>> outlines;
    cv::findContours(bright, outlines, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    const std::vector<cv::Point>* largest = nullptr;
    double largest_area = 0.0;
    for (const auto& outline : outlines) {
        const double a = cv::contourArea(outline);
        if (a > largest_area) {
            largest_area = a;
            largest = &outline;
        }
    }
    if (!largest || largest_area < static_cast<double>(pixels.total()) / 20.0) {
        // Nothing that looks like an image area: treat the whole frame as tissue.
        area.mask.setTo(255);
        area.bounds = cv::Rect(0, 0, pixels.cols, pixels.rows);
        return area;
    }
    std::vector<cv::Point> hull;
    cv::convexHull(*largest, hull);
    cv::fillConvexPoly(area.mask, hull, cv::Scalar(255));
    area.bounds = cv::boundingRect(hull);
    const double fill = cv::countNonZero(area.mask) / std::max(1.0, static_cast<double>(area.bounds.area()));
    area.fan = fill < 0.9;
    return area;
}

} // namespace tendo
