#include "transfer_syntax.hpp"

#include <array>
#include <utility>

namespace tendo::detail {

namespace {

struct Syntax {
    std::string_view uid;
    std::string_view name;
    Decoder decoder;
};

constexpr std::array kSyntaxes{
    Syntax{"1.2.840.10008.1.2", "implicit VR little endian", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.1", "explicit VR little endian", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.1.99", "deflated explicit VR little endian", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.2", "explicit VR big endian", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.50", "JPEG baseline (process 1)", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.51", "JPEG extended (process 2 and 4)", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.57", "JPEG lossless (process 14)", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.70", "JPEG lossless first-order prediction (process 14 SV1)", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.80", "JPEG-LS lossless", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.81", "JPEG-LS near-lossless", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.5", "RLE lossless", Decoder::dcmtk},
    Syntax{"1.2.840.10008.1.2.4.90", "JPEG 2000 lossless", Decoder::openjpeg},
    Syntax{"1.2.840.10008.1.2.4.91", "JPEG 2000", Decoder::openjpeg},
    Syntax{"1.2.840.10008.1.2.4.92", "JPEG 2000 part 2 multi-component lossless", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.93", "JPEG 2000 part 2 multi-component", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.100", "MPEG2 main profile", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.101", "MPEG2 high profile", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.110", "JPEG XL lossless", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.111", "JPEG XL JPEG recompression", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.112", "JPEG XL", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.201", "high-throughput JPEG 2000 lossless", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.202", "high-throughput JPEG 2000 RPCL lossless", Decoder::unsupported},
    Syntax{"1.2.840.10008.1.2.4.203", "high-throughput JPEG 2000", Decoder::unsupported},
};

const Syntax* find(std::string_view uid) {
    for (const auto& syntax : kSyntaxes)
        if (syntax.uid == uid)
            return &syntax;
    return nullptr;
}

} // namespace

Decoder decoder_for(std::string_view transfer_syntax_uid) {
    const Syntax* syntax = find(transfer_syntax_uid);
    return syntax ? syntax->decoder : Decoder::unsupported;
}

std::string transfer_syntax_name(std::string_view transfer_syntax_uid) {
    const Syntax* syntax = find(transfer_syntax_uid);
    if (!syntax)
        return std::string(transfer_syntax_uid);
    return std::string(syntax->name) + " (" + std::string(syntax->uid) + ")";
}

} // namespace tendo::detail
