#include "segmented_palette.hpp"

#include <dcmtk/config/osconfig.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <array>
#include <stdexcept>

namespace tendo::detail {

namespace {

enum Opcode : std::uint16_t { kDiscrete = 0, kLinear = 1, kIndirect = 2 };

void expand(const std::vector<std::uint16_t>& data, std::size_t begin, std::size_t segment_limit,
            std::vector<std::uint16_t>& out, std::size_t entries, int depth) {
    if (depth > 2)
        throw std::invalid_argument("indirect palette segments nested too deep");
    std::size_t position = begin;
    for (std::size_t segment = 0; segment < segment_limit && position < data.size() && out.size() < entries;
         ++segment) {
        if (position + 1 >= data.size())
            throw std::invalid_argument("palette segment header overruns the data");
        const std::uint16_t opcode = data[position];
        const std::uint16_t length = data[position + 1];
        position += 2;
        switch (opcode) {
        case kDiscrete:
            if (position + length > data.size())
                throw std::invalid_argument("discrete palette segment overruns the data");
            out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(position),
                       data.begin() + static_cast<std::ptrdiff_t>(position + length));
            position += length;
            break;
        case kLinear: {
            if (position >= data.size() || out.empty())
                throw std::invalid_argument("linear palette segment without a start value");
            const double start = out.back();
            const double end = data[position];
            for (std::uint16_t i = 1; i <= length; ++i)
                out.push_back(static_cast<std::uint16_t>(start + (end - start) * i / length + 0.5));
            position += 1;
            break;
        }
        case kIndirect: {
            if (position + 1 >= data.size())
                throw std::invalid_argument("indirect palette segment overruns the data");
            const std::size_t offset = static_cast<std::size_t>(data[position]) |
                                       (static_cast<std::size_t>(data[position + 1]) << 16);
            if (offset >= data.size())
                throw std::invalid_argument("indirect palette segment points outside the data");
            expand(data, offset, length, out, entries, depth + 1);
            position += 2;
            break;
        }
        default:
            throw std::invalid_argument("unknown palette segment opcode " + std::to_string(opcode));
        }
    }
}

struct Channel {
    DcmTagKey descriptor;
    DcmTagKey segmented;
    DcmTagKey plain;
};

constexpr std::size_t kMaxLutEntries = 65536;

} // namespace

std::vector<std::uint16_t> expand_segmented_lut(const std::vector<std::uint16_t>& segmented, std::size_t entries) {
    std::vector<std::uint16_t> out;
    out.reserve(entries);
    expand(segmented, 0, segmented.size(), out, entries, 0);
    if (out.size() < entries)
        throw std::invalid_argument("segmented palette gives " + std::to_string(out.size()) + " of " +
                                    std::to_string(entries) + " entries");
    out.resize(entries);
    return out;
}

bool expand_segmented_palettes(DcmItem& dataset) {
    const std::array<Channel, 3> channels{
        Channel{DCM_RedPaletteColorLookupTableDescriptor, DCM_SegmentedRedPaletteColorLookupTableData,
                DCM_RedPaletteColorLookupTableData},
        Channel{DCM_GreenPaletteColorLookupTableDescriptor, DCM_SegmentedGreenPaletteColorLookupTableData,
                DCM_GreenPaletteColorLookupTableData},
        Channel{DCM_BluePaletteColorLookupTableDescriptor, DCM_SegmentedBluePaletteColorLookupTableData,
                DCM_BluePaletteColorLookupTableData},
    };
    if (!dataset.tagExists(channels[0].segmented))
        return false;
    for (const auto& channel : channels) {
        Uint16 entries_code = 0;
        if (dataset.findAndGetUint16(channel.descriptor, entries_code, 0).bad())
            throw std::invalid_argument("segmented palette without a descriptor");
        const std::size_t entries = entries_code == 0 ? kMaxLutEntries : entries_code;
        const Uint16* words = nullptr;
        unsigned long count = 0;
        if (dataset.findAndGetUint16Array(channel.segmented, words, &count).bad() || !words)
            throw std::invalid_argument("segmented palette data missing or unreadable");
        const std::vector<std::uint16_t> lut = expand_segmented_lut(std::vector<std::uint16_t>(words, words + count), entries);
        dataset.putAndInsertUint16Array(channel.plain, lut.data(), static_cast<unsigned long>(lut.size()));
        dataset.findAndDeleteElement(channel.segmented);
    }
    return true;
}

} // namespace tendo::detail
