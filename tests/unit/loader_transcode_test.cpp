// Transfer syntaxes and photometrics no real sample carries, made at test time by re-encoding a real
// file with DCMTK's encoders; each must decode to the pixels of the original.
#include "dcmtk_runtime.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include <filesystem>
#include <functional>

namespace tendo {
namespace {

namespace fs = std::filesystem;
const fs::path kRealDir = fs::path(TENDO_TEST_DATA) / "dicom-real";

class Transcoded : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        detail::init_dcmtk(); // decoders, for reading the JPEG lossless source
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs();
    }

    void SetUp() override {
        directory_ = fs::temp_directory_path() /
                     ("tendo_transcode_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(directory_);
    }
    void TearDown() override { fs::remove_all(directory_); }

    /// Re-encodes `source` into `xfer`; `edit` may change the dataset first (decompressed).
    fs::path transcode(const fs::path& source, E_TransferSyntax xfer, const DcmRepresentationParameter* parameter,
                       const std::function<void(DcmDataset&)>& edit = {}) {
        DcmFileFormat file;
        EXPECT_TRUE(file.loadFile(source.c_str()).good());
        DcmDataset& dataset = *file.getDataset();
        EXPECT_TRUE(dataset.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).good());
        if (edit)
            edit(dataset);
        EXPECT_TRUE(dataset.chooseRepresentation(xfer, parameter).good()) << DcmXfer(xfer).getXferName();
        const fs::path target = directory_ / (std::string(DcmXfer(xfer).getXferID()) + ".dcm");
        EXPECT_TRUE(file.saveFile(target.c_str(), xfer).good());
        return target;
    }

    static cv::Mat frame0(const fs::path& path) {
        SilentReporter reporter;
        return Scan::open(path, {}, reporter).frame(0).pixels;
    }

    fs::path directory_;
};

const fs::path kMono = kRealDir / "us_mono_jpeg_lossless_regions_epiq.dcm";
const fs::path kRgb = kRealDir / "us_rgb_explicit_logiq700.dcm";

TEST_F(Transcoded, LosslessSyntaxesAreExact) {
    const cv::Mat original = frame0(kMono);
    DJ_RPLossless lossless;
    DJLSRepresentationParameter jpeg_ls_lossless(2, OFTrue);
    for (auto [xfer, parameter] : std::vector<std::pair<E_TransferSyntax, const DcmRepresentationParameter*>>{
             {EXS_LittleEndianImplicit, nullptr},
             {EXS_DeflatedLittleEndianExplicit, nullptr},
             {EXS_BigEndianExplicit, nullptr},
             {EXS_RLELossless, nullptr},
             {EXS_JPEGProcess14, &lossless},
             {EXS_JPEGLSLossless, &jpeg_ls_lossless}}) {
        const fs::path file = transcode(kMono, xfer, parameter);
        SilentReporter reporter;
        const Scan scan = Scan::open(file, {}, reporter);
        EXPECT_EQ(scan.info().transfer_syntax_uid, DcmXfer(xfer).getXferID());
        EXPECT_EQ(cv::norm(scan.frame(0).pixels, original, cv::NORM_INF), 0.0) << DcmXfer(xfer).getXferName();
        EXPECT_TRUE(scan.info().calibration.spacing_mm) << "regions survive re-encoding";
    }
}

TEST_F(Transcoded, LossySyntaxesStayCloseToTheOriginal) {
    const cv::Mat original = frame0(kRgb);
    DJ_RPLossy quality90(90);
    DJLSRepresentationParameter near_lossless(2, OFTrue);
    for (auto [xfer, parameter] : std::vector<std::pair<E_TransferSyntax, const DcmRepresentationParameter*>>{
             {EXS_JPEGProcess1, &quality90}, {EXS_JPEGProcess2_4, &quality90}, {EXS_JPEGLSLossy, &near_lossless}}) {
        const cv::Mat decoded = frame0(transcode(kRgb, xfer, parameter));
        ASSERT_EQ(decoded.type(), CV_8UC3);
        EXPECT_GE(cv::PSNR(decoded, original), 30.0) << DcmXfer(xfer).getXferName();
    }
}

TEST_F(Transcoded, Monochrome1IsShownInverted) {
    const cv::Mat original = frame0(kMono);
    const fs::path file = transcode(kMono, EXS_LittleEndianExplicit, nullptr, [](DcmDataset& dataset) {
        dataset.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME1");
        dataset.findAndDeleteElement(DCM_PresentationLUTShape); // IDENTITY here would cancel the inversion
    });
    cv::Mat inverted;
    cv::bitwise_not(original, inverted);
    // DCMTK renders MONOCHROME1 through its internal value range and rounds: within one grey level of
    // 255 - v (dcmj2pnm shows the same pixels as tendo, checked by hand on this file).
    EXPECT_LE(cv::norm(frame0(file), inverted, cv::NORM_INF), 1.0);
    EXPECT_GT(cv::norm(frame0(file), original, cv::NORM_INF), 200.0);
}

TEST_F(Transcoded, UnsupportedTransferSyntaxIsNamed) {
    const fs::path file = transcode(kMono, EXS_LittleEndianExplicit, nullptr);
    DcmFileFormat patched;
    ASSERT_TRUE(patched.loadFile(file.c_str()).good());
    // A transfer syntax this build cannot decode (MPEG-4), with the native pixels left as they are.
    patched.getMetaInfo()->putAndInsertString(DCM_TransferSyntaxUID, "1.2.840.10008.1.2.4.102");
    const fs::path mpeg = directory_ / "mpeg.dcm";
    ASSERT_TRUE(patched.saveFile(mpeg.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL,
                                 EPD_noChange, 0, 0, EWM_dontUpdateMeta)
                    .good());
    SilentReporter reporter;
    try {
        Scan::open(mpeg, {}, reporter);
        FAIL() << "an MPEG-4 file was accepted";
    } catch (const UnsupportedEncoding& error) {
        EXPECT_NE(std::string(error.what()).find("1.2.840.10008.1.2.4.102"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("unsupported transfer syntax"), std::string::npos);
    }
}

} // namespace
} // namespace tendo
