#include "j2k_frame_source.hpp"

#include "tendo/imaging/error.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <openjpeg.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tendo::detail {

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes item_bytes(DcmPixelItem& item) {
    Uint8* data = nullptr;
    if (item.getUint8Array(data).bad() || (!data && item.getLength() > 0))
        return {};
    return Bytes(data, data + item.getLength());
}

bool starts_codestream(const Bytes& bytes) {
    // J2K start of codestream (FF 4F FF 51) or a JP2 signature box.
    return (bytes.size() >= 4 && bytes[0] == 0xFF && bytes[1] == 0x4F && bytes[2] == 0xFF && bytes[3] == 0x51) ||
           (bytes.size() >= 12 && bytes[4] == 'j' && bytes[5] == 'P' && bytes[6] == ' ' && bytes[7] == ' ');
}

/// The compressed bytes of frame `index`: one fragment per frame when the counts match, all
/// fragments for a single frame, otherwise fragments grouped at each codestream start.
Bytes frame_codestream(DcmPixelSequence& sequence, int frames, int index) {
    const unsigned long fragments = sequence.card() - 1; // item 0 is the basic offset table
    auto fragment = [&](unsigned long i) {
        DcmPixelItem* item = nullptr;
        if (sequence.getItem(item, i + 1).bad() || !item)
            return Bytes{};
        return item_bytes(*item);
    };
    if (fragments == static_cast<unsigned long>(frames))
        return fragment(static_cast<unsigned long>(index));
    Bytes result;
    int frame = -1;
    for (unsigned long i = 0; i < fragments; ++i) {
        Bytes bytes = fragment(i);
        if (frames == 1 || starts_codestream(bytes))
            frame += (frames == 1 && i > 0) ? 0 : 1;
        if (frame == index)
            result.insert(result.end(), bytes.begin(), bytes.end());
        else if (frame > index)
            break;
    }
    return result;
}

struct MemoryStream {
    const Bytes* bytes;
    std::size_t position = 0;
};

OPJ_SIZE_T read_memory(void* buffer, OPJ_SIZE_T size, void* user) {
    auto* stream = static_cast<MemoryStream*>(user);
    const std::size_t left = stream->bytes->size() - stream->position;
    if (left == 0)
        return static_cast<OPJ_SIZE_T>(-1);
    const std::size_t count = std::min<std::size_t>(size, left);
    std::memcpy(buffer, stream->bytes->data() + stream->position, count);
    stream->position += count;
    return count;
}

OPJ_OFF_T skip_memory(OPJ_OFF_T count, void* user) {
    auto* stream = static_cast<MemoryStream*>(user);
    const auto target = std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(stream->position) + count, 0,
                                              static_cast<OPJ_OFF_T>(stream->bytes->size()));
    const OPJ_OFF_T moved = target - static_cast<OPJ_OFF_T>(stream->position);
    stream->position = static_cast<std::size_t>(target);
    return moved;
}

OPJ_BOOL seek_memory(OPJ_OFF_T position, void* user) {
    auto* stream = static_cast<MemoryStream*>(user);
    if (position < 0 || static_cast<std::size_t>(position) > stream->bytes->size())
        return OPJ_FALSE;
    stream->position = static_cast<std::size_t>(position);
    return OPJ_TRUE;
}

void keep_message(const char* message, void* user) {
    auto* messages = static_cast<std::string*>(user);
    if (messages->empty())
        *messages = message;
    while (!messages->empty() && (messages->back() == '\n' || messages->back() == ' '))
        messages->pop_back();
}

void ignore_message(const char*, void*) {}

// opj_codec_t and opj_stream_t are both `void*`, so each needs a deleter of its own.
struct CodecDeleter {
    void operator()(opj_codec_t* codec) const { opj_destroy_codec(codec); }
};
struct StreamDeleter {
    void operator()(opj_stream_t* stream) const { opj_stream_destroy(stream); }
};
struct ImageDeleter {
    void operator()(opj_image_t* image) const { opj_image_destroy(image); }
};

/// 8-bit value of a decoded sample of `precision` bits (wider samples keep their top 8 bits, as
/// DCMTK shows unwindowed data of that depth).
std::uint8_t to_8bit(OPJ_INT32 value, OPJ_UINT32 precision, bool is_signed) {
    if (is_signed)
        value += 1 << (precision - 1);
    if (precision > 8)
        value >>= (precision - 8);
    else if (precision < 8)
        value <<= (8 - precision);
    return static_cast<std::uint8_t>(std::clamp(value, 0, 255));
}

} // namespace

J2kFrameSource::J2kFrameSource(std::shared_ptr<DcmFileFormat> file, const ScanInfo& info)
    : file_(std::move(file)), info_(info) {
    const bool grey = info.samples_per_pixel == 1 && (info.photometric == "MONOCHROME2" || info.photometric == "MONOCHROME1");
    const bool colour = info.samples_per_pixel == 3;
    if (!grey && !colour)
        throw UnsupportedEncoding(info.file.string() + ": unsupported JPEG 2000 pixel description (" +
                                  info.photometric + ")");
}

cv::Mat J2kFrameSource::decode(int index) {
    std::lock_guard lock(mutex_);
    const std::string name = info_.file.string();
    auto fail = [&](const std::string& reason) {
        return DicomError(name + ": corrupt compressed pixel data in frame " + std::to_string(index) + " (" + reason +
                          ")");
    };

    DcmDataset& dataset = *file_->getDataset();
    DcmElement* element = nullptr;
    auto* pixel_data = dataset.findAndGetElement(DCM_PixelData, element).good() ? dynamic_cast<DcmPixelData*>(element)
                                                                                : nullptr;
    DcmPixelSequence* sequence = nullptr;
    if (!pixel_data ||
        pixel_data->getEncapsulatedRepresentation(dataset.getOriginalXfer(), nullptr, sequence).bad() || !sequence)
        throw fail("no encapsulated JPEG 2000 fragments");
    const Bytes codestream = frame_codestream(*sequence, info_.frames, index);
    if (codestream.size() < 12)
        throw fail("empty JPEG 2000 frame");

    const bool jp2 = !(codestream[0] == 0xFF && codestream[1] == 0x4F);
    std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
    std::string error;
    opj_set_error_handler(codec.get(), keep_message, &error);
    opj_set_warning_handler(codec.get(), ignore_message, nullptr);
    opj_set_info_handler(codec.get(), ignore_message, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters))
        throw fail("cannot set up the JPEG 2000 decoder");

    MemoryStream memory{&codestream};
    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_default_create(OPJ_TRUE));
    opj_stream_set_user_data(stream.get(), &memory, nullptr);
    opj_stream_set_user_data_length(stream.get(), codestream.size());
    opj_stream_set_read_function(stream.get(), read_memory);
    opj_stream_set_skip_function(stream.get(), skip_memory);
    opj_stream_set_seek_function(stream.get(), seek_memory);

    opj_image_t* raw_image = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &raw_image))
        throw fail(error.empty() ? "unreadable JPEG 2000 header" : error);
    std::unique_ptr<opj_image_t, ImageDeleter> image(raw_image);
    if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
        throw fail(error.empty() ? "JPEG 2000 decode failed" : error);

    const int channels = info_.samples_per_pixel;
    if (static_cast<int>(image->numcomps) < channels)
        throw fail("JPEG 2000 frame has " + std::to_string(image->numcomps) + " component(s)");
    for (int c = 0; c < channels; ++c) {
        const opj_image_comp_t& component = image->comps[c];
        if (static_cast<int>(component.w) != info_.cols || static_cast<int>(component.h) != info_.rows ||
            component.dx != 1 || component.dy != 1 || !component.data)
            throw fail("JPEG 2000 frame size does not match the image size");
    }

    cv::Mat pixels(info_.rows, info_.cols, channels == 1 ? CV_8UC1 : CV_8UC3);
    const std::size_t count = static_cast<std::size_t>(info_.rows) * static_cast<std::size_t>(info_.cols);
    for (int c = 0; c < channels; ++c) {
        const opj_image_comp_t& component = image->comps[c];
        // Output is BGR: component 0 (red) goes to channel 2.
        const int target = channels == 1 ? 0 : 2 - c;
        for (std::size_t i = 0; i < count; ++i)
            pixels.data[i * channels + target] = to_8bit(component.data[i], component.prec, component.sgnd != 0);
    }
    if (channels == 1 && info_.photometric == "MONOCHROME1")
        cv::bitwise_not(pixels, pixels);
    return pixels;
}

} // namespace tendo::detail
