#pragma once
// Rules that involve more than one option (each option's own range is checked while parsing).
#include <vector>

#include "config/config.h"

namespace zc::config {

/// Errors make load() fail; warnings are reported and the configuration is used.
std::vector<Diagnostic> validate(const Config& config);

}  // namespace zc::config
