#pragma once

#include <filesystem>
#include <string>

namespace tendo {

/// What a file holds, judged by its content (never by its name).
enum class DicomObjectKind {
    /// Not DICOM: neither the "DICM" marker nor a parseable dataset with DICOM identity.
    not_dicom,
    /// A DICOM image object (or a DICOM file too damaged to tell: opening it reports why).
    image,
    /// A DICOMDIR (Media Storage Directory): an index of other files, no pixels.
    directory,
    /// A DICOM object without pixels to measure: structured report, encapsulated PDF or CDA,
    /// presentation state, key object selection, raw data, waveform, ...
    non_image,
};

struct DicomProbe {
    DicomObjectKind kind = DicomObjectKind::not_dicom;
    /// SOP Class UID (from the file meta information, else the dataset); empty when unknown.
    std::string sop_class_uid;
    /// Short lowercase description for notes, e.g. "dicomdir", "non-image object (Basic Text SR Storage)".
    std::string description;
};

/// Reads the file meta information and the dataset up to (not including) the pixel data and
/// classifies the file. Cheap: large values are not loaded. Never throws; a file that cannot be
/// read at all is reported as `image` so that opening it names the reason.
DicomProbe probe_dicom_object(const std::filesystem::path& path);

} // namespace tendo
