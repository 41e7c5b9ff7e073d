#include "tendon_finders.hpp"

#include <vector>

namespace tendo::detail {

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
    // Back from the right: a column without a predecessor on the path (a restart, or a column
    // where the border may not go at all) takes its own best row; -1 where no row is allowed.
    std::vector<int> path(static_cast<std::size_t>(cols), -1);
    auto best_row = [&](int x) {
        int arg = -1;
        float best = kNone / 2;
        for (int r = 0; r < rows; ++r)
            if (acc.at<float>(r, x) > best) {
                best = acc.at<float>(r, x);
                arg = r;
            }
        return arg;
    };
    int y = -1;
    for (int x = cols - 1; x >= 0; --x) {
        if (y < 0 || acc.at<float>(y, x) <= kNone / 2)
            y = best_row(x);
        path[static_cast<std::size_t>(x)] = y;
        y = y >= 0 ? from.at<int>(y, x) : -1;
    }
    return path;
}

} // namespace tendo::detail
