#pragma once

#include <string>

namespace tendo {

/// How the tendon is seen in a frame (measurements.md, "Views").
enum class View { longitudinal, transverse, none };

std::string to_string(View view);
/// "longitudinal" / "transverse"; anything else is View::none.
View view_from_string(const std::string& text);

} // namespace tendo
