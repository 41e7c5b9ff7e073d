#include "tendo/imaging/scan_info.hpp"

#include <cctype>

namespace tendo {

std::optional<std::string> ScanInfo::study_date_iso() const {
    if (!study_date)
        return std::nullopt;
    std::string digits;
    for (char c : *study_date) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            digits += c;
        else if (c != '.' && c != '-' && c != '/' && c != ' ')
            return std::nullopt;
    }
    if (digits.size() != 8)
        return std::nullopt;
    const int month = std::stoi(digits.substr(4, 2));
    const int day = std::stoi(digits.substr(6, 2));
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return std::nullopt;
    return digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
}

std::vector<UltrasoundRegion> ScanInfo::doppler_regions() const {
    std::vector<UltrasoundRegion> result;
    for (const auto& region : regions)
        if (region.valid() && region.is_color_flow_2d())
            result.push_back(region);
    return result;
}

} // namespace tendo
