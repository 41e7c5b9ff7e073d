// Per-file budgets of batch scoring (file_limits.hpp): the memory estimate refuses a file before
// any frame is decoded, the deadline reaches the analysis through the reporter and stops it, and
// files inside their budgets pass through unchanged.
#include "tendo/scoring/file_limits.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace tendo::scoring {
namespace {

const std::string kData = TENDO_TEST_DATA;

FileAnalysis fine_result(const FileRequest& request) {
    FileAnalysis out;
    out.result.file = request.file;
    out.result.status = Status::ok;
    return out;
}

TEST(FileLimits, EstimateCountsOneFrameOfWorkingImages) {
    ScanInfo info;
    info.rows = 480;
    info.cols = 640;
    info.samples_per_pixel = 3;
    info.frames = 200; // frames are decoded one at a time: the count does not multiply memory
    EXPECT_EQ(estimated_analysis_bytes(info), 480u * 640u * (3u + 16u));
    info.bits_allocated = 16;
    info.samples_per_pixel = 1;
    EXPECT_EQ(estimated_analysis_bytes(info), 480u * 640u * (2u + 16u));
}

TEST(FileLimits, HeaderClaimingHugeFramesIsRefusedBeforeDecoding) {
    std::atomic<int> calls{0};
    const FileAnalyzer inner = [&](const FileRequest& request, Reporter&) {
        ++calls;
        return fine_result(request);
    };
    const auto limited = limit_file_analyzer(inner, FileLimits{}, {});
    SilentReporter reporter;
    const std::string file = kData + "/limits/huge_frames_claim.dcm";
    const FileAnalysis out = limited(FileRequest{file, false}, reporter);
    EXPECT_EQ(calls.load(), 0) << "the analysis must not start";
    ASSERT_EQ(out.result.status, Status::error);
    ASSERT_TRUE(out.result.error);
    EXPECT_NE(out.result.error->find("12000 x 12000"), std::string::npos) << *out.result.error;
    EXPECT_NE(out.result.error->find("memory budget of 2048 MB"), std::string::npos) << *out.result.error;
    EXPECT_EQ(out.result.error->rfind(file, 0), 0u) << "the reason names the file first";
}

TEST(FileLimits, SmallBudgetRefusesAnOrdinaryScanAndNoBudgetLetsItThrough) {
    const std::string file = kData + "/dicom-real/us_rgb_explicit_logiq700.dcm"; // 640 x 480
    const FileAnalyzer inner = [](const FileRequest& request, Reporter&) { return fine_result(request); };
    SilentReporter reporter;
    const FileAnalysis refused =
        limit_file_analyzer(inner, FileLimits{0, 5}, {})(FileRequest{file, false}, reporter);
    EXPECT_EQ(refused.result.status, Status::error);
    const FileAnalysis passed =
        limit_file_analyzer(inner, FileLimits{0, 6}, {})(FileRequest{file, false}, reporter);
    EXPECT_EQ(passed.result.status, Status::ok);
    const FileAnalysis unlimited =
        limit_file_analyzer(inner, FileLimits{0, 0}, {})(FileRequest{file, false}, reporter);
    EXPECT_EQ(unlimited.result.status, Status::ok);
}

TEST(FileLimits, UnreadableFileGoesToTheAnalyzerForItsReason) {
    std::atomic<int> calls{0};
    const FileAnalyzer inner = [&](const FileRequest& request, Reporter&) {
        ++calls;
        return FileAnalysis{error_result(request.file, request.file + ": empty file"), {}, {}};
    };
    SilentReporter reporter;
    const std::string file = kData + "/dicom-bad/empty.dcm";
    const FileAnalysis out = limit_file_analyzer(inner, FileLimits{}, {})(FileRequest{file, false}, reporter);
    EXPECT_EQ(calls.load(), 1);
    ASSERT_TRUE(out.result.error);
    EXPECT_EQ(*out.result.error, file + ": empty file");
}

TEST(FileLimits, DeadlineStopsWorkThatPollsTheReporter) {
    // Stands in for a long cine: one "frame" per millisecond, checking for cancellation between
    // frames as analyze_scan does, for up to 60 s unless told to stop.
    std::atomic<int> frames{0};
    const FileAnalyzer inner = [&](const FileRequest& request, Reporter& reporter) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!reporter.cancelled() && std::chrono::steady_clock::now() < give_up) {
            ++frames;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return fine_result(request);
    };
    SilentReporter reporter;
    const std::string file = kData + "/dicom-real/us_rgb_explicit_logiq700.dcm";
    const auto started = std::chrono::steady_clock::now();
    const FileAnalysis out =
        limit_file_analyzer(inner, FileLimits{0.2, 0}, {})(FileRequest{file, false}, reporter);
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(spent, 30.0) << "the deadline did not reach the work";
    EXPECT_GT(frames.load(), 0);
    ASSERT_EQ(out.result.status, Status::error);
    ASSERT_TRUE(out.result.error);
    EXPECT_NE(out.result.error->find("over the time budget of 0.2 s"), std::string::npos)
        << *out.result.error;
}

TEST(FileLimits, OuterCancellationStillReachesTheWork) {
    class Cancelled final : public Reporter {
    public:
        bool cancelled() const override { return true; }
    };
    bool saw_cancel = false;
    const FileAnalyzer inner = [&](const FileRequest& request, Reporter& reporter) {
        saw_cancel = reporter.cancelled();
        return fine_result(request);
    };
    Cancelled reporter;
    const std::string file = kData + "/dicom-real/us_rgb_explicit_logiq700.dcm";
    const FileAnalysis out = limit_file_analyzer(inner, FileLimits{}, {})(FileRequest{file, false}, reporter);
    EXPECT_TRUE(saw_cancel);
    EXPECT_EQ(out.result.status, Status::ok) << "cancelled by the user is not over budget";
}

TEST(FileLimits, CaptureClaimingGigapixelsIsRefusedFromItsHeader) {
    // 132 bytes claiming 18000 x 18000 RGB (972 MB, under stb's own 1 GB header check).
    const std::string file = kData + "/limits/huge_capture.png";
    SilentReporter reporter;
    try {
        (void)Scan::open(file, {}, reporter);
        FAIL() << "opened";
    } catch (const DicomError& error) {
        EXPECT_NE(std::string(error.what()).find("image too large (18000 x 18000 pixels)"), std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace tendo::scoring
