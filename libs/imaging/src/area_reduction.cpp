#include "tendo/imaging/area_reduction.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tendo {

namespace {

/// One output pixel's share of the input along an axis: input indices [first, first + weights.size())
/// and the weight of each (its covered fraction of the cell).
struct Taps {
    int first = 0;
    std::vector<float> weights;
};

/// The taps of every output index along an axis of `in_length` input pixels, `cell` input pixels
/// per output pixel. Slivers under a thousandth of a pixel are left out (rounding, not coverage).
std::vector<Taps> taps_along(int in_length, int out_length, double cell) {
    std::vector<Taps> taps(static_cast<std::size_t>(out_length));
    for (int d = 0; d < out_length; ++d) {
        const double lo = d * cell;
        const double hi = std::min(lo + cell, static_cast<double>(in_length));
        const double covered = hi - lo;
        Taps& t = taps[static_cast<std::size_t>(d)];
        t.first = -1;
        if (covered <= 0.0) {
            // The cell lies beyond the input (a size larger than the scale gives): the last pixel.
            t.first = in_length - 1;
            t.weights.push_back(1.0f);
            continue;
        }
        for (int s = static_cast<int>(std::floor(lo)); s < in_length && s < hi; ++s) {
            const double overlap = std::min(s + 1.0, hi) - std::max(static_cast<double>(s), lo);
            if (overlap <= 1e-3)
                continue;
            if (t.first < 0)
                t.first = s;
            t.weights.push_back(static_cast<float>(overlap / covered));
        }
        if (t.first < 0) {
            t.first = std::clamp(static_cast<int>(std::floor(lo)), 0, in_length - 1);
            t.weights.push_back(1.0f);
        }
    }
    return taps;
}

/// Down the columns first (whole rows at a time, which vectorizes), then along each short row.
template <typename T>
void reduce(const cv::Mat& image, cv::Mat& out, double cell_x, double cell_y) {
    const std::vector<Taps> along_x = taps_along(image.cols, out.cols, cell_x);
    const std::vector<Taps> along_y = taps_along(image.rows, out.rows, cell_y);
    std::vector<float> column_means(static_cast<std::size_t>(image.cols));
    for (int dy = 0; dy < out.rows; ++dy) {
        const Taps& ty = along_y[static_cast<std::size_t>(dy)];
        float* __restrict means = column_means.data();
        std::fill(column_means.begin(), column_means.end(), 0.0f);
        for (std::size_t k = 0; k < ty.weights.size(); ++k) {
            const T* __restrict row = image.ptr<T>(ty.first + static_cast<int>(k));
            const float w = ty.weights[k];
            for (int x = 0; x < image.cols; ++x)
                means[x] += w * static_cast<float>(row[x]);
        }
        T* o = out.ptr<T>(dy);
        for (int dx = 0; dx < out.cols; ++dx) {
            const Taps& tx = along_x[static_cast<std::size_t>(dx)];
            const float* c = &column_means[static_cast<std::size_t>(tx.first)];
            float sum = 0.0f;
            for (std::size_t k = 0; k < tx.weights.size(); ++k)
                sum += tx.weights[k] * c[k];
            o[dx] = cv::saturate_cast<T>(sum);
        }
    }
}

} // namespace

cv::Mat reduce_by_area(const cv::Mat& image, cv::Size size, double cell_x, double cell_y) {
    CV_Assert((image.type() == CV_8UC1 || image.type() == CV_32FC1) && size.width > 0 && size.height > 0);
    if (cell_x <= 0.0)
        cell_x = static_cast<double>(image.cols) / size.width;
    if (cell_y <= 0.0)
        cell_y = static_cast<double>(image.rows) / size.height;
    // Whole-number cells OpenCV sums in integers, fast; this reduction is for the others.
    if (std::abs(cell_x - std::round(cell_x)) < 1e-12 && std::abs(cell_y - std::round(cell_y)) < 1e-12) {
        cv::Mat out;
        cv::resize(image, out, size, 1.0 / cell_x, 1.0 / cell_y, cv::INTER_AREA);
        return out;
    }
    cv::Mat out(size, image.type());
    if (image.type() == CV_8UC1)
        reduce<unsigned char>(image, out, cell_x, cell_y);
    else
        reduce<float>(image, out, cell_x, cell_y);
    return out;
}

cv::Mat reduce_by_area(const cv::Mat& image, double f) {
    CV_Assert(f > 0.0 && f <= 1.0);
    const cv::Size size(std::max(1, cv::saturate_cast<int>(image.cols * f)), std::max(1, cv::saturate_cast<int>(image.rows * f)));
    return reduce_by_area(image, size, 1.0 / f, 1.0 / f);
}

} // namespace tendo
