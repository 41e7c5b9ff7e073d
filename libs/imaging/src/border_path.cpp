#include "tendon_finders.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace tendo::detail {

namespace {

/// Traces a path back from the right: a column without a predecessor on the path (a restart, or
/// a column where the border may not go at all) takes its own best row; -1 where no row is allowed.
std::vector<int> back_from_the_right(const cv::Mat& acc, const cv::Mat& from) {
    std::vector<int> path(static_cast<std::size_t>(acc.cols), -1);
    auto best_row = [&](int x) {
        int arg = -1;
        float best = kNone / 2;
        for (int r = 0; r < acc.rows; ++r)
            if (acc.at<float>(r, x) > best) {
                best = acc.at<float>(r, x);
                arg = r;
            }
        return arg;
    };
    int y = -1;
    for (int x = acc.cols - 1; x >= 0; --x) {
        if (y < 0 || acc.at<float>(y, x) <= kNone / 2)
            y = best_row(x);
        path[static_cast<std::size_t>(x)] = y;
        y = y >= 0 ? from.at<int>(y, x) : -1;
    }
    return path;
}

} // namespace

std::vector<int> border_path(const cv::Mat& score, float bend) {
    const int rows = score.rows;
    const int cols = score.cols;
    cv::Mat acc(rows, cols, CV_32FC1, cv::Scalar(kNone));
    cv::Mat from(rows, cols, CV_32SC1, cv::Scalar(-1));
    for (int y = 0; y < rows; ++y)
        acc.at<float>(y, 0) = score.at<float>(y, 0);
    for (int x = 1; x < cols; ++x)
        for (int y = 0; y < rows; ++y) {
            const float s = score.at<float>(y, x);
            if (s <= kNone)
                continue;
            float best = kNone;
            int arg = -1;
            for (int d = -1; d <= 1; ++d) {
                const int py = y + d;
                if (py < 0 || py >= rows)
                    continue;
                const float v = acc.at<float>(py, x - 1) - (d != 0 ? bend : 0.0f);
                if (v > best) {
                    best = v;
                    arg = py;
                }
            }
            if (arg < 0 || best <= kNone / 2) {
                acc.at<float>(y, x) = s; // restart when the band jumps
                continue;
            }
            acc.at<float>(y, x) = s + best;
            from.at<int>(y, x) = arg;
        }
    return back_from_the_right(acc, from);
}

std::vector<int> thickness_path(const cv::Mat& score, const std::vector<double>& top_rows, const cv::Mat& pressed,
                                float bend) {
    const int rows = score.rows;
    const int cols = score.cols;
    CV_Assert(static_cast<int>(top_rows.size()) == cols && pressed.size() == score.size() && pressed.type() == CV_8UC1);
    cv::Mat acc(rows, cols, CV_32FC1, cv::Scalar(kNone));
    cv::Mat from(rows, cols, CV_32SC1, cv::Scalar(-1));
    for (int k = 0; k < rows; ++k)
        acc.at<float>(k, 0) = score.at<float>(k, 0);
    for (int x = 1; x < cols; ++x) {
        const std::size_t g = static_cast<std::size_t>(x);
        const double top_move = top_rows[g] >= 0.0 && top_rows[g - 1] >= 0.0 ? top_rows[g] - top_rows[g - 1] : 0.0;
        // Thinner by up to what the superficial border sank, thicker by up to what it rose: the
        // deep border holds its row.
        const int thinner = std::max(1, static_cast<int>(std::floor(top_move)));
        const int thicker = std::max(1, static_cast<int>(std::floor(-top_move)));
        for (int k = 0; k < rows; ++k) {
            const float s = score.at<float>(k, x);
            if (s <= kNone)
                continue;
            const int lowest = std::max(0, k - thicker);
            const int highest = pressed.at<unsigned char>(k, x) ? rows - 1 : std::min(rows - 1, k + thinner);
            float best = kNone;
            int arg = -1;
            for (int pk = lowest; pk <= highest; ++pk) {
                const float v = acc.at<float>(pk, x - 1) - bend * static_cast<float>(std::abs(k - pk));
                if (acc.at<float>(pk, x - 1) > kNone / 2 && v > best) {
                    best = v;
                    arg = pk;
                }
            }
            acc.at<float>(k, x) = arg < 0 ? s : s + best; // restart where nothing leads here
            from.at<int>(k, x) = arg;
        }
    }
    return back_from_the_right(acc, from);
}

} // namespace tendo::detail
