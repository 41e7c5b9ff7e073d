#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace tendo {

/// 8-connected components of a mask's non-zero pixels, labelled inside the pixels' bounding box
/// only: masks here are sparse (vessels, one tendon) and labelling the whole frame costs
/// milliseconds.
struct Components {
    cv::Rect box;    ///< bounding box of the non-zero pixels, in frame coordinates (empty: none)
    cv::Mat labels;  ///< CV_32S, box-sized; 0 background, 1..count-1 components
    cv::Mat stats;   ///< cv::connectedComponentsWithStats layout; labels 1.. have left/top in frame coordinates
    int count = 1;   ///< number of labels including the background

    int area(int label) const;
    /// Bounding box of one component, in frame coordinates.
    cv::Rect bounds(int label) const;
    /// Frame-sized 255/0 mask of one component.
    cv::Mat mask_of(int label, cv::Size frame_size) const;
};

/// Labels the non-zero pixels of a single-channel 8-bit mask.
Components connected_components(const cv::Mat& mask);

/// The longest external outline of a mask's non-zero pixels, in frame coordinates (traced inside
/// their bounding box); empty for an empty mask.
std::vector<cv::Point> largest_outline(const cv::Mat& mask);

/// The first and last non-zero row of each column of a mask; -1 in both where a column has none.
struct MaskRowsPerColumn {
    std::vector<int> first, last;
};
MaskRowsPerColumn mask_rows_per_column(const cv::Mat& mask);

} // namespace tendo
