#include "config/reference.h"

#include <fmt/format.h>

#include "config/schema.h"

namespace zc::config {

namespace {

std::string section_of(const OptionSpec& s) {
    return s.name.substr(0, s.name.rfind('.'));
}
std::string key_of(const OptionSpec& s) {
    return s.name.substr(s.name.rfind('.') + 1);
}

std::string default_shown(const OptionSpec& s) {
    if (s.derived) {
        return "(computed)";
    }
    if (s.default_text.empty()) {
        return s.optional ? "(unset)" : "(empty)";
    }
    return s.default_text;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const auto& x : v) {
        out += (out.empty() ? "" : std::string(sep)) + x;
    }
    return out;
}

}  // namespace

std::string describe_constraints(const OptionSpec& s) {
    std::vector<std::string> parts;
    if (s.min_exclusive && s.min) {
        parts.push_back(s.max ? fmt::format("> {}, <= {}", *s.min, *s.max)
                              : fmt::format("> {}", *s.min));
    } else if (s.min && s.max) {
        parts.push_back(fmt::format("{}..{}", *s.min, *s.max));
    }
    if (s.unset_sentinel) {
        parts.push_back(fmt::format("{} = unset", *s.unset_sentinel));
    }
    if (!s.allowed.empty()) {
        parts.push_back("one of: " + join(s.allowed, ", "));
    }
    return join(parts, "; ");
}

std::string render_options_markdown() {
    std::string out;
    std::string section;
    for (const auto& s : schema()) {
        if (section_of(s) != section) {
            section = section_of(s);
            out += fmt::format("\n### [{}]\n\n", section);
            out +=
                "| Option | Type | Default | Values | Environment | `.env` of the original | "
                "Meaning |\n|---|---|---|---|---|---|---|\n";
        }
        std::string aliases;
        for (const auto& a : s.env_aliases) {
            aliases += (aliases.empty() ? "" : ", ") + fmt::format("`{}`", a);
        }
        out += fmt::format("| `{}` | {}{} | `{}` | {} | `{}` | {} | {} |\n", s.name,
                           type_name(s.type), s.secret ? " (secret)" : "", default_shown(s),
                           describe_constraints(s), env_name(s), aliases, s.description);
    }
    return out;
}

std::string render_dotenv_markdown() {
    std::string out = "| `.env` key | Option |\n|---|---|\n";
    for (const auto& s : schema()) {
        for (const auto& a : s.env_aliases) {
            out += fmt::format("| `{}` | `{}`{} |\n", a, s.name, s.secret ? " (secret)" : "");
        }
    }
    out +=
        "\nAccepted and ignored (features of the original that zipcatcher does not have; a "
        "`.env` that sets them loads with one warning listing them):\n\n";
    std::string line;
    for (const auto& k : dead_original_keys()) {
        line += (line.empty() ? "" : ", ") + fmt::format("`{}`", k);
    }
    out += line + "\n";
    return out;
}

std::string render_example_config() {
    std::string out =
        "# zipcatcher.conf: example configuration, generated from the option table.\n"
        "# Installed as /etc/zipcatcher/zipcatcher.conf.example; copy it to zipcatcher.conf in\n"
        "# the same directory and uncomment what you change. Each commented line shows the\n"
        "# built-in default. Syntax: [section] headers, \"key = value\", '#' starts a comment\n"
        "# (quote a value that contains '#'). See docs/configuration.md for precedence, the\n"
        "# environment variables and the .env keys of the original.\n"
        "#\n"
        "# A file that holds a secret (API keys, tokens, passwords) must be private:\n"
        "#   chmod 600 zipcatcher.conf\n";
    std::string section;
    for (const auto& s : schema()) {
        if (section_of(s) != section) {
            section = section_of(s);
            out += fmt::format("\n[{}]\n", section);
        }
        std::string meta = s.secret ? "secret" : std::string(type_name(s.type));
        if (s.derived) {
            meta += "; empty = computed, see \"Default directories\" in the docs";
        }
        if (auto c = describe_constraints(s); !c.empty()) {
            meta += "; " + c;
        }
        if (!s.env_aliases.empty()) {
            meta += "; .env " + join(s.env_aliases, ", ");
        }
        out += fmt::format("# {} ({})\n", s.description, meta);
        // No trailing blank after "=" when the default is empty.
        out += s.default_text.empty() ? fmt::format("#{} =\n", key_of(s))
                                      : fmt::format("#{} = {}\n", key_of(s), s.default_text);
    }
    return out;
}

}  // namespace zc::config
