// Boost.Program_options glue: every schema option becomes a --section.key flag, so the daemon
// and the CLI accept any setting on the command line without listing them by hand.
#include <fmt/format.h>

#include "config/config.h"
#include "config/schema.h"

namespace po = boost::program_options;

namespace zc::config {

void add_command_line_options(po::options_description& desc) {
    for (const auto& spec : schema()) {
        auto* value = po::value<std::string>()->value_name(std::string(type_name(spec.type)));
        if (spec.type == Type::Bool) {
            value->implicit_value("true");  // "--seestar.enabled" alone means true
        }
        std::string help = spec.description;
        if (!spec.default_text.empty()) {
            help += fmt::format(" (default {})", spec.default_text);
        }
        if (spec.secret) {
            help += " [secret: prefer the config file, the command line is visible in ps]";
        }
        desc.add_options()(spec.name.c_str(), value, help.c_str());
    }
}

std::vector<std::pair<std::string, std::string>> command_line_values(const po::variables_map& vm) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& spec : schema()) {
        const auto it = vm.find(spec.name);
        if (it != vm.end() && !it->second.defaulted() && !it->second.empty()) {
            out.emplace_back(spec.name, it->second.as<std::string>());
        }
    }
    return out;
}

}  // namespace zc::config
