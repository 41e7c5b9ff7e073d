#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class DcmFileFormat;

namespace tendo::detail {

/// Registers DCMTK's JPEG, JPEG-LS and RLE decoders and routes DCMTK's log into tendo (DCMTK
/// would otherwise print to stderr). Safe to call from any thread; does the work once.
void init_dcmtk();

/// Collects the warnings and errors DCMTK logs on the calling thread while the object lives.
class DcmtkLogCapture {
public:
    DcmtkLogCapture();
    ~DcmtkLogCapture();
    DcmtkLogCapture(const DcmtkLogCapture&) = delete;
    DcmtkLogCapture& operator=(const DcmtkLogCapture&) = delete;

    /// "logger: message" for each captured event, oldest first.
    const std::vector<std::string>& messages() const { return messages_; }
    void add(std::string message) { messages_.push_back(std::move(message)); }

private:
    std::vector<std::string> messages_;
    DcmtkLogCapture* previous_;
};

/// The first element of `file` (meta header and dataset, nested ones included, pixel data not)
/// whose declared value length is larger than the whole file at `path`, as "(gggg,eeee) claims N
/// bytes, more than the whole file (M bytes)"; nullopt if none. DCMTK leaves long values on disk
/// and allocates their declared length when one is read: a 200-byte file claiming a 3 GB value
/// would make that allocation. Such a file is damaged, and no value of it may be read.
std::optional<std::string> value_longer_than_file(DcmFileFormat& file, const std::filesystem::path& path);

} // namespace tendo::detail
