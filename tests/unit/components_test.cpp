// Per-column first and last mask rows, read eight pixels at a time where all are 0.
#include "tendo/imaging/components.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace tendo {
namespace {

TEST(MaskRowsPerColumn, FindsEachColumnsFirstAndLastRowWhateverTheWidth) {
    // Widths that are and are not multiples of eight, sparse pixels anywhere in a row's last bytes.
    for (int cols : {8, 13, 64, 67}) {
        cv::Mat mask(23, cols, CV_8UC1, cv::Scalar(0));
        cv::RNG rng(static_cast<std::uint64_t>(cols));
        for (int i = 0; i < cols / 2; ++i)
            mask.at<unsigned char>(rng.uniform(0, mask.rows), rng.uniform(0, cols)) = 255;
        mask.at<unsigned char>(22, cols - 1) = 1;
        const MaskRowsPerColumn rows = mask_rows_per_column(mask);
        for (int x = 0; x < cols; ++x) {
            int first = -1, last = -1;
            for (int y = 0; y < mask.rows; ++y)
                if (mask.at<unsigned char>(y, x)) {
                    first = first < 0 ? y : first;
                    last = y;
                }
            EXPECT_EQ(rows.first[static_cast<std::size_t>(x)], first) << "cols " << cols << " x " << x;
            EXPECT_EQ(rows.last[static_cast<std::size_t>(x)], last) << "cols " << cols << " x " << x;
        }
    }
}

TEST(MaskRowsPerColumn, ReadsARegionOfAFrameByItsOwnRows) {
    cv::Mat frame(10, 30, CV_8UC1, cv::Scalar(0));
    frame.at<unsigned char>(4, 12) = 255;
    const MaskRowsPerColumn rows = mask_rows_per_column(frame(cv::Rect(10, 2, 11, 6)));
    ASSERT_EQ(rows.first.size(), 11U);
    EXPECT_EQ(rows.first[2], 2);
    EXPECT_EQ(rows.last[2], 2);
    EXPECT_EQ(rows.first[0], -1);
}

} // namespace
} // namespace tendo
