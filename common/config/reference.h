#pragma once
// Documentation generated from the schema, so docs/configuration.md and the example
// config/zipcatcher.conf cannot drift from the code (tests/unit/config/test_reference.cpp
// compares them and can rewrite them).
#include <string>

#include "config/schema.h"

namespace zc::config {

/// "a..b", "> 0", "one of: ..." or "" for an option's accepted values.
std::string describe_constraints(const OptionSpec& spec);

/// Markdown tables of every option, one per section.
std::string render_options_markdown();
/// Markdown table .env key of the original -> option, and the list of accepted-and-ignored keys.
std::string render_dotenv_markdown();
/// The whole example config file: every option commented out with its default.
std::string render_example_config();

}  // namespace zc::config
