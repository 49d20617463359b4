#pragma once
// What a control command accepts, declared once: the dispatcher validates requests against it and
// `list-commands` (and so the docs) are generated from it.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace zc::protocol {

enum class ArgType { kString, kInteger, kNumber, kBoolean, kObject, kArray, kStringList };

struct ArgSpec {
    std::string name;
    ArgType type = ArgType::kString;
    bool required = false;
    std::string description;
    std::vector<std::string> choices;  // allowed values of a string argument, when closed
};

struct CommandSpec {
    std::string name;
    std::string summary;
    std::vector<ArgSpec> arguments;
    bool streams = false;  // replies once, then sends events until the client leaves
};

const char* to_string(ArgType type);

/// An error text naming the offending argument, or nullopt when the arguments fit the spec.
/// Unknown arguments are errors too: a typo must not be silently ignored.
std::optional<std::string> validate_arguments(const CommandSpec& spec,
                                              const nlohmann::json& arguments);

nlohmann::json to_json(const CommandSpec& spec);

}  // namespace zc::protocol
