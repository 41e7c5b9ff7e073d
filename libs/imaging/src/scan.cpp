#include "tendo/imaging/scan.hpp"

#include "dcmtk_frame_source.hpp"
#include "dcmtk_runtime.hpp"
#include "dicm_marker.hpp"
#include "dicom_metadata.hpp"
#include "j2k_frame_source.hpp"
#include "pixel_checks.hpp"
#include "plain_image_source.hpp"
#include "segmented_palette.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "transfer_syntax.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <array>
#include <fstream>

namespace tendo {

namespace fs = std::filesystem;

namespace {

// Values longer than this stay on disk until a frame needs them (pixel data, long cine loops).
constexpr Uint32 kMaxEagerValueBytes = 64 * 1024;

std::string quoted_name(const fs::path& path) { return path.string(); }

[[noreturn]] void fail(const fs::path& path, const std::string& reason) {
    throw DicomError(quoted_name(path) + ": " + reason);
}

detail::PixelDataShape pixel_data_shape(DcmDataset& dataset, E_TransferSyntax xfer) {
    detail::PixelDataShape shape;
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || !element)
        return shape;
    shape.present = true;
    shape.native_length_bytes = element->getLength();
    auto* pixel_data = dynamic_cast<DcmPixelData*>(element);
    if (pixel_data && DcmXfer(xfer).isEncapsulated()) {
        shape.encapsulated = true;
        DcmPixelSequence* sequence = nullptr;
        if (pixel_data->getEncapsulatedRepresentation(xfer, nullptr, sequence).good() && sequence &&
            sequence->card() > 0)
            shape.fragments = sequence->card() - 1; // the first item is the basic offset table
    }
    return shape;
}

/// Reads the last byte of the pixel data (or of its last fragment) from disk: a file cut short
/// inside the pixel data fails here, at open, instead of producing a half-made frame later.
void check_pixel_data_complete(DcmDataset& dataset, E_TransferSyntax xfer, const fs::path& path) {
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || !element)
        return;
    DcmElement* last = element;
    if (DcmXfer(xfer).isEncapsulated()) {
        auto* pixel_data = dynamic_cast<DcmPixelData*>(element);
        DcmPixelSequence* sequence = nullptr;
        if (!pixel_data || pixel_data->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence ||
            sequence->card() == 0)
            return;
        DcmPixelItem* item = nullptr;
        if (sequence->getItem(item, sequence->card() - 1).bad() || !item)
            return;
        last = item;
    }
    const Uint32 length = last->getLength();
    if (length == 0)
        return;
    std::array<Uint8, 1> byte{};
    DcmFileCache cache;
    if (last->getPartialValue(byte.data(), length - 1, 1, &cache).bad())
        fail(path, "truncated pixel data (the file ends inside the pixel data)");
}

std::string transfer_syntax_uid(DcmFileFormat& file) {
    OFString uid;
    if (file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, uid).good() && !uid.empty())
        return uid.c_str();
    return DcmXfer(file.getDataset()->getOriginalXfer()).getXferID();
}

std::shared_ptr<DcmFileFormat> load_dataset(const fs::path& path) {
    detail::init_dcmtk();
    detail::DcmtkLogCapture capture;
    auto file = std::make_shared<DcmFileFormat>();
    OFCondition status = file->loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, kMaxEagerValueBytes,
                                        ERM_autoDetect);
    // Before any value is read (even to explain a failure): see value_longer_than_file.
    if (const auto oversized = detail::value_longer_than_file(*file, path))
        fail(path, "unreadable DICOM dataset: element " + *oversized);
    if (status.bad()) {
        const std::string reason = status.text();
        OFString declared_syntax;
        if (file->getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, declared_syntax).good() &&
            detail::decoder_for(declared_syntax.c_str()) == detail::Decoder::unsupported)
            throw UnsupportedEncoding(quoted_name(path) + ": unsupported transfer syntax " +
                                      detail::transfer_syntax_name(declared_syntax.c_str()));
        if (file->getDataset()->tagExists(DCM_PixelData))
            fail(path, "truncated pixel data (the file ends inside the pixel data)");
        if (detail::has_dicm_marker(path) && !file->getMetaInfo()->tagExists(DCM_TransferSyntaxUID))
            fail(path, "unreadable DICOM dataset (no valid file meta information: " + reason + ")");
        if (status == EC_StreamNotifyClient || reason.find("end of") != std::string::npos)
            fail(path, "truncated file (header): " + reason);
        fail(path, "unreadable DICOM dataset: " + reason);
    }
    return file;
}

ScanInfo plain_image_info(const fs::path& path, const cv::Mat& pixels, const OpenOptions& options) {
    ScanInfo info;
    info.file = path;
    info.format = ScanFormat::plain_image;
    info.rows = pixels.rows;
    info.cols = pixels.cols;
    info.samples_per_pixel = pixels.channels();
    info.photometric = info.samples_per_pixel == 1 ? "MONOCHROME2" : "RGB";
    CalibrationInputs inputs;
    inputs.user_spacing_mm = options.user_spacing_mm;
    std::vector<std::string> notes;
    info.calibration = resolve_calibration(inputs, notes);
    return info;
}

} // namespace

bool looks_like_dicom(const fs::path& path) {
    if (detail::has_dicm_marker(path))
        return true;
    // No preamble: old files start directly with a group 0002 or 0008 element (little endian).
    std::ifstream in(path, std::ios::binary);
    std::array<char, 8> head{};
    in.read(head.data(), head.size());
    if (in.gcount() == 8) {
        const auto group = static_cast<unsigned>(static_cast<unsigned char>(head[0])) |
                           (static_cast<unsigned>(static_cast<unsigned char>(head[1])) << 8);
        return group == 0x0002 || group == 0x0008;
    }
    return false;
}

Scan Scan::open(const fs::path& path, const OpenOptions& options, Reporter& reporter) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error)
        fail(path, "cannot read file (" + error.message() + ")");
    if (size == 0)
        fail(path, "empty file");
    const bool dicom = looks_like_dicom(path);
    if (!dicom && detail::has_plain_image_extension(path)) {
        auto source = std::make_unique<detail::PlainImageSource>(path);
        ScanInfo info = plain_image_info(path, source->pixels(), options);
        return Scan(std::move(info), std::move(source));
    }
    if (!dicom)
        fail(path, "not a DICOM file");

    auto file = load_dataset(path);
    ScanInfo info;
    info.file = path;
    info.format = ScanFormat::dicom;
    info.transfer_syntax_uid = transfer_syntax_uid(*file);
    detail::read_metadata(*file, info);

    DcmDataset& dataset = *file->getDataset();
    const E_TransferSyntax xfer = dataset.getOriginalXfer();
    const detail::Decoder decoder = detail::decoder_for(info.transfer_syntax_uid);
    if (decoder == detail::Decoder::unsupported)
        throw UnsupportedEncoding(quoted_name(path) + ": unsupported transfer syntax " +
                                  detail::transfer_syntax_name(info.transfer_syntax_uid));
    detail::check_pixel_description(info, pixel_data_shape(dataset, xfer));
    if (info.photometric == "PALETTE COLOR") {
        try {
            detail::expand_segmented_palettes(dataset);
        } catch (const std::invalid_argument& error) {
            fail(path, std::string("invalid segmented palette: ") + error.what());
        }
    }
    check_pixel_data_complete(dataset, xfer, path);

    for (std::size_t i = 0; i < info.regions.size(); ++i)
        if (!info.regions[i].valid())
            info.warnings.push_back(quoted_name(path) + ": ultrasound region " + std::to_string(i) +
                                    " is invalid and ignored: " + info.regions[i].defect);
    CalibrationInputs inputs{info.regions, info.pixel_spacing_mm, info.imager_pixel_spacing_mm,
                             options.user_spacing_mm};
    std::vector<std::string> notes;
    info.calibration = resolve_calibration(inputs, notes);
    for (const auto& note : notes)
        info.warnings.push_back(quoted_name(path) + ": " + note);
    for (const auto& warning : info.warnings)
        reporter.warning(warning);

    std::unique_ptr<FrameSource> source;
    if (decoder == detail::Decoder::openjpeg)
        source = std::make_unique<detail::J2kFrameSource>(std::move(file), info);
    else
        source = std::make_unique<detail::DcmtkFrameSource>(std::move(file), info);
    return Scan(std::move(info), std::move(source));
}

Scan::Scan(ScanInfo info, std::unique_ptr<FrameSource> source) : info_(std::move(info)), source_(std::move(source)) {}
Scan::Scan(Scan&&) noexcept = default;
Scan& Scan::operator=(Scan&&) noexcept = default;
Scan::~Scan() = default;

Frame Scan::frame(int index) const {
    if (index < 0 || index >= info_.frames)
        throw FrameIndexError(quoted_name(info_.file) + ": frame " + std::to_string(index) + " out of range (" +
                              std::to_string(info_.frames) + " frames)");
    Frame frame;
    frame.index = index;
    frame.pixels = source_->decode(index);
    if (static_cast<std::size_t>(index) < info_.frame_offsets_ms.size())
        frame.time_ms = info_.frame_offsets_ms[static_cast<std::size_t>(index)];
    else if (info_.frame_time_ms)
        frame.time_ms = *info_.frame_time_ms * index;
    return frame;
}

} // namespace tendo
