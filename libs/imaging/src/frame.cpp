#include "tendo/imaging/frame.hpp"

#include <opencv2/imgproc.hpp>

namespace tendo {

cv::Mat to_grey(const cv::Mat& pixels) {
    CV_Assert(pixels.type() == CV_8UC1 || pixels.type() == CV_8UC3);
    if (pixels.channels() == 1)
        return pixels.clone();
    cv::Mat grey;
    // OpenCV's BGR2GRAY uses the BT.601 weights 0.299, 0.587, 0.114 with rounding.
    cv::cvtColor(pixels, grey, cv::COLOR_BGR2GRAY);
    return grey;
}

} // namespace tendo
