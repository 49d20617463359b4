#include "gallery/sidecar.h"

#include <charconv>
#include <cmath>

namespace zc::gallery {

nlohmann::json new_sidecar(const Fields& form, UtcTime now) {
    nlohmann::json j = nlohmann::json::object();
    for (const char* f : kMetadataFields) {
        auto it = form.find(f);
        j[f] = it == form.end() ? std::string() : it->second;
    }
    j["timestamp"] = format_iso8601(now);
    return j;
}

nlohmann::json merged_sidecar(const nlohmann::json& old, const Fields& form) {
    nlohmann::json j = old.is_object() ? old : nlohmann::json::object();
    for (const char* f : kMetadataFields) {
        if (auto it = form.find(f); it != form.end())
            j[f] = it->second;
        else if (!j.contains(f) || !j[f].is_string())
            j[f] = "";
    }
    return j;
}

namespace {

bool number_in(const std::string& s, double lo, double hi) {
    double v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    return ec == std::errc() && p == end && std::isfinite(v) && v >= lo && v <= hi;
}

}  // namespace

std::optional<std::string> check_fields(const Fields& form) {
    for (const char* f : kMetadataFields) {
        auto it = form.find(f);
        if (it == form.end())
            continue;
        if (it->second.size() > kMaxFieldBytes)
            return std::string("Field ") + f + " is too long (limit 1024 bytes)";
    }
    if (auto it = form.find("target"); it != form.end())
        if (!it->second.empty() && it->second != "sun" && it->second != "moon")
            return std::string("Invalid target. Allowed: sun, moon or empty");
    if (auto it = form.find("observer_lat"); it != form.end() && !it->second.empty())
        if (!number_in(it->second, -90, 90))
            return std::string("observer_lat must be a number from -90 to 90");
    if (auto it = form.find("observer_lon"); it != form.end() && !it->second.empty())
        if (!number_in(it->second, -180, 180))
            return std::string("observer_lon must be a number from -180 to 180");
    return std::nullopt;
}

std::optional<UtcTime> sidecar_time(const nlohmann::json& metadata) {
    if (!metadata.is_object())
        return std::nullopt;
    auto it = metadata.find("timestamp");
    if (it == metadata.end() || !it->is_string())
        return std::nullopt;
    return parse_iso8601(it->get<std::string>());
}

}  // namespace zc::gallery
