#pragma once
// Suggestions for misspelt option names in unknown-key errors.
#include <optional>
#include <string>
#include <string_view>

namespace zc::config {

std::size_t levenshtein(std::string_view a, std::string_view b);

/// The closest option name, if close enough to be a plausible typo; also recognises a .env key
/// of the original used in the config file and an option written under the wrong section.
std::optional<std::string> suggest_option(std::string_view unknown);

/// For an unknown ZIPCATCHER_* variable: the closest ZIPCATCHER_* name of an option.
std::optional<std::string> suggest_env_name(std::string_view unknown);

}  // namespace zc::config
