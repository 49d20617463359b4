#include "config/ini_reader.h"

#include <cctype>

#include "config/value_parse.h"

namespace zc::config {

namespace {

bool valid_name(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') {
        return false;
    }
    for (unsigned char c : s) {
        if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') {
            return false;
        }
    }
    return true;
}

// Reads a double-quoted value starting just after the opening quote; returns false when the
// quote is not closed or text other than a comment follows it.
bool read_quoted(std::string_view q, std::string& value, std::string& problem) {
    std::size_t i = 0;
    for (; i < q.size(); ++i) {
        if (q[i] == '\\' && i + 1 < q.size() && (q[i + 1] == '"' || q[i + 1] == '\\')) {
            value += q[++i];
        } else if (q[i] == '"') {
            break;
        } else {
            value += q[i];
        }
    }
    if (i == q.size()) {
        problem = "unterminated quoted value";
        return false;
    }
    const auto after = trim(q.substr(i + 1));
    if (!after.empty() && after.front() != '#') {
        problem = "unexpected text after the quoted value";
        return false;
    }
    return true;
}

}  // namespace

RawFile parse_ini(std::string_view text) {
    RawFile out;
    std::string section;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        const std::string_view original =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;

        // As in Boost, '#' starts a comment anywhere; only a quoted value can protect one.
        std::string_view line = trim(original.substr(0, original.find('#')));
        if (line.empty()) {
            continue;
        }
        if (line.front() == '[') {
            if (line.back() != ']') {
                out.errors.push_back({line_no, "section header must end with \"]\""});
                continue;
            }
            const auto name = trim(line.substr(1, line.size() - 2));
            if (!valid_name(name)) {
                out.errors.push_back({line_no, "invalid section name"});
                continue;
            }
            section = std::string(name);
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            out.errors.push_back({line_no, "expected \"key = value\" or \"[section]\""});
            continue;
        }
        const auto key = trim(line.substr(0, eq));
        if (!valid_name(key)) {
            out.errors.push_back({line_no, key.empty() ? "missing option name before \"=\""
                                                       : "invalid option name"});
            continue;
        }
        // The key cannot contain '#' or '=', so the first '=' of the original line is ours.
        const auto rest = trim(original.substr(original.find('=') + 1));
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            std::string problem;
            if (!read_quoted(rest.substr(1), value, problem)) {
                out.errors.push_back({line_no, problem});
                continue;
            }
        } else {
            value = std::string(line.substr(eq + 1));
            value = std::string(trim(value));
        }
        std::string full = section.empty() ? std::string(key) : section + "." + std::string(key);
        out.entries.push_back({std::move(full), std::move(value), line_no});
    }
    return out;
}

}  // namespace zc::config
