// Prints what a rendered page screenshot holds, so a test can tell a drawn page from a blank one:
// "cols rows distinct_grey_levels non_background_fraction" (background = the most common grey).
#include "tendo/imaging/image_io.hpp"

#include <opencv2/imgproc.hpp>

#include <array>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: tendo_png_stats IMAGE.png\n");
        return 2;
    }
    try {
        const cv::Mat image = tendo::read_image(argv[1]);
        cv::Mat grey = image;
        if (image.channels() == 3)
            cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
        std::array<long, 256> histogram{};
        for (int r = 0; r < grey.rows; ++r)
            for (int c = 0; c < grey.cols; ++c)
                ++histogram[grey.at<unsigned char>(r, c)];
        int distinct = 0;
        long most = 0;
        for (const long count : histogram) {
            distinct += count > 0 ? 1 : 0;
            most = count > most ? count : most;
        }
        const double total = static_cast<double>(grey.total());
        std::printf("%d %d %d %.4f\n", grey.cols, grey.rows, distinct, total > 0 ? 1.0 - most / total : 0.0);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "tendo_png_stats: %s\n", error.what());
        return 1;
    }
}
