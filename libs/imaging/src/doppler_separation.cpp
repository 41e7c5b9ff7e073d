#include "segmentation_detail.hpp"
#include "tendo/imaging/components.hpp"
#include "tendo/imaging/frame.hpp"
#include "tendo/imaging/segmentation.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

namespace tendo {

namespace {

/// Components smaller than this are flash specks, not flow.
constexpr int kMinFlowPixels = 3;

/// `box` grown by `px` on every side, within an image of `size`.
cv::Rect grown_within(const cv::Rect& box, int px, const cv::Size& size) {
    return (box - cv::Point(px, px) + cv::Size(2 * px, 2 * px)) & cv::Rect(cv::Point(0, 0), size);
}

/// Whether the grey pixels in `box` grown by a few pixels, colour left out, are mostly lit.
bool lies_in_image(const cv::Mat& grey, const cv::Mat& colour, const cv::Rect& box) {
    const cv::Rect around = grown_within(box, 3, grey.size());
    int grey_pixels = 0, lit = 0;
    for (int y = around.y; y < around.br().y; ++y) {
        const unsigned char* g = grey.ptr<unsigned char>(y);
        const unsigned char* c = colour.ptr<unsigned char>(y);
        for (int x = around.x; x < around.br().x; ++x)
            if (!c[x]) {
                ++grey_pixels;
                lit += g[x] > detail::kBackgroundGrey;
            }
    }
    return 2 * lit >= grey_pixels;
}

} // namespace

DopplerSeparation separate_doppler(const cv::Mat& pixels, const TissueArea& tissue,
                                   const std::vector<UltrasoundRegion>& regions) {
    DopplerSeparation result;
    result.grey = to_grey(pixels);
    result.colour_mask = cv::Mat::zeros(pixels.size(), CV_8UC1);

    std::optional<cv::Rect> box;
    for (const auto& region : regions) {
        if (!region.valid() || !region.is_color_flow_2d())
            continue;
        const cv::Rect rect = cv::Rect(region.x0, region.y0, region.width_px(), region.height_px()) &
                              cv::Rect(0, 0, pixels.cols, pixels.rows);
        if (rect.area() > 0 && (!box || rect.area() > box->area()))
            box = rect;
    }
    result.box = box;
    if (!pixels.empty() && pixels.type() == CV_8UC3) {
        CV_Assert(tissue.mask.empty() || tissue.mask.size() == pixels.size());
        // Chroma is the spread of a pixel's channels (the largest of their pairwise differences),
        // read in one pass and only where colour is allowed: in the tissue area and the colour box.
        // Hysteresis: a pixel above the threshold is colour only when its component also holds a
        // strongly coloured pixel. JPEG YBR_422 smear on grey edges is weak chroma on its own;
        // real flow always has a saturated core.
        const cv::Rect search = box ? *box : cv::Rect(0, 0, pixels.cols, pixels.rows);
        cv::Mat weak = cv::Mat::zeros(pixels.size(), CV_8UC1);
        cv::Mat strong = cv::Mat::zeros(pixels.size(), CV_8UC1);
        for (int y = search.y; y < search.br().y; ++y) {
            const cv::Vec3b* p = pixels.ptr<cv::Vec3b>(y);
            const unsigned char* allowed = tissue.mask.empty() ? nullptr : tissue.mask.ptr<unsigned char>(y);
            unsigned char* w = weak.ptr<unsigned char>(y);
            unsigned char* st = strong.ptr<unsigned char>(y);
            for (int x = search.x; x < search.br().x; ++x) {
                if (allowed && !allowed[x])
                    continue;
                const cv::Vec3b& c = p[x];
                const int chroma = std::max({c[0], c[1], c[2]}) - std::min({c[0], c[1], c[2]});
                w[x] = chroma > kColourChromaThreshold ? 255 : 0;
                st[x] = chroma > 2 * kColourChromaThreshold ? 255 : 0;
            }
        }
        const Components parts = connected_components(weak);
        const cv::Rect& area = parts.box;
        std::vector<unsigned char> keep(static_cast<std::size_t>(parts.count), 0);
        for (int r = 0; r < area.height; ++r) {
            const int* row = parts.labels.ptr<int>(r);
            const unsigned char* s = strong.ptr<unsigned char>(r + area.y) + area.x;
            for (int c = 0; c < area.width; ++c)
                if (row[c] > 0 && s[c])
                    keep[static_cast<std::size_t>(row[c])] = 1;
        }
        for (int label = 1; label < parts.count; ++label)
            if (parts.area(label) < kMinFlowPixels)
                keep[static_cast<std::size_t>(label)] = 0;
        for (int r = 0; r < area.height; ++r) {
            const int* row = parts.labels.ptr<int>(r);
            unsigned char* out = result.colour_mask.ptr<unsigned char>(r + area.y) + area.x;
            for (int c = 0; c < area.width; ++c)
                if (row[c] > 0 && keep[static_cast<std::size_t>(row[c])])
                    out[c] = 255;
        }
        result.colour_pixels = cv::countNonZero(result.colour_mask);
        if (!box && result.colour_pixels > 0) {
            // No region: the box is where the colour is (the outline itself is grey).
            cv::Mat points;
            cv::findNonZero(result.colour_mask, points);
            result.box = cv::boundingRect(points);
        }
    }
    result.doppler = box.has_value() || result.colour_pixels >= 10;
    return result;
}

cv::Mat colour_in_image(const cv::Mat& colour_mask, const cv::Mat& grey, const cv::Mat& tendon_mask) {
    if (colour_mask.empty())
        return colour_mask;
    const Components parts = connected_components(colour_mask);
    cv::Mat kept = colour_mask.clone();
    for (int label = 1; label < parts.count; ++label) {
        const cv::Rect b = parts.bounds(label);
        if (lies_in_image(grey, colour_mask, b))
            continue;
        const cv::Mat component = parts.labels(b - parts.box.tl()) == label;
        if (!tendon_mask.empty()) {
            // Touching: the component grown by a pixel meets the tendon.
            const cv::Rect grown = grown_within(b, 1, colour_mask.size());
            cv::Mat reach = cv::Mat::zeros(grown.size(), CV_8UC1);
            component.copyTo(reach(b - grown.tl()));
            cv::dilate(reach, reach, cv::Mat());
            if (cv::countNonZero(reach & tendon_mask(grown)) > 0)
                continue;
        }
        kept(b).setTo(0, component);
    }
    return kept;
}

} // namespace tendo
