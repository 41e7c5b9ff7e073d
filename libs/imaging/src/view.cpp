#include "tendo/imaging/view.hpp"

namespace tendo {

std::string to_string(View view) {
    switch (view) {
    case View::longitudinal:
        return "longitudinal";
    case View::transverse:
        return "transverse";
    case View::none:
        return "none";
    }
    return "none";
}

View view_from_string(const std::string& text) {
    if (text == "longitudinal")
        return View::longitudinal;
    if (text == "transverse")
        return View::transverse;
    return View::none;
}

} // namespace tendo
