#include "laterality.hpp"

#include <cctype>
#include <set>

namespace tendo::detail {

std::optional<std::string> laterality_from_code(std::string_view code) {
    std::string trimmed;
    for (char c : code)
        if (!std::isspace(static_cast<unsigned char>(c)))
            trimmed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (trimmed == "L" || trimmed == "R")
        return trimmed;
    return std::nullopt;
}

std::optional<std::string> laterality_from_text(std::string_view text) {
    static const std::set<std::string> left_words{"LT", "LEFT", "LFT", "LINKS", "GAUCHE", "SINISTRA"};
    static const std::set<std::string> right_words{"RT", "RIGHT", "RGT", "RECHTS", "DROITE", "DESTRA"};
    bool left = false;
    bool right = false;
    std::string word;
    auto flush = [&] {
        if (left_words.count(word))
            left = true;
        if (right_words.count(word))
            right = true;
        word.clear();
    };
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        else
            flush();
    }
    flush();
    if (left == right)
        return std::nullopt;
    return left ? "L" : "R";
}

} // namespace tendo::detail
