#include <cmath>

#include <nlohmann/json.hpp>

#include "flights/json_fields.h"
#include "flights/parsers.h"
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

/// One aircraft entry; nullopt when skipped (reader holds the problem, or no position).
std::optional<Fix> parse_entry(FieldReader& r, double now_s, Feed feed, bool& has_position) {
    has_position = false;
    const auto hex = r.string("hex");
    if (!hex && !r.bad())
        r.fail("hex", "missing");
    else if (hex && hex->empty())
        r.fail("hex", "empty");  // a fix needs a merge key (found by fuzzing)
    const auto lat = r.number("lat");
    const auto lon = r.number("lon");
    if (r.bad())
        return std::nullopt;
    if (!lat && !lon)
        return std::nullopt;  // no current position (maybe only lastPosition)
    has_position = true;
    if (!lat || !lon) {
        r.fail(lat ? "lon" : "lat", "missing while the other coordinate is present");
        return std::nullopt;
    }
    if (std::abs(*lat) > 90)
        r.fail("lat", "out of range");
    if (std::abs(*lon) > 180)
        r.fail("lon", "out of range");

    Fix f;
    f.feed = feed;
    f.icao24 = detail::to_lower(hex.value_or(""));
    f.lat_deg = *lat;
    f.lon_deg = *lon;

    // alt_baro is a number of feet or the string "ground".
    std::optional<double> alt_baro;
    if (const json* ab = r.raw("alt_baro")) {
        if (ab->is_string() && *ab == "ground") {
            f.on_ground = true;
        } else if (ab->is_number()) {
            alt_baro = ab->get<double>() * units::kFootM;
        } else {
            r.fail("alt_baro", "expected number or \"ground\"");
        }
    }
    const auto alt_geom = r.number("alt_geom");
    if (alt_geom) {
        f.altitude_m = *alt_geom * units::kFootM;
        f.altitude_kind = AltitudeKind::Geometric;
    } else if (alt_baro) {
        f.altitude_m = *alt_baro;
        f.altitude_kind = AltitudeKind::Barometric;
    } else if (f.on_ground) {
        f.altitude_kind = AltitudeKind::Barometric;
    } else if (!r.bad()) {
        r.fail("alt_baro", "no altitude (neither alt_geom nor alt_baro)");
    }

    if (auto gs = r.number("gs"))
        f.ground_speed_mps = *gs * units::kKnotMps;
    if (auto tr = r.number("track")) {
        f.track_deg = *tr;
    } else if (auto ct = r.number("calc_track")) {
        f.track_deg = *ct;
    }
    const auto geom_rate = r.number("geom_rate");
    const auto baro_rate = r.number("baro_rate");
    if (geom_rate) {
        f.vertical_rate_mps = *geom_rate * units::kFeetPerMinuteMps;
    } else if (baro_rate) {
        f.vertical_rate_mps = *baro_rate * units::kFeetPerMinuteMps;
    }
    f.track_rate_dps = r.number("track_rate");
    if (auto mcp = r.number("nav_altitude_mcp")) {
        f.selected_altitude_m = *mcp * units::kFootM;
    } else if (auto fms = r.number("nav_altitude_fms")) {
        f.selected_altitude_m = *fms * units::kFootM;
    }
    f.nac_p = r.integer("nac_p");
    f.nac_v = r.integer("nac_v");
    f.callsign = detail::trim(r.string("flight").value_or(""));
    f.registration = r.string("r").value_or("");
    f.aircraft_type = r.string("t").value_or("");

    if (auto type = r.string("type")) {
        f.source_type = source_type_from_readsb(*type);
    } else if (lists_position(r.raw("mlat"))) {
        f.source_type = SourceType::Mlat;
    } else if (lists_position(r.raw("tisb"))) {
        f.source_type = SourceType::Tisb;
    } else if (!f.icao24.empty() && f.icao24.front() != '~') {
        // dump1090-fa writes no `type`; a position not flagged as MLAT/TIS-B is ADS-B.
        f.source_type = SourceType::AdsbIcao;
    }

    // The position is seen_pos seconds older than the document's `now`. Without seen_pos the
    // last message of any kind (`seen`) is the best bound we have.
    auto age = r.number("seen_pos");
    if (!age)
        age = r.number("seen");
    if (age && *age < 0)
        r.fail("seen_pos", "negative");
    const auto fix_time = detail::unix_time(now_s - age.value_or(0.0));
    if (!fix_time && !r.bad())
        r.fail("seen_pos", "out of range");
    if (r.bad())
        return std::nullopt;
    f.fix_time = *fix_time;
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
