#include "dcmtk_runtime.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <cstdio>
#include <mutex>

namespace tendo::detail {

namespace {

thread_local DcmtkLogCapture* active_capture = nullptr;

/// Receives every DCMTK log event of level WARN and above; keeps it for the thread's active
/// capture, drops it otherwise.
class CaptureAppender : public dcmtk::log4cplus::Appender {
public:
    ~CaptureAppender() override { destructorImpl(); }
    void close() override {}

protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
        if (active_capture)
            active_capture->add(std::string(event.getLoggerName().c_str()) + ": " + event.getMessage().c_str());
    }
};

} // namespace

void init_dcmtk() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Convert YCbCr JPEG output to RGB as the reference viewers do (dcmj2pnm's default).
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();

        OFLog::getLogger("dcmtk"); // makes DCMTK install its default console appender first
        auto root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new CaptureAppender()));
        root.setLogLevel(dcmtk::log4cplus::WARN_LOG_LEVEL);
    });
}

DcmtkLogCapture::DcmtkLogCapture() : previous_(active_capture) { active_capture = this; }

DcmtkLogCapture::~DcmtkLogCapture() { active_capture = previous_; }

namespace {

std::optional<std::string> value_longer_than(DcmItem& item, std::uintmax_t file_bytes) {
    DcmStack stack;
    while (item.nextObject(stack, true).good()) {
        DcmObject* object = stack.top();
        // Pixel data is checked where it is read (a file that ends inside it is "truncated").
        if (object == nullptr || !object->isLeaf() || object->getTag() == DCM_PixelData)
            continue;
        // The length field as read, not getLength(): that renders the value, loading it first.
        const Uint32 length = object->getLengthField();
        if (length == DCM_UndefinedLength || length <= file_bytes)
            continue;
        char tag[16];
        std::snprintf(tag, sizeof tag, "(%04x,%04x)", object->getGTag(), object->getETag());
        return std::string(tag) + " claims " + std::to_string(length) + " bytes, more than the whole file (" +
               std::to_string(file_bytes) + " bytes)";
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> value_longer_than_file(DcmFileFormat& file, const std::filesystem::path& path) {
    std::error_code error;
    const std::uintmax_t file_bytes = std::filesystem::file_size(path, error);
    if (error)
        return std::nullopt; // unreadable files are refused by whoever opens them
    if (auto found = value_longer_than(*file.getMetaInfo(), file_bytes))
        return found;
    return value_longer_than(*file.getDataset(), file_bytes);
}

} // namespace tendo::detail
