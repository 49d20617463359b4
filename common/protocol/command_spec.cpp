#include "protocol/command_spec.h"

#include <algorithm>

namespace zc::protocol {

using nlohmann::json;

const char* to_string(ArgType type) {
    switch (type) {
        case ArgType::kString:
            return "string";
        case ArgType::kInteger:
            return "integer";
        case ArgType::kNumber:
            return "number";
        case ArgType::kBoolean:
            return "boolean";
        case ArgType::kObject:
            return "object";
        case ArgType::kArray:
            return "array";
        case ArgType::kStringList:
            return "array of strings";
    }
    return "?";
}

namespace {

bool matches(ArgType type, const json& v) {
    switch (type) {
        case ArgType::kString:
            return v.is_string();
        case ArgType::kInteger:
            return v.is_number_integer();
        case ArgType::kNumber:
            return v.is_number();
        case ArgType::kBoolean:
            return v.is_boolean();
        case ArgType::kObject:
            return v.is_object();
        case ArgType::kArray:
            return v.is_array();
        case ArgType::kStringList:
            return v.is_array() &&
                   std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
    }
    return false;
}

}  // namespace

std::optional<std::string> validate_arguments(const CommandSpec& spec, const json& arguments) {
    if (!arguments.is_object())
        return "\"arguments\" must be an object";
    for (const auto& [key, value] : arguments.items()) {
        auto it = std::find_if(spec.arguments.begin(), spec.arguments.end(),
                               // Named capture: clang 14 (the fuzz build) cannot capture a
                               // structured binding.
                               [&name = key](const ArgSpec& a) { return a.name == name; });
        if (it == spec.arguments.end())
            return "command \"" + spec.name + "\" has no argument \"" + key + "\"";
        if (!matches(it->type, value))
            return "argument \"" + key + "\" must be " + std::string(to_string(it->type));
        if (!it->choices.empty() && std::find(it->choices.begin(), it->choices.end(),
                                              value.get<std::string>()) == it->choices.end()) {
            std::string allowed;
            for (const auto& c : it->choices)
                allowed += (allowed.empty() ? "" : ", ") + c;
            return "argument \"" + key + "\" must be one of: " + allowed;
        }
    }
    for (const auto& a : spec.arguments) {
        if (a.required && !arguments.contains(a.name))
            return "command \"" + spec.name + "\" needs argument \"" + a.name + "\"";
    }
    return std::nullopt;
}

json to_json(const CommandSpec& spec) {
    json args = json::array();
    for (const auto& a : spec.arguments) {
        json j = {{"name", a.name},
                  {"type", to_string(a.type)},
                  {"required", a.required},
                  {"description", a.description}};
        if (!a.choices.empty())
            j["choices"] = a.choices;
        args.push_back(std::move(j));
    }
    return {{"name", spec.name},
            {"summary", spec.summary},
            {"arguments", std::move(args)},
            {"streams", spec.streams}};
}

}  // namespace zc::protocol
