#include "config/config.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "config/schema.h"

extern char** environ;  // POSIX; not declared by <unistd.h> without _GNU_SOURCE

namespace zc::config {

namespace {

constexpr std::string_view kRedacted = "(redacted)";
constexpr std::string_view kUnset = "(unset)";

bool is_unset_number(const Value& v) {
    return std::holds_alternative<double>(v) && std::isnan(std::get<double>(v));
}

[[noreturn]] void wrong_type(const Setting& s, std::string_view wanted) {
    throw std::logic_error(
        fmt::format("configuration option \"{}\" is not of type {}", s.name, wanted));
}

}  // namespace

std::string describe(const Origin& o) {
    switch (o.source) {
        case Source::Default:
            return "default";
        case Source::File:
            return fmt::format("{}:{}", o.file, o.line);
        case Source::DotEnv:
            return fmt::format("{}:{} ({})", o.file, o.line, o.key);
        case Source::Environment:
            return "env " + o.key;
        case Source::CommandLine:
            return "command line " + o.key;
    }
    return "?";
}

Config::Config(std::vector<Setting> settings, std::vector<std::filesystem::path> files_read)
    : settings_(std::move(settings)), files_read_(std::move(files_read)) {}

const Setting& Config::setting(std::string_view name) const {
    // Settings are in schema order, so the schema index is the settings index.
    const int i = option_index(name);
    if (i < 0 || static_cast<std::size_t>(i) >= settings_.size()) {
        throw std::out_of_range(fmt::format("unknown configuration option \"{}\"", name));
    }
    return settings_[static_cast<std::size_t>(i)];
}

bool Config::get_bool(std::string_view name) const {
    const auto& s = setting(name);
    if (const auto* b = std::get_if<bool>(&s.value)) {
        return *b;
    }
    wrong_type(s, "bool");
}

std::int64_t Config::get_int(std::string_view name) const {
    const auto& s = setting(name);
    if (const auto* i = std::get_if<std::int64_t>(&s.value)) {
        return *i;
    }
    wrong_type(s, "integer");
}

double Config::get_double(std::string_view name) const {
    const auto& s = setting(name);
    if (const auto* d = std::get_if<double>(&s.value)) {
        return *d;
    }
    if (const auto* i = std::get_if<std::int64_t>(&s.value)) {
        return static_cast<double>(*i);
    }
    wrong_type(s, "number");
}

std::optional<double> Config::get_optional_double(std::string_view name) const {
    const double d = get_double(name);
    return std::isnan(d) ? std::nullopt : std::optional<double>(d);
}

const std::string& Config::get_string(std::string_view name) const {
    const auto& s = setting(name);
    if (const auto* str = std::get_if<std::string>(&s.value)) {
        return *str;
    }
    wrong_type(s, "string");
}

std::string Config::display_value(std::string_view name) const {
    const auto& s = setting(name);
    if (s.secret) {
        const auto* str = std::get_if<std::string>(&s.value);
        return std::string(str && !str->empty() ? kRedacted : kUnset);
    }
    if (is_unset_number(s.value)) {
        return std::string(kUnset);
    }
    return format_value(s.value);
}

nlohmann::json Config::to_json(bool with_origins) const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& s : settings_) {
        nlohmann::json v;
        if (s.secret) {
            v = display_value(s.name);  // the only way a secret leaves this class
        } else if (is_unset_number(s.value)) {
            v = nullptr;
        } else {
            std::visit([&v](const auto& x) { v = x; }, s.value);
        }
        if (with_origins) {
            out[s.name] = {{"value", v}, {"origin", describe(s.origin)}, {"secret", s.secret}};
        } else {
            out[s.name] = v;
        }
    }
    return out;
}

bool LoadResult::has_errors() const {
    for (const auto& d : diagnostics) {
        if (d.severity == Severity::Error) {
            return true;
        }
    }
    return false;
}

std::string LoadResult::report() const {
    std::string out;
    for (const auto& d : diagnostics) {
        out += d.severity == Severity::Error ? "error: " : "warning: ";
        out += d.message;
        out += '\n';
    }
    return out;
}

std::map<std::string, std::string> current_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string_view::npos) {
            env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
        }
    }
    return env;
}

}  // namespace zc::config
