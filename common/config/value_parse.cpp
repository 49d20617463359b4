#include "config/value_parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace zc::config {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "max_clients" -> "max clients": the noun used in range messages ("port must be between...").
std::string noun(const OptionSpec& spec) {
    std::string last = spec.name.substr(spec.name.rfind('.') + 1);
    std::replace(last.begin(), last.end(), '_', ' ');
    return last;
}

std::string range_problem(const OptionSpec& spec, double v) {
    const bool below = spec.min && (spec.min_exclusive ? v <= *spec.min : v < *spec.min);
    const bool above = spec.max && v > *spec.max;
    if (!below && !above) {
        return {};
    }
    if (spec.min_exclusive) {
        return spec.max ? fmt::format("{} must be greater than {} and at most {}", noun(spec),
                                      *spec.min, *spec.max)
                        : fmt::format("{} must be greater than {}", noun(spec), *spec.min);
    }
    if (spec.min && spec.max) {
        return fmt::format("{} must be between {} and {}", noun(spec), *spec.min, *spec.max);
    }
    return spec.min ? fmt::format("{} must be at least {}", noun(spec), *spec.min)
                    : fmt::format("{} must be at most {}", noun(spec), *spec.max);
}

ParseOutcome error(std::string problem) {
    return {ParseOutcome::Kind::Error, Value{}, std::move(problem)};
}

}  // namespace

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::optional<bool> parse_bool(std::string_view text) {
    const std::string t = lower(trim(text));
    if (t == "true" || t == "1" || t == "yes" || t == "on") {
        return true;
    }
    if (t == "false" || t == "0" || t == "no" || t == "off") {
        return false;
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);  // from_chars rejects '+', Python's int() accepts it
    }
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return v;
}

std::optional<double> parse_double(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

std::optional<unsigned> parse_file_mode(std::string_view text) {
    text = trim(text);
    if (text.size() < 3 || text.size() > 4 || (text.size() == 4 && text.front() != '0')) {
        return std::nullopt;
    }
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 8);
    if (ec != std::errc{} || end != text.data() + text.size() || v > 0777) {
        return std::nullopt;
    }
    return v;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
    text = trim(text);
    std::string_view host, port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return std::nullopt;  // a bare IPv6 address must be bracketed
        }
    }
    const auto p = parse_int(port);
    if (host.empty() || !p || *p < 1 || *p > 65535 || port.front() == '+') {
        return std::nullopt;
    }
    return HostPort{std::string(host), static_cast<std::uint16_t>(*p)};
}

ParseOutcome parse_value(const OptionSpec& spec, std::string_view raw) {
    const std::string_view text = trim(raw);
    const bool empty = text.empty();
    switch (spec.type) {
        case Type::Bool: {
            if (empty) {
                return {ParseOutcome::Kind::Unset, Value{}, {}};
            }
            const auto b = parse_bool(text);
            if (!b) {
                return error("expected a boolean (true/false, yes/no, on/off, 1/0)");
            }
            return {ParseOutcome::Kind::Ok, Value{*b}, {}};
        }
        case Type::Int: {
            if (empty) {
                return {ParseOutcome::Kind::Unset, Value{}, {}};
            }
            const auto i = parse_int(text);
            if (!i) {
                return error("expected an integer");
            }
            if (auto p = range_problem(spec, static_cast<double>(*i)); !p.empty()) {
                return error(std::move(p));
            }
            return {ParseOutcome::Kind::Ok, Value{*i}, {}};
        }
        case Type::Double: {
            if (empty) {
                if (spec.optional) {
                    return {ParseOutcome::Kind::Ok,
                            Value{std::numeric_limits<double>::quiet_NaN()},
                            {}};
                }
                return {ParseOutcome::Kind::Unset, Value{}, {}};
            }
            const auto d = parse_double(text);
            if (!d) {
                return error("expected a number");
            }
            if (spec.unset_sentinel && *d == *spec.unset_sentinel) {
                return {
                    ParseOutcome::Kind::Ok, Value{std::numeric_limits<double>::quiet_NaN()}, {}};
            }
            if (auto p = range_problem(spec, *d); !p.empty()) {
                return error(std::move(p));
            }
            return {ParseOutcome::Kind::Ok, Value{*d}, {}};
        }
        case Type::String:
        case Type::Path: {
            if (empty && spec.derived) {
                return {ParseOutcome::Kind::Unset, Value{}, {}};
            }
            std::string s(text);
            if (!spec.allowed.empty()) {
                s = lower(s);
                if (std::find(spec.allowed.begin(), spec.allowed.end(), s) == spec.allowed.end()) {
                    std::string list;
                    for (const auto& a : spec.allowed) {
                        list += (list.empty() ? "" : ", ") + a;
                    }
                    return error(fmt::format("expected one of: {}", list));
                }
            }
            if (spec.check && !s.empty()) {
                if (auto p = spec.check(s); !p.empty()) {
                    return error(std::move(p));
                }
            }
            return {ParseOutcome::Kind::Ok, Value{std::move(s)}, {}};
        }
    }
    return error("unsupported option type");
}

std::string format_value(const Value& value) {
    struct Visitor {
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const {
            return std::isnan(d) ? std::string() : fmt::format("{}", d);
        }
        std::string operator()(const std::string& s) const { return s; }
    };
    return std::visit(Visitor{}, value);
}

}  // namespace zc::config
