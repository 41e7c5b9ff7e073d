#include "synthetic_dicom.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace tendo::testing {

namespace {

void check(const OFCondition& condition, const std::string& what) {
    if (condition.bad())
        throw std::runtime_error(what + ": " + condition.text());
}

/// A UID under the 2.25 root (a decimal UUID), unique per (kind, seed).
std::string uid_for(std::uint32_t kind, std::uint32_t seed, std::uint32_t part) {
    return "2.25.31415926" + std::to_string(kind) + std::to_string(1000000000ULL + seed) + "." + std::to_string(part);
}

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    check(item.putAndInsertString(tag, value.c_str()), std::string("cannot set ") + tag.toString().c_str());
}

void save(DcmFileFormat& file, const std::filesystem::path& path, bool preamble) {
    check(file.saveFile(OFFilename(path.c_str()), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL,
                        EPD_noChange, 0, 0, EWM_fileformat),
          "cannot write " + path.string());
    if (!preamble) {
        // Drop the 128-byte preamble and the "DICM" marker: the file then starts with group 0002.
        std::FILE* in = std::fopen(path.c_str(), "rb");
        if (!in)
            throw std::runtime_error("cannot reopen " + path.string());
        std::vector<char> bytes;
        char block[65536];
        std::size_t got = 0;
        while ((got = std::fread(block, 1, sizeof block, in)) > 0)
            bytes.insert(bytes.end(), block, block + got);
        std::fclose(in);
        std::FILE* out = std::fopen(path.c_str(), "wb");
        if (!out || bytes.size() < 132)
            throw std::runtime_error("cannot rewrite " + path.string());
        std::fwrite(bytes.data() + 132, 1, bytes.size() - 132, out);
        std::fclose(out);
    }
}

std::vector<Uint8> synthetic_pixels(const SyntheticScan& scan) {
    std::mt19937 random(scan.seed);
    std::normal_distribution<double> speckle(0.0, 14.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const int rows = scan.rows;
    const int cols = scan.cols;
    const double band_top = rows * (0.2 + 0.15 * uniform(random));
    const double band_thickness = rows * (0.08 + 0.08 * uniform(random));
    const double bone_row = band_top + band_thickness + rows * (0.05 + 0.1 * uniform(random));
    const double tilt = (uniform(random) - 0.5) * 0.2;
    std::vector<Uint8> pixels(static_cast<std::size_t>(rows) * cols * scan.frames);
    for (int f = 0; f < scan.frames; ++f) {
        const double breathe = 1.5 * std::sin(f * 0.7);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const double top = band_top + tilt * c + breathe;
                const double bone = bone_row + tilt * c + breathe;
                double value = 45.0;
                if (r >= top && r < top + band_thickness)
                    value = 150.0;
                else if (std::abs(r - bone) < 2.0)
                    value = 235.0;
                else if (r > bone)
                    value = 12.0;
                value += speckle(random);
                pixels[(static_cast<std::size_t>(f) * rows + r) * cols + c] =
                    static_cast<Uint8>(std::clamp(value, 0.0, 255.0));
            }
    }
    return pixels;
}

void put_region(DcmDataset& dataset, int rows, int cols) {
    DcmItem* region = nullptr;
    check(dataset.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, region, -2), "cannot add region");
    check(region->putAndInsertUint16(DCM_RegionSpatialFormat, 1), "region");
    check(region->putAndInsertUint16(DCM_RegionDataType, 1), "region");
    check(region->putAndInsertUint32(DCM_RegionFlags, 0), "region");
    check(region->putAndInsertUint32(DCM_RegionLocationMinX0, 0), "region");
    check(region->putAndInsertUint32(DCM_RegionLocationMinY0, 0), "region");
    check(region->putAndInsertUint32(DCM_RegionLocationMaxX1, static_cast<Uint32>(cols - 1)), "region");
    check(region->putAndInsertUint32(DCM_RegionLocationMaxY1, static_cast<Uint32>(rows - 1)), "region");
    check(region->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3), "region");
    check(region->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3), "region");
    check(region->putAndInsertFloat64(DCM_PhysicalDeltaX, 0.01), "region");
    check(region->putAndInsertFloat64(DCM_PhysicalDeltaY, 0.01), "region");
}

} // namespace

void write_synthetic_scan(const std::filesystem::path& path, const SyntheticScan& scan) {
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    const bool multiframe = scan.frames > 1;
    const char* sop_class = multiframe ? UID_UltrasoundMultiframeImageStorage : UID_UltrasoundImageStorage;
    put(dataset, DCM_SOPClassUID, sop_class);
    put(dataset, DCM_SOPInstanceUID, uid_for(1, scan.seed, 3));
    put(dataset, DCM_StudyInstanceUID, uid_for(1, scan.seed, 1));
    put(dataset, DCM_SeriesInstanceUID, uid_for(1, scan.seed, 2));
    put(dataset, DCM_Modality, "US");
    put(dataset, DCM_PatientID, scan.patient_id);
    put(dataset, DCM_PatientName, "Synthetic^" + scan.patient_id);
    put(dataset, DCM_StudyDate, scan.study_date);
    if (!scan.laterality.empty())
        put(dataset, DCM_ImageLaterality, scan.laterality);
    put(dataset, DCM_Manufacturer, "tendo tests");
    put(dataset, DCM_PhotometricInterpretation, "MONOCHROME2");
    check(dataset.putAndInsertUint16(DCM_SamplesPerPixel, 1), "samples");
    check(dataset.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(scan.rows)), "rows");
    check(dataset.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(scan.cols)), "cols");
    check(dataset.putAndInsertUint16(DCM_BitsAllocated, 8), "bits");
    check(dataset.putAndInsertUint16(DCM_BitsStored, 8), "bits");
    check(dataset.putAndInsertUint16(DCM_HighBit, 7), "bits");
    check(dataset.putAndInsertUint16(DCM_PixelRepresentation, 0), "bits");
    if (multiframe) {
        put(dataset, DCM_NumberOfFrames, std::to_string(scan.frames));
        put(dataset, DCM_FrameTime, "33.3");
        check(dataset.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime), "frame increment pointer");
    }
    put_region(dataset, scan.rows, scan.cols);
    const std::vector<Uint8> pixels = synthetic_pixels(scan);
    check(dataset.putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size())),
          "pixel data");
    save(file, path, scan.preamble);
}

void write_non_image_object(const std::filesystem::path& path, const std::string& kind, std::uint32_t seed) {
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    if (kind == "dicomdir") {
        DcmMetaInfo& meta = *file.getMetaInfo();
        put(meta, DCM_MediaStorageSOPClassUID, UID_MediaStorageDirectoryStorage);
        put(meta, DCM_MediaStorageSOPInstanceUID, uid_for(9, seed, 1));
        put(dataset, DCM_FileSetID, "TENDO");
        check(dataset.insertEmptyElement(DCM_DirectoryRecordSequence), "directory records");
        check(file.saveFile(OFFilename(path.c_str()), EXS_LittleEndianExplicit), "cannot write " + path.string());
        return;
    }
    std::string sop_class;
    if (kind == "sr")
        sop_class = UID_BasicTextSRStorage;
    else if (kind == "pdf")
        sop_class = UID_EncapsulatedPDFStorage;
    else if (kind == "pr")
        sop_class = UID_GrayscaleSoftcopyPresentationStateStorage;
    else
        throw std::invalid_argument("unknown non-image kind " + kind);
    put(dataset, DCM_SOPClassUID, sop_class);
    put(dataset, DCM_SOPInstanceUID, uid_for(2, seed, 3));
    put(dataset, DCM_StudyInstanceUID, uid_for(2, seed, 1));
    put(dataset, DCM_SeriesInstanceUID, uid_for(2, seed, 2));
    put(dataset, DCM_PatientID, "PAT-NONIMAGE");
    put(dataset, DCM_Modality, kind == "sr" ? "SR" : kind == "pdf" ? "DOC" : "PR");
    if (kind == "sr") {
        put(dataset, DCM_ValueType, "CONTAINER");
        put(dataset, DCM_CompletionFlag, "COMPLETE");
    } else if (kind == "pdf") {
        put(dataset, DCM_MIMETypeOfEncapsulatedDocument, "application/pdf");
        const std::string pdf = "%PDF-1.4\n% tendo test document " + std::to_string(seed) + "\n%%EOF\n";
        std::vector<Uint8> bytes(pdf.begin(), pdf.end());
        if (bytes.size() % 2)
            bytes.push_back(0);
        check(dataset.putAndInsertUint8Array(DCM_EncapsulatedDocument, bytes.data(),
                                             static_cast<unsigned long>(bytes.size())),
              "encapsulated document");
    } else {
        put(dataset, DCM_ContentLabel, "ANNOTATION");
    }
    save(file, path, true);
}

} // namespace tendo::testing
