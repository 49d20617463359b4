#pragma once
// The .env syntax of python-dotenv, which the Python original used, so that an existing .env
// reads the same here: comments, "export ", single/double quotes (double quotes may span lines
// and take \n \t \" \\ escapes), " #" inline comments after unquoted values, blank values, and
// ${VAR} / ${VAR:-default} expansion in unquoted and double-quoted values.
#include <map>
#include <string>
#include <string_view>

#include "config/raw_entry.h"

namespace zc::config {

/// environment: looked up first for ${VAR} (python-dotenv's override=False), then earlier keys
/// of the same file. A key without "=" is skipped, as python-dotenv does.
RawFile parse_dotenv(std::string_view text, const std::map<std::string, std::string>& environment);

}  // namespace zc::config
