#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tendo::detail {

/// "L" or "R" from a coded laterality value (ImageLaterality / Laterality: L, R; B and U give nullopt).
std::optional<std::string> laterality_from_code(std::string_view code);

/// "L" or "R" when free text (body part, series description) names exactly one side as a whole
/// word (LEFT/LT or RIGHT/RT); nullopt when it names none or both. Single letters are not read:
/// in free text they are as often something else ("R/O VSD": rule out).
std::optional<std::string> laterality_from_text(std::string_view text);

} // namespace tendo::detail
