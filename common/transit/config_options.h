#pragma once
// transit.* configuration options -> transit::Options (shared by the daemon and the CLI).
#include <optional>
#include <string_view>

#include "config/config.h"
#include "transit/options.h"

namespace zc::transit {

/// "sun", "moon", "auto" (case-sensitive, as the schema stores them).
std::optional<TargetSelection> parse_target(std::string_view text);

/// Overrides the fields of `base` that the configuration has options for.
Options options_from_config(const config::Config& config, Options base = {});

}  // namespace zc::transit
