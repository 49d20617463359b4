#include "flights/json_fields.h"

#include <cctype>
#include <cmath>

namespace zc::flights::detail {

using nlohmann::json;

bool is_absent(const json& v) {
    return v.is_null() || (v.is_string() && v.get_ref<const std::string&>() == "None");
}

namespace {

std::optional<double> as_number(const json& v) {
    if (!v.is_number())
        return std::nullopt;
    const double d = v.get<double>();
    if (!std::isfinite(d))
        return std::nullopt;
    return d;
}

}  // namespace

const json* FieldReader::raw(std::string_view key) const {
    const auto it = entry_.find(key);
    if (it == entry_.end() || is_absent(*it))
        return nullptr;
    return &*it;
}

void FieldReader::fail(std::string_view key, std::string message) {
    if (!problem_)
        problem_ = Problem{path_ + "." + std::string(key), std::move(message)};
}

std::optional<double> FieldReader::number(std::string_view key) {
    const json* v = raw(key);
    if (!v)
        return std::nullopt;
    if (auto d = as_number(*v))
        return d;
    fail(key, "expected number");
    return std::nullopt;
}

std::optional<int> FieldReader::integer(std::string_view key) {
    const json* v = raw(key);
    if (!v)
        return std::nullopt;
    if (v->is_number_integer() || v->is_number_unsigned())
        return v->get<int>();
    if (auto d = as_number(*v); d && *d == std::floor(*d) && std::abs(*d) < 1e9) {
        return static_cast<int>(*d);
    }
    fail(key, "expected integer");
    return std::nullopt;
}

std::optional<std::string> FieldReader::string(std::string_view key) {
    const json* v = raw(key);
    if (!v)
        return std::nullopt;
    if (v->is_string())
        return v->get<std::string>();
    fail(key, "expected string");
    return std::nullopt;
}

std::optional<bool> FieldReader::boolean(std::string_view key) {
    const json* v = raw(key);
    if (!v)
        return std::nullopt;
    if (v->is_boolean())
        return v->get<bool>();
    fail(key, "expected boolean");
    return std::nullopt;
}

const json* ElementReader::at(std::size_t index) const {
    if (index >= row_.size() || is_absent(row_[index]))
        return nullptr;
    return &row_[index];
}

void ElementReader::fail(std::size_t index, std::string_view name, std::string message) {
    if (!problem_) {
        problem_ = Problem{path_ + "[" + std::to_string(index) + "] (" + std::string(name) + ")",
                           std::move(message)};
    }
}

std::optional<double> ElementReader::number(std::size_t index, std::string_view name) {
    const json* v = at(index);
    if (!v)
        return std::nullopt;
    if (auto d = as_number(*v))
        return d;
    fail(index, name, "expected number");
    return std::nullopt;
}

std::optional<std::string> ElementReader::string(std::size_t index, std::string_view name) {
    const json* v = at(index);
    if (!v)
        return std::nullopt;
    if (v->is_string())
        return v->get<std::string>();
    fail(index, name, "expected string");
    return std::nullopt;
}

std::optional<bool> ElementReader::boolean(std::size_t index, std::string_view name) {
    const json* v = at(index);
    if (!v)
        return std::nullopt;
    if (v->is_boolean())
        return v->get<bool>();
    fail(index, name, "expected boolean");
    return std::nullopt;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<UtcTime> unix_time(double seconds) {
    if (!(std::abs(seconds) < 1e11))
        return std::nullopt;
    return from_unix_seconds(seconds);
}

}  // namespace zc::flights::detail
