// DICOM SR export: TID 1500 Measurement Report through DCMTK's cmr templates.
#include "tendo/scoring/sr_export.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/scoring/batch_inputs.hpp"
#include "tendo/scoring/followup.hpp"
#include "tendo/version.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/cid5000.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/ucum.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace tendo::scoring {

namespace fs = std::filesystem;

namespace {

/// tendo's own coding scheme (a private scheme designator, as PS3.16 allows, "99" prefix).
constexpr const char* kScheme = "99TENDO";

DSRCodedEntryValue tendo_code(const char* value, const char* meaning) {
    return DSRCodedEntryValue(value, kScheme, meaning);
}

std::string uid() {
    char buffer[100];
    dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT);
    return buffer;
}

/// A DS value: at most 16 characters.
std::string decimal_string(double value) {
    for (int precision = 6; precision > 0; --precision) {
        char text[64];
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::string(text).size() <= 16)
            return text;
    }
    return "0";
}

void check(const OFCondition& condition, const fs::path& out_file, const std::string& what) {
    if (condition.bad())
        throw Error(out_file.string() + ": " + what + ": " + condition.text());
}

std::string get_string(DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    if (item.findAndGetOFStringArray(tag, value).good())
        return value.c_str();
    return {};
}

} // namespace

void write_measurement_report(const ScanResult& result, const fs::path& out_file) {
    if (result.status == Status::error)
        throw Error(out_file.string() + ": " + result.file + " was not scored");

    // The scanned file, when it is still where the result says.
    DcmFileFormat source;
    bool have_source = false;
    if (!result.file.empty() && fs::is_regular_file(result.file))
        have_source = source.loadFile(result.file.c_str()).good();
    DcmDataset* image = have_source ? source.getDataset() : nullptr;

    TID1500_MeasurementReport report(CMR_CID7021::ImagingMeasurementReport);
    check(report.setLanguage(CID5000_Languages::English), out_file, "language");
    check(report.getObservationContext().addDeviceObserver(uid(), "tendo", "tendo", kPipelineVersion), out_file,
          "observer");
    check(report.addProcedureReported(CID100_QuantitativeDiagnosticImagingProcedures(
                                          tendo_code("PHTUS", "Proximal hamstring tendon ultrasound")),
                                      OFFalse),
          out_file, "procedure");
    if (image) {
        auto& library = report.getImageLibrary();
        check(library.createNewImageLibrary(), out_file, "image library");
        check(library.addImageGroup(), out_file, "image library group");
        const OFCondition added = library.addImageEntry(*image, TID1600_ImageLibrary::withAllDescriptors);
        if (added.bad() && added != CMR_EC_NoImageLibraryEntryDescriptorsToBeAdded)
            check(added, out_file, "image library entry");
    }

    auto& group = report.getIndividualMeasurements();
    const std::string side = result.laterality.value_or("");
    const std::string tracking = side.empty() ? "proximal hamstring tendon" : "proximal hamstring tendon " + side;
    check(group.setTrackingIdentifier(tracking.c_str()), out_file, "tracking id");
    check(group.setTrackingUniqueIdentifier(uid().c_str()), out_file, "tracking uid");
    check(group.addFindingSite(tendo_code("PHT", "Proximal hamstring tendon"),
                               side.empty() ? CID244e_Laterality() : CID244e_Laterality(side.c_str()),
                               DSRCodedEntryValue(), OFFalse),
          out_file, "finding site");

    using Units = CID7181_AbstractMultiDimensionalImageModelComponentUnits;
    using Concept = CID7469_GenericIntensityAndSizeMeasurements;
    using Value = TID1500_MeasurementReport::TID1501_Measurements::MeasurementValue;
    const Units mm{CODE_UCUM_Millimeter};
    const Units mm2{DSRCodedEntryValue("mm2", "UCUM", "square millimeter")};
    const Units ratio{DSRCodedEntryValue("1", "UCUM", "no units")};
    const Units grey{DSRCodedEntryValue("{grey level}", "UCUM", "grey level")};
    const Units count{DSRCodedEntryValue("{vessels}", "UCUM", "vessels")};
    const Units grade{DSRCodedEntryValue("{grade}", "UCUM", "grade")};
    int added = 0;
    auto add = [&](const std::optional<double>& value, const char* code, const char* meaning, const Units& units) {
        if (!value || !std::isfinite(*value))
            return;
        check(group.addMeasurement(Concept(tendo_code(code, meaning)),
                                   Value(decimal_string(*value).c_str(), units, OFFalse), OFTrue, OFFalse),
              out_file, meaning);
        ++added;
    };
    auto as_double = [](const std::optional<int>& value) {
        return value ? std::optional<double>(*value) : std::nullopt;
    };
    if (result.calibrated) {
        add(result.thickness.max_mm, "THKMAX", "Tendon thickness, maximum", mm);
        add(result.thickness.mean_mm, "THKMEAN", "Tendon thickness, mean", mm);
        add(result.thickness.at_reference_mm, "THKREF", "Tendon thickness at reference distance", mm);
        add(result.csa_mm2, "CSA", "Tendon cross-sectional area", mm2);
        add(result.tendon_area_mm2, "AREA", "Tendon area in image", mm2);
    }
    add(result.echogenicity.mean, "ECHOMEAN", "Tendon echogenicity, mean grey level", grey);
    add(result.echogenicity.normalized, "ECHONORM", "Tendon echogenicity, normalized", ratio);
    add(result.echogenicity.hypoechoic_fraction, "HYPOFRAC", "Hypoechoic fraction of tendon", ratio);
    add(result.echogenicity.coherence, "COHER", "Fibre orientation coherence", ratio);
    if (result.neovascularity.doppler) {
        add(result.neovascularity.vascular_fraction, "VASCFRAC", "Doppler vascular fraction of tendon", ratio);
        add(as_double(result.neovascularity.vessel_count), "VESSELS", "Vessels in or near tendon", count);
        add(as_double(result.neovascularity.vessels_in_tendon), "VESSIN", "Vessels in tendon", count);
        add(as_double(result.neovascularity.ohberg_grade), "OHBERG", "Modified Ohberg grade", grade);
    }
    if (added == 0)
        throw NothingToReport(out_file.string() + ": " + result.file + " has no measurement to report");

    DSRDocument document(DSRTypes::DT_ComprehensiveSR);
    check(document.setTreeFromRootTemplate(report, OFTrue /* expand included templates */), out_file, "document tree");
    if (image) {
        const std::string study_uid = get_string(*image, DCM_StudyInstanceUID);
        if (study_uid.empty())
            document.createNewStudy();
        else
            check(document.createNewSeriesInStudy(study_uid.c_str()), out_file, "study");
        document.setPatientName(get_string(*image, DCM_PatientName).c_str(), OFFalse);
        document.setPatientID(get_string(*image, DCM_PatientID).c_str(), OFFalse);
        document.setPatientBirthDate(get_string(*image, DCM_PatientBirthDate).c_str(), OFFalse);
        document.setPatientSex(get_string(*image, DCM_PatientSex).c_str(), OFFalse);
        document.setStudyDate(get_string(*image, DCM_StudyDate).c_str(), OFFalse);
        document.setStudyTime(get_string(*image, DCM_StudyTime).c_str(), OFFalse);
        document.setStudyID(get_string(*image, DCM_StudyID).c_str(), OFFalse);
        document.setAccessionNumber(get_string(*image, DCM_AccessionNumber).c_str(), OFFalse);
        document.setReferringPhysicianName(get_string(*image, DCM_ReferringPhysicianName).c_str(), OFFalse);
        document.setStudyDescription(get_string(*image, DCM_StudyDescription).c_str(), OFFalse);
        // The image library references the scan: it is the evidence this report was made from.
        const std::string series_uid = get_string(*image, DCM_SeriesInstanceUID);
        const std::string class_uid = get_string(*image, DCM_SOPClassUID);
        const std::string instance_uid = get_string(*image, DCM_SOPInstanceUID);
        if (!study_uid.empty() && !series_uid.empty() && !class_uid.empty() && !instance_uid.empty())
            check(document.getCurrentRequestedProcedureEvidence().addItem(study_uid.c_str(), series_uid.c_str(),
                                                                          class_uid.c_str(), instance_uid.c_str(),
                                                                          OFFalse),
                  out_file, "evidence");
    } else {
        document.createNewStudy();
        document.setPatientID(result.patient_id.value_or("").c_str(), OFFalse);
        std::string date = result.study_date.value_or("");
        date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
        document.setStudyDate(date.c_str(), OFFalse);
    }
    document.setSeriesDescription("tendo measurements", OFFalse);
    document.setManufacturer("tendo", OFFalse);
    document.setManufacturerModelName("tendo", OFFalse);
    document.setDeviceSerialNumber("0", OFFalse);
    document.setSoftwareVersions(kPipelineVersion, OFFalse);

    DcmFileFormat out;
    check(document.write(*out.getDataset()), out_file, "cannot encode");
    fs::path temporary = out_file;
    temporary += ".tmp";
    check(out.saveFile(temporary.c_str(), EXS_LittleEndianExplicit), out_file, "cannot write");
    std::error_code error;
    fs::rename(temporary, out_file, error);
    if (error)
        throw Error(out_file.string() + ": cannot write (" + error.message() + ")");
}

SrExportCounts export_sr(const fs::path& results, const fs::path& out_dir, Reporter& reporter) {
    const auto scans = load_scored(results);
    fs::create_directories(out_dir);
    SrExportCounts counts;
    std::set<std::string> used;
    std::size_t done = 0;
    for (const auto& scan : scans) {
        reporter.progress(done++, scans.size());
        const auto& result = scan.result;
        if (result.status == Status::error) {
            ++counts.skipped;
            reporter.warning(result.file + ": not scored, no report");
            continue;
        }
        const std::string stem = output_stem(result.file); // never a path outside out_dir
        std::string name = stem;
        for (int k = 2; used.count(name) > 0; ++k)
            name = stem + "_" + std::to_string(k);
        used.insert(name);
        try {
            write_measurement_report(result, out_dir / (name + ".sr.dcm"));
            ++counts.written;
        } catch (const NothingToReport& error) {
            ++counts.skipped;
            reporter.warning(error.what());
        } catch (const Error& error) {
            ++counts.failed;
            reporter.warning(error.what());
        }
    }
    reporter.progress(scans.size(), scans.size());
    return counts;
}

} // namespace tendo::scoring
