#pragma once

#include <nlohmann/json.hpp>

#include <optional>

namespace tendo::scoring::detail {

/// The value, or JSON null when it is unknown (never 0 or a guess).
template <typename T> nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace tendo::scoring::detail
