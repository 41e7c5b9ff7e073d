#include "tendo/phantom/phantom.hpp"

#include "render.hpp"
#include "rng.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmimage/diregist.h> // colour image support for the JPEG encoder
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrploss.h>

#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <fstream>
#include <mutex>

namespace tendo::phantom {

namespace {

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ULL;
    }
    return h;
}

/// A UID under the 2.25 (UUID-derived) root, deterministic for `key`.
std::string uid_for(const std::string& key) {
    const std::uint64_t a = detail::mix_seed(fnv1a(key), 1);
    const std::uint64_t b = detail::mix_seed(fnv1a(key), 2);
    char buf[64];
    std::snprintf(buf, sizeof buf, "2.25.%llu%018llu", static_cast<unsigned long long>((a >> 4) | 1ULL << 58),
                  static_cast<unsigned long long>(b % 1000000000000000000ULL));
    return buf;
}

void check(const OFCondition& cond, const std::filesystem::path& path, const char* what) {
    if (cond.bad())
        throw Error(path.filename().string() + ": " + what + ": " + cond.text());
}

void register_encoders() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Keep our UIDs (deterministic files); 4:2:2 YBR_FULL_422 as ultrasound scanners write it.
        DJEncoderRegistration::registerCodecs(ECC_lossyYCbCr, EUC_never, OFFalse, 0, 0, 0, OFTrue, ESS_422);
        DcmRLEEncoderRegistration::registerCodecs();
    });
}

std::string instance_key(const PhantomCase& pc) { return "instance/" + std::to_string(pc.seed) + "/" + to_json(pc.spec).dump(); }

} // namespace

std::string sop_instance_uid(const PhantomCase& pc) { return uid_for(instance_key(pc)); }

void write_dicom(const PhantomCase& pc, const std::filesystem::path& path) {
    register_encoders();
    const CaseSpec& s = pc.spec;
    if (pc.frames.empty())
        throw Error(path.filename().string() + ": no frames to write");
    const bool multi = pc.frames.size() > 1;
    const bool grey = s.encoding == Encoding::mono2;
    const bool palette = s.encoding == Encoding::palette;

    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    auto put = [&](const DcmTagKey& tag, const std::string& value) {
        check(ds->putAndInsertString(tag, value.c_str()), path, "cannot write attribute");
    };
    put(DCM_SpecificCharacterSet, "ISO_IR 100");
    const bool doppler = s.doppler != DopplerMode::none;
    put(DCM_ImageType, doppler ? "ORIGINAL\\PRIMARY\\SMALL PARTS\\0011" : "ORIGINAL\\PRIMARY\\SMALL PARTS\\0001");
    put(DCM_SOPClassUID, multi ? UID_UltrasoundMultiframeImageStorage : UID_UltrasoundImageStorage);
    put(DCM_SOPInstanceUID, sop_instance_uid(pc));
    put(DCM_StudyDate, s.study_date);
    put(DCM_SeriesDate, s.study_date);
    put(DCM_ContentDate, s.study_date);
    put(DCM_StudyTime, "100000");
    put(DCM_SeriesTime, "100000");
    put(DCM_ContentTime, "100000");
    put(DCM_AccessionNumber, "");
    put(DCM_Modality, "US");
    put(DCM_Manufacturer, "tendo");
    put(DCM_ReferringPhysicianName, "");
    put(DCM_StudyDescription, "PROXIMAL HAMSTRING");
    const std::string side = s.laterality == "L" ? "LEFT " : s.laterality == "R" ? "RIGHT " : "";
    put(DCM_SeriesDescription, side + "HAMSTRING " + (s.view == CaseView::transverse ? "TRANSVERSE" : "LONGITUDINAL"));
    put(DCM_ManufacturerModelName, "tendo phantom");
    put(DCM_SoftwareVersions, "tendo phantom 1");
    put(DCM_PatientName, "PHANTOM^" + s.patient_id);
    put(DCM_PatientID, s.patient_id);
    put(DCM_PatientBirthDate, "");
    put(DCM_PatientSex, "O");
    put(DCM_StudyInstanceUID, uid_for("study/" + s.patient_id + "/" + s.study_date));
    put(DCM_SeriesInstanceUID, uid_for("series/" + s.patient_id + "/" + s.study_date + "/" + s.laterality));
    put(DCM_StudyID, "1");
    put(DCM_SeriesNumber, s.laterality == "L" ? "2" : "1");
    put(DCM_InstanceNumber, std::to_string(1 + static_cast<int>(pc.seed % 1000)));
    put(DCM_PatientOrientation, "");
    if (!s.laterality.empty())
        put(DCM_ImageLaterality, s.laterality);
    put(DCM_BurnedInAnnotation, "YES");
    put(DCM_PhotometricInterpretation, grey ? "MONOCHROME2" : palette ? "PALETTE COLOR" : "RGB");
    const int samples = grey || palette ? 1 : 3;
    check(ds->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(samples)), path, "cannot write attribute");
    if (samples == 3)
        check(ds->putAndInsertUint16(DCM_PlanarConfiguration, 0), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(s.rows)), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(s.cols)), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_BitsAllocated, 8), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_BitsStored, 8), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_HighBit, 7), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_PixelRepresentation, 0), path, "cannot write attribute");
    check(ds->putAndInsertUint16(DCM_UltrasoundColorDataPresent, doppler ? 1 : 0), path, "cannot write attribute");
    if (multi) {
        put(DCM_NumberOfFrames, std::to_string(pc.frames.size()));
        check(ds->putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime), path, "cannot write attribute");
        char ft[32];
        std::snprintf(ft, sizeof ft, "%.3f", s.frame_time_ms);
        put(DCM_FrameTime, ft);
    }
    if (palette) {
        const auto& pal = detail::palette_rgb();
        const Uint16 descriptor[3] = {256, 0, 16};
        const DcmTagKey desc_tags[3] = {DCM_RedPaletteColorLookupTableDescriptor, DCM_GreenPaletteColorLookupTableDescriptor,
                                        DCM_BluePaletteColorLookupTableDescriptor};
        const DcmTagKey data_tags[3] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                                        DCM_BluePaletteColorLookupTableData};
        for (int c = 0; c < 3; ++c) {
            check(ds->putAndInsertUint16Array(desc_tags[c], descriptor, 3), path, "cannot write palette");
            Uint16 data[256];
            for (int i = 0; i < 256; ++i)
                data[i] = static_cast<Uint16>(pal[static_cast<std::size_t>(i)][c] * 257);
            check(ds->putAndInsertUint16Array(data_tags[c], data, 256), path, "cannot write palette");
        }
    }
    if (s.calibration == CalibrationKind::pixel_spacing) {
        char ps[64];
        std::snprintf(ps, sizeof ps, "%.6g\\%.6g", s.spacing_mm.dy_mm, s.spacing_mm.dx_mm);
        put(DCM_PixelSpacing, ps);
    }
    for (const auto& region : pc.regions) {
        DcmItem* item = nullptr;
        check(ds->findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, -2), path, "cannot write regions");
        check(item->putAndInsertUint16(DCM_RegionSpatialFormat, static_cast<Uint16>(region.spatial_format)), path,
              "cannot write regions");
        check(item->putAndInsertUint16(DCM_RegionDataType, static_cast<Uint16>(region.data_type)), path,
              "cannot write regions");
        check(item->putAndInsertUint32(DCM_RegionFlags, region.flags), path, "cannot write regions");
        check(item->putAndInsertUint32(DCM_RegionLocationMinX0, static_cast<Uint32>(region.x0)), path, "cannot write regions");
        check(item->putAndInsertUint32(DCM_RegionLocationMinY0, static_cast<Uint32>(region.y0)), path, "cannot write regions");
        check(item->putAndInsertUint32(DCM_RegionLocationMaxX1, static_cast<Uint32>(region.x1)), path, "cannot write regions");
        check(item->putAndInsertUint32(DCM_RegionLocationMaxY1, static_cast<Uint32>(region.y1)), path, "cannot write regions");
        check(item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, static_cast<Uint16>(region.units_x)), path,
              "cannot write regions");
        check(item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, static_cast<Uint16>(region.units_y)), path,
              "cannot write regions");
        check(item->putAndInsertFloat64(DCM_PhysicalDeltaX, region.delta_x), path, "cannot write regions");
        check(item->putAndInsertFloat64(DCM_PhysicalDeltaY, region.delta_y), path, "cannot write regions");
        check(item->putAndInsertUint32(DCM_TransducerFrequency, static_cast<Uint32>(s.frequency_mhz * 1000)), path,
              "cannot write regions");
    }

    // Pixel data: interleaved RGB, grey, or palette indices.
    const std::size_t frame_bytes = static_cast<std::size_t>(s.rows) * s.cols * samples;
    std::vector<Uint8> pixels(frame_bytes * pc.frames.size());
    for (std::size_t f = 0; f < pc.frames.size(); ++f) {
        cv::Mat plane;
        if (grey)
            plane = pc.frames[f].channels() == 1 ? pc.frames[f] : [&] {
                cv::Mat g;
                cv::cvtColor(pc.frames[f], g, cv::COLOR_BGR2GRAY);
                return g;
            }();
        else if (palette)
            plane = detail::palette_indices(pc.frames[f]);
        else
            cv::cvtColor(pc.frames[f], plane, cv::COLOR_BGR2RGB);
        if (!plane.isContinuous())
            plane = plane.clone();
        std::copy(plane.data, plane.data + frame_bytes, pixels.begin() + static_cast<std::ptrdiff_t>(f * frame_bytes));
    }
    check(ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size())), path,
          "cannot write pixel data");

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    if (s.encoding == Encoding::jpeg_ybr422) {
        put(DCM_LossyImageCompression, "01");
        DJ_RPLossy params(92);
        check(ds->chooseRepresentation(EXS_JPEGProcess1, &params), path, "jpeg encoding failed");
        if (!ds->canWriteXfer(EXS_JPEGProcess1))
            throw Error(path.filename().string() + ": jpeg encoding failed");
        xfer = EXS_JPEGProcess1;
    } else if (s.encoding == Encoding::rle) {
        DcmRLERepresentationParameter params;
        check(ds->chooseRepresentation(EXS_RLELossless, &params), path, "rle encoding failed");
        if (!ds->canWriteXfer(EXS_RLELossless))
            throw Error(path.filename().string() + ": rle encoding failed");
        xfer = EXS_RLELossless;
    }
    const std::filesystem::path tmp = path.string() + ".part";
    check(file.saveFile(tmp.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_withoutPadding), path,
          "cannot write file");
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw Error(path.filename().string() + ": cannot write file: " + ec.message());
}

void write_case(const PhantomCase& pc, const std::filesystem::path& dir, const std::string& stem) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error(dir.string() + ": cannot create directory: " + ec.message());
    write_dicom(pc, dir / (stem + ".dcm"));
    nlohmann::json truth = pc.truth;
    truth["file"] = stem + ".dcm";
    truth["sop_instance_uid"] = sop_instance_uid(pc);
    const auto truth_path = dir / (stem + ".truth.json");
    {
        const auto tmp = truth_path.string() + ".part";
        std::ofstream out(tmp);
        out << truth.dump(1) << '\n';
        if (!out)
            throw Error(truth_path.filename().string() + ": cannot write file");
        out.close();
        std::filesystem::rename(tmp, truth_path, ec);
        if (ec)
            throw Error(truth_path.filename().string() + ": cannot write file: " + ec.message());
    }
    write_png_atomically(dir / (stem + ".mask.png"), pc.tendon_mask);
    write_png_atomically(dir / (stem + ".vessels.png"), pc.vessel_labels);
}

} // namespace tendo::phantom
