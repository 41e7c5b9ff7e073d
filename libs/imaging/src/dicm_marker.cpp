#include "dicm_marker.hpp"

#include <array>
#include <fstream>
#include <string_view>

namespace tendo::detail {

bool has_dicm_marker(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, 132> head{};
    in.read(head.data(), head.size());
    return in.gcount() == 132 && std::string_view(head.data() + 128, 4) == "DICM";
}

} // namespace tendo::detail
