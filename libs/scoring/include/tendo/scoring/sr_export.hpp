#pragma once

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/scoring/scan_result.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace tendo::scoring {

/// Writes one DICOM SR (TID 1500 Measurement Report, built with DCMTK's dcmsr/cmr; Enhanced SR IOD)
/// for a scored scan to `out_file`. Patient and study come from the scanned file when it can
/// still be read (and the image is then listed in the image library and referenced); otherwise
/// from the result's patient_id and study_date, in a new study. Measurements: thickness max,
/// mean and at reference (mm, calibrated scans only), CSA and tendon area (mm2), echogenicity
/// mean, normalized, hypoechoic fraction, coherence, vascular fraction, vessel counts and Öhberg
/// grade; unknown values are left out. Throws tendo::Error ("out_file: reason") when the result
/// has status error or DCMTK refuses the document, NothingToReport when no value is known (no
/// tendon found).
class NothingToReport : public Error {
public:
    using Error::Error;
};

void write_measurement_report(const ScanResult& result, const std::filesystem::path& out_file);

struct SrExportCounts {
    std::size_t written = 0;
    /// Results with status error or no known value: no report.
    std::size_t skipped = 0;
    /// Results DCMTK refused or that could not be written.
    std::size_t failed = 0;
};

/// One SR per scored scan of a results folder or store (as load_scored reads them), named
/// <stem>.sr.dcm in `out_dir` (created), "<stem>_2.sr.dcm" for a repeated stem. Failures and
/// skipped results are reported as warnings naming the file.
SrExportCounts export_sr(const std::filesystem::path& results, const std::filesystem::path& out_dir,
                         Reporter& reporter);

} // namespace tendo::scoring
