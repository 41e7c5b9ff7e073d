#pragma once

#include <string>
#include <utility>
#include <vector>

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

} // namespace tendo::detail
