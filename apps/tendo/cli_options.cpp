#include "cli_options.hpp"

#include <cmath>

namespace tendo::cli {

Spacing parse_spacing(const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos)
        throw CLI::ValidationError("--spacing", "expected DX,DY in mm, e.g. 0.1,0.1");
    try {
        std::size_t used_x = 0;
        std::size_t used_y = 0;
        const std::string x = text.substr(0, comma);
        const std::string y = text.substr(comma + 1);
        Spacing spacing{std::stod(x, &used_x), std::stod(y, &used_y)};
        if (used_x != x.size() || used_y != y.size() || !(spacing.dx_mm > 0.0) || !(spacing.dy_mm > 0.0) ||
            !std::isfinite(spacing.dx_mm) || !std::isfinite(spacing.dy_mm))
            throw CLI::ValidationError("--spacing", "DX and DY must be positive numbers of mm");
        return spacing;
    } catch (const std::logic_error&) {
        throw CLI::ValidationError("--spacing", "expected DX,DY in mm, e.g. 0.1,0.1");
    }
}

void add_spacing_option(CLI::App& command, std::optional<Spacing>& target) {
    command
        .add_option_function<std::string>(
            "--spacing", [&target](const std::string& text) { target = parse_spacing(text); },
            "pixel spacing DX,DY in mm, used only when the file carries none")
        ->type_name("DX,DY");
}

} // namespace tendo::cli
