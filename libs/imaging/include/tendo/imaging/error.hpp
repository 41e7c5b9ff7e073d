#pragma once

#include <stdexcept>
#include <string>

namespace tendo {

/// Root of every error tendo throws. Messages are short, lowercase, and name the file first:
/// "us_0042.dcm: unsupported transfer syntax 1.2.840.10008.1.2.4.100".
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The file is not readable as DICOM, or its dataset or pixel data is malformed.
class DicomError : public Error {
public:
    using Error::Error;
};

/// The file is valid but encoded in a way tendo cannot decode (transfer syntax, photometric, bits).
class UnsupportedEncoding : public Error {
public:
    using Error::Error;
};

/// Calibration data is present but unusable (only thrown where a caller demanded a calibration).
class CalibrationError : public Error {
public:
    using Error::Error;
};

/// A frame index outside [0, frames).
class FrameIndexError : public Error {
public:
    using Error::Error;
};

} // namespace tendo
