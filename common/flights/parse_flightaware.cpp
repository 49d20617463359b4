#include <cmath>

#include <nlohmann/json.hpp>

#include "flights/json_fields.h"
#include "flights/parsers.h"
#include "flights/units.h"

namespace zc::flights {

using detail::FieldReader;
using nlohmann::json;

namespace {

SourceType source_from_update_type(const std::optional<std::string>& t) {
    if (!t || t->empty())
        return SourceType::Unknown;
    if (*t == "A")
        return SourceType::AdsbIcao;
    if (*t == "M")
        return SourceType::Mlat;
    return SourceType::Other;  // radar, oceanic, estimated, datalink...
}

/// Fills `f` from last_position; false when the entry is skipped (problem in `pos`, or no
/// position at all).
bool parse_last_position(FieldReader& pos, Fix& f, bool& has_position) {
    const auto lat = pos.number("latitude");
    const auto lon = pos.number("longitude");
    const auto stamp = pos.string("timestamp");
    if (pos.bad())
        return false;
    if (!lat && !lon)
        return false;
    has_position = true;
    if (!lat)
        pos.fail("latitude", "missing");
    if (!lon)
        pos.fail("longitude", "missing");
    if (!stamp)
        pos.fail("timestamp", "missing");
    if (pos.bad())
        return false;
    const auto t = parse_iso8601(*stamp);
    if (!t) {
        pos.fail("timestamp", "expected ISO 8601 time");
        return false;
    }
    if (std::abs(*lat) > 90)
        pos.fail("latitude", "out of range");
    if (std::abs(*lon) > 180)
        pos.fail("longitude", "out of range");
    f.fix_time = *t;
    f.lat_deg = *lat;
    f.lon_deg = *lon;
    // Hundreds of feet of pressure altitude: FlightAware has no geometric height.
    f.altitude_kind = AltitudeKind::Barometric;
    if (const auto alt = pos.number("altitude")) {
        f.altitude_m = *alt * units::kHundredFeetM;
    } else if (!pos.bad()) {
        pos.fail("altitude", "missing");
    }
    if (auto gs = pos.number("groundspeed"))
        f.ground_speed_mps = *gs * units::kKnotMps;
    f.track_deg = pos.number("heading");  // in practice the course over ground
    f.source_type = source_from_update_type(pos.string("update_type"));
    return !pos.bad();
}

}  // namespace

ParseResult parse_flightaware(const json& doc) {
    ParseResult out;
    out.format = Format::FlightAwareSearch;
    if (!doc.is_object()) {
        out.error = "expected a JSON object";
        return out;
    }
    const auto flights = doc.find("flights");
    if (flights == doc.end() || !flights->is_array()) {
        out.error = "flights: expected array";
        return out;
    }
    out.entries = flights->size();
    for (std::size_t i = 0; i < flights->size(); ++i) {
        const json& e = (*flights)[i];
        const std::string path = "flights[" + std::to_string(i) + "]";
        if (!e.is_object()) {
            out.problems.push_back({path, "expected object"});
            continue;
        }
        FieldReader flight(e, path);
        Fix f;
        f.feed = Feed::FlightAware;
        const auto ident_icao = flight.string("ident_icao");
        const auto ident = flight.string("ident");
        f.callsign = detail::trim(ident_icao ? *ident_icao : ident.value_or(""));
        f.flight_id = flight.string("fa_flight_id").value_or("");
        if (f.flight_id.empty())
            f.flight_id = f.callsign;
        // Without either there is no merge key: the entry is refused (found by fuzzing).
        if (f.flight_id.empty() && !flight.bad())
            flight.fail("fa_flight_id", "missing, and no ident either");
        f.aircraft_type = flight.string("aircraft_type").value_or("");
        f.registration = flight.string("registration").value_or("");
        const json* lp = flight.raw("last_position");
        if (lp && !lp->is_object())
            flight.fail("last_position", "expected object");
        if (auto p = flight.take_problem()) {
            out.problems.push_back(std::move(*p));
            continue;
        }
        if (!lp) {
            ++out.without_position;
            continue;
        }
        FieldReader pos(*lp, path + ".last_position");
        bool has_position = false;
        const bool ok = parse_last_position(pos, f, has_position);
        if (auto p = pos.take_problem()) {
            out.problems.push_back(std::move(*p));
        } else if (ok) {
            out.fixes.push_back(std::move(f));
        } else if (!has_position) {
            ++out.without_position;
        }
    }
    return out;
}

}  // namespace zc::flights
