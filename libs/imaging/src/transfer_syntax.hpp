#pragma once

#include <string>
#include <string_view>

namespace tendo::detail {

enum class Decoder { dcmtk, openjpeg, unsupported };

/// Which decoder handles a transfer syntax UID.
Decoder decoder_for(std::string_view transfer_syntax_uid);

/// A readable name for a transfer syntax UID ("JPEG baseline (process 1)"), or the UID itself.
std::string transfer_syntax_name(std::string_view transfer_syntax_uid);

} // namespace tendo::detail
