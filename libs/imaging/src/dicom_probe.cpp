#include "tendo/imaging/dicom_probe.hpp"

#include "dcmtk_runtime.hpp"
#include "dicm_marker.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <array>
#include <fstream>
#include <string_view>

namespace tendo {

namespace fs = std::filesystem;

namespace {

// Values longer than this are left on disk while probing: the probe only needs identity tags.
constexpr Uint32 kMaxProbeValueBytes = 4096;

std::string string_value(DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    if (item.findAndGetOFString(tag, value).good())
        return std::string(value.c_str());
    return {};
}

bool is_directory_uid(const std::string& uid) { return uid == UID_MediaStorageDirectoryStorage; }

} // namespace

DicomProbe probe_dicom_object(const fs::path& path) {
    DicomProbe probe;
    if (!std::ifstream(path, std::ios::binary)) {
        probe.kind = DicomObjectKind::image;
        probe.description = "unreadable";
        return probe;
    }
    const bool marker = detail::has_dicm_marker(path);

    detail::init_dcmtk();
    detail::DcmtkLogCapture capture;
    DcmFileFormat file;
    const OFCondition status = file.loadFileUntilTag(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange,
                                                     kMaxProbeValueBytes, ERM_autoDetect, DCM_PixelData);
    DcmDataset& dataset = *file.getDataset();
    DcmMetaInfo& meta = *file.getMetaInfo();
    if (detail::value_longer_than_file(file, path)) {
        // Reading such a value would allocate its claimed length: opening gives the reason.
        probe.kind = marker ? DicomObjectKind::image : DicomObjectKind::not_dicom;
        probe.description = marker ? "damaged dicom" : "not dicom";
        return probe;
    }
    std::string sop_class = string_value(meta, DCM_MediaStorageSOPClassUID);
    if (sop_class.empty())
        sop_class = string_value(dataset, DCM_SOPClassUID);
    probe.sop_class_uid = sop_class;

    if (status.bad()) {
        // With the marker it is DICOM, only damaged: opening it gives the precise reason.
        probe.kind = marker ? DicomObjectKind::image : DicomObjectKind::not_dicom;
        probe.description = marker ? "damaged dicom" : "not dicom";
        return probe;
    }
    const bool has_pixels = dataset.tagExists(DCM_PixelData) || dataset.tagExists(DCM_FloatPixelData) ||
                            dataset.tagExists(DCM_DoubleFloatPixelData);
    const bool directory = is_directory_uid(sop_class) || dataset.tagExists(DCM_DirectoryRecordSequence);
    if (!marker && sop_class.empty() && !has_pixels && !directory) {
        // Without the marker, only a dataset that says what it is counts as DICOM: random bytes
        // can parse as a few elements.
        probe.kind = DicomObjectKind::not_dicom;
        probe.description = "not dicom";
        return probe;
    }
    if (directory) {
        probe.kind = DicomObjectKind::directory;
        probe.description = "dicomdir";
        return probe;
    }
    const bool known_storage = !sop_class.empty() && dcmIsaStorageSOPClassUID(sop_class.c_str(), ESSC_All);
    const bool image_class = !sop_class.empty() && dcmIsImageStorageSOPClassUID(sop_class.c_str());
    // A file without a SOP class is not a known kind of object: opening it names what is wrong.
    if ((known_storage && !image_class) || (!has_pixels && !image_class && !sop_class.empty())) {
        probe.kind = DicomObjectKind::non_image;
        const char* name = sop_class.empty() ? nullptr : dcmFindNameOfUID(sop_class.c_str(), nullptr);
        probe.description = "non-image object (" + (name ? std::string(name) : sop_class) + ")";
        return probe;
    }
    probe.kind = DicomObjectKind::image;
    probe.description = "image";
    return probe;
}

} // namespace tendo
