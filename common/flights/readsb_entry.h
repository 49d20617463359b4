#pragma once
// One readsb aircraft entry to a Fix, written once for both readers: the DOM reader
// (detail::FieldReader over nlohmann::json) and the scanning reader of readsb_fast.cpp. Keeping
// a single copy of the field rules is what lets the fast path promise the same results.
//
// A Reader offers number/integer/string(key), fail(key, message) and bad(), and two free
// functions found by ADL: alt_baro_of(r, feet) and lists_position_of(r, key).
#include <cmath>
#include <optional>
#include <string_view>

#include "flights/fix.h"
#include "flights/json_fields.h"
#include "flights/units.h"

namespace zc::flights::detail {

/// What `alt_baro` holds: a number of feet or the string "ground".
enum class AltBaro { kAbsent, kGround, kFeet, kOther };

/// The entry without its fix time, which needs the document's `now` (that may come after the
/// aircraft array): `age_s` is how much older than `now` the position is.
template <typename Reader>
std::optional<Fix> parse_entry_fields(Reader& r, Feed feed, bool& has_position, double& age_s) {
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
    f.icao24 = to_lower(hex.value_or(""));
    f.lat_deg = *lat;
    f.lon_deg = *lon;

    std::optional<double> alt_baro;
    double baro_feet = 0;
    switch (alt_baro_of(r, baro_feet)) {
        case AltBaro::kGround:
            f.on_ground = true;
            break;
        case AltBaro::kFeet:
            alt_baro = baro_feet * units::kFootM;
            break;
        case AltBaro::kOther:
            r.fail("alt_baro", "expected number or \"ground\"");
            break;
        case AltBaro::kAbsent:
            break;
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
    f.callsign = trim(r.string("flight").value_or(""));
    f.registration = r.string("r").value_or("");
    f.aircraft_type = r.string("t").value_or("");

    if (auto type = r.string("type")) {
        f.source_type = source_type_from_readsb(*type);
    } else if (lists_position_of(r, "mlat")) {
        f.source_type = SourceType::Mlat;
    } else if (lists_position_of(r, "tisb")) {
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
    if (r.bad())
        return std::nullopt;
    age_s = age.value_or(0.0);
    return f;
}

}  // namespace zc::flights::detail
