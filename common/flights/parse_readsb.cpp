#include <cmath>

#include <nlohmann/json.hpp>

#include "flights/json_fields.h"
#include "flights/parsers.h"
#include "flights/readsb_entry.h"
#include "flights/units.h"

namespace zc::flights {

using detail::FieldReader;
using nlohmann::json;

namespace {

bool lists_position(const json* list) {
    if (!list || !list->is_array())
        return false;
    for (const auto& f : *list)
        if (f.is_string() && (f == "lat" || f == "lon"))
            return true;
    return false;
}

}  // namespace

// The DOM reader's side of readsb_entry.h.
namespace detail {
AltBaro alt_baro_of(FieldReader& r, double& feet) {
    const json* ab = r.raw("alt_baro");
    if (!ab)
        return AltBaro::kAbsent;
    if (ab->is_string() && *ab == "ground")
        return AltBaro::kGround;
    if (!ab->is_number())
        return AltBaro::kOther;
    feet = ab->get<double>();
    return AltBaro::kFeet;
}
bool lists_position_of(FieldReader& r, std::string_view key) {
    return lists_position(r.raw(key));
}
}  // namespace detail

namespace {

/// One aircraft entry; nullopt when skipped (reader holds the problem, or no position).
std::optional<Fix> parse_entry(FieldReader& r, double now_s, Feed feed, bool& has_position) {
    double age_s = 0;
    auto f = detail::parse_entry_fields(r, feed, has_position, age_s);
    if (!f)
        return std::nullopt;
    const auto fix_time = detail::unix_time(now_s - age_s);
    if (!fix_time) {
        r.fail("seen_pos", "out of range");
        return std::nullopt;
    }
    f->fix_time = *fix_time;
    return f;
}

}  // namespace

ParseResult parse_readsb(const json& doc) {
    ParseResult out;
    if (!doc.is_object()) {
        out.error = "expected a JSON object";
        return out;
    }
    const bool api = doc.contains("ac");
    const char* array_name = api ? "ac" : "aircraft";
    out.format =
        api ? Format::ReadsbApi
            : (doc.contains("resultCount") ? Format::AdsbFiV2 : Format::ReadsbAircraftJson);
    const Feed feed = out.format == Format::ReadsbApi  ? Feed::ReadsbApi
                      : out.format == Format::AdsbFiV2 ? Feed::AdsbFi
                                                       : Feed::ReadsbLocal;
    const auto now_it = doc.find("now");
    if (now_it == doc.end() || !now_it->is_number()) {
        out.error = "now: expected number (the feed's clock)";
        return out;
    }
    double now_s = now_it->get<double>();
    if (now_s > units::kMillisecondThreshold)
        now_s /= 1000.0;
    out.document_time = detail::unix_time(now_s);
    if (!out.document_time) {
        out.error = "now: out of range";
        return out;
    }

    const auto arr = doc.find(array_name);
    if (arr == doc.end() || arr->is_null())
        return out;  // empty sky
    if (!arr->is_array()) {
        out.error = std::string(array_name) + ": expected array";
        return out;
    }
    out.entries = arr->size();
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const json& e = (*arr)[i];
        const std::string path = std::string(array_name) + "[" + std::to_string(i) + "]";
        if (!e.is_object()) {
            out.problems.push_back({path, "expected object"});
            continue;
        }
        FieldReader r(e, path);
        bool has_position = false;
        auto fix = parse_entry(r, now_s, feed, has_position);
        if (auto p = r.take_problem()) {
            out.problems.push_back(std::move(*p));
        } else if (fix) {
            out.fixes.push_back(std::move(*fix));
        } else if (!has_position) {
            ++out.without_position;
        }
    }
    return out;
}

}  // namespace zc::flights
