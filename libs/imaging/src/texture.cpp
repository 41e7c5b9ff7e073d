#include "segmentation_detail.hpp"

#include "tendo/imaging/masked_smoothing.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

namespace tendo {

namespace detail {

ColumnSums::ColumnSums(const cv::Mat& image) : rows_(image.rows) {
    CV_Assert(image.type() == CV_32FC1);
    const auto stride = static_cast<std::size_t>(rows_ + 1);
    sums_.assign(stride * static_cast<std::size_t>(image.cols), 0.0);
    for (int y = 0; y < image.rows; ++y) {
        const float* in = image.ptr<float>(y);
        for (int x = 0; x < image.cols; ++x) {
            double* column = &sums_[static_cast<std::size_t>(x) * stride];
            column[y + 1] = column[y] + in[x];
        }
    }
}

cv::Mat enclosed_foci_filled(const cv::Mat& smooth, const cv::Mat& searched, int span_px, double px_per_mm_x,
                             RowSmoothing smoothing) {
    const double sigma_px = std::max(1.0, px_per_mm_x);
    const cv::Mat outside = searched == 0;
    cv::Mat level_along;
    if (smoothing == RowSmoothing::within_searched)
        level_along = gaussian_mean_within(smooth, searched, sigma_px, 0.1);
    else
        cv::GaussianBlur(smooth, level_along, cv::Size(0, 0), sigma_px, 0.1);
    level_along.setTo(0.0f, outside);
    return cv::max(smooth, brightest_on_both_sides(level_along, span_px));
}

cv::Mat enclosed_foci_filled_2d(const cv::Mat& smooth, const cv::Mat& searched, int span_x_px, int span_y_px,
                                double px_per_mm_x, double px_per_mm_y) {
    const cv::Mat across = enclosed_foci_filled(smooth, searched, span_x_px, px_per_mm_x, RowSmoothing::within_searched);
    const cv::Mat down =
        enclosed_foci_filled(smooth.t(), searched.t(), span_y_px, px_per_mm_y, RowSmoothing::within_searched).t();
    return cv::min(across, down);
}

cv::Mat brightest_on_both_sides(const cv::Mat& levels, int span_px) {
    const int span = std::max(2, span_px);
    const cv::Mat line = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(span, 1));
    cv::Mat left, right; // brightest within the span ending at (left) or starting at (right) each pixel
    cv::dilate(levels, left, line, cv::Point(span - 1, 0), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::dilate(levels, right, line, cv::Point(0, 0), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    return cv::min(left, right);
}

namespace {

std::vector<float> values_under(const cv::Mat& image, const cv::Mat& mask) {
    std::vector<float> values;
    values.reserve(image.total());
    for (int y = 0; y < image.rows; ++y) {
        const float* in = image.ptr<float>(y);
        const unsigned char* m = mask.empty() ? nullptr : mask.ptr<unsigned char>(y);
        for (int x = 0; x < image.cols; ++x)
            if (!m || m[x])
                values.push_back(in[x]);
    }
    return values;
}

} // namespace

double percentile_of(std::vector<float>& values, double pct) {
    if (values.empty())
        return 0.0;
    const auto k = static_cast<std::size_t>(std::clamp(pct / 100.0, 0.0, 1.0) * (values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

double percentile(const cv::Mat& image, const cv::Mat& mask, double pct) {
    std::vector<float> values = values_under(image, mask);
    return percentile_of(values, pct);
}

TissueLevels tissue_levels(const cv::Mat& smooth, const cv::Mat& tissue_mask) {
    std::vector<float> values = values_under(smooth, tissue_mask);
    TissueLevels levels;
    levels.p99 = percentile_of(values, 99.0);
    levels.p98 = percentile_of(values, 98.0);
    levels.median = percentile_of(values, 50.0);
    return levels;
}

StructureTensor structure_tensor(const cv::Mat& image32, double sigma_px) {
    cv::Mat gx, gy;
    cv::Sobel(image32, gx, CV_32F, 1, 0, 3);
    cv::Sobel(image32, gy, CV_32F, 0, 1, 3);
    // The three products are smoothed as the channels of one image: one pass over memory.
    cv::Mat products;
    cv::merge(std::vector<cv::Mat>{gx.mul(gx), gy.mul(gy), gx.mul(gy)}, products);
    cv::GaussianBlur(products, products, cv::Size(0, 0), std::max(0.5, sigma_px));
    std::vector<cv::Mat> smoothed;
    cv::split(products, smoothed);
    return StructureTensor{smoothed[0], smoothed[1], smoothed[2]};
}

cv::Mat coherence_of(const StructureTensor& t) {
    cv::Mat diff = t.jxx - t.jyy;
    cv::Mat num;
    cv::sqrt(diff.mul(diff) + 4.0f * t.jxy.mul(t.jxy), num);
    cv::Mat den = t.jxx + t.jyy + 1e-3f;
    cv::Mat coh;
    cv::divide(num, den, coh);
    return coh;
}

cv::Mat horizontal_alignment_of(const StructureTensor& t) {
    cv::Mat den = t.jxx + t.jyy + 1e-3f;
    cv::Mat out;
    cv::divide(t.jyy - t.jxx, den, out);
    return out;
}

} // namespace detail

cv::Mat fibre_coherence(const cv::Mat& grey, double sigma_px) {
    cv::Mat g32;
    grey.convertTo(g32, CV_32F);
    cv::GaussianBlur(g32, g32, cv::Size(0, 0), 1.0);
    return detail::coherence_of(detail::structure_tensor(g32, sigma_px));
}

} // namespace tendo
