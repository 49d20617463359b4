#pragma once
// The config file syntax of Boost.Program_options (parse_config_file), re-read here because
// program_options drops line numbers, which every error message needs.
#include <string_view>

#include "config/raw_entry.h"

namespace zc::config {

/// "[section]" prefixes following keys with "section."; "key = value"; "#" starts a comment
/// anywhere (as in Boost). Extension: a value in double quotes keeps "#" and surrounding spaces
/// (\" and \\ escape); the quotes are removed.
RawFile parse_ini(std::string_view text);

}  // namespace zc::config
