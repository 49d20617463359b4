#include <cmath>

#include <nlohmann/json.hpp>

#include "flights/json_fields.h"
#include "flights/parsers.h"

namespace zc::flights {

using detail::ElementReader;
using nlohmann::json;

namespace {

// State vector indices (flight-data-sources.md §2.2). Rows have 17 elements, 18 with
// extended=1; a short row simply lacks the trailing fields.
enum : std::size_t {
    kIcao24 = 0,
    kCallsign = 1,
    kTimePosition = 3,
    kLon = 5,
    kLat = 6,
    kBaroAlt = 7,
    kOnGround = 8,
    kVelocity = 9,
    kTrack = 10,
    kVerticalRate = 11,
    kGeoAlt = 13,
    kPositionSource = 16,
};

SourceType source_from_opensky(std::optional<double> ps) {
    if (!ps)
        return SourceType::Unknown;
    // Casting a double outside int's range is undefined behaviour (found by fuzzing): only
    // 0..3 are defined values, anything else is "other".
    if (!(*ps >= 0 && *ps <= 3))
        return SourceType::Other;
    switch (static_cast<int>(*ps)) {
        case 0:
            return SourceType::AdsbIcao;
        case 2:
            return SourceType::Mlat;
        case 3:
            return SourceType::Flarm;
        default:
            return SourceType::Other;  // 1 = ASTERIX (radar)
    }
}

std::optional<Fix> parse_row(ElementReader& r, bool& has_position) {
    has_position = false;
    const auto icao = r.string(kIcao24, "icao24");
    if (!icao && !r.bad())
        r.fail(kIcao24, "icao24", "missing");
    else if (icao && icao->empty())
        r.fail(kIcao24, "icao24", "empty");  // a fix needs a merge key (as readsb's "hex")
    const auto tpos = r.number(kTimePosition, "time_position");
    const auto lon = r.number(kLon, "longitude");
    const auto lat = r.number(kLat, "latitude");
    if (r.bad())
        return std::nullopt;
    // time_position is null when no position arrived in the last 15 s: not a current fix.
    if (!tpos || (!lat && !lon))
        return std::nullopt;
    has_position = true;
    if (!lat || !lon) {
        r.fail(lat ? kLon : kLat, lat ? "longitude" : "latitude", "missing");
        return std::nullopt;
    }
    if (std::abs(*lat) > 90)
        r.fail(kLat, "latitude", "out of range");
    if (std::abs(*lon) > 180)
        r.fail(kLon, "longitude", "out of range");

    Fix f;
    f.feed = Feed::OpenSky;
    f.icao24 = detail::to_lower(*icao);
    f.callsign = detail::trim(r.string(kCallsign, "callsign").value_or(""));
    if (const auto t = detail::unix_time(*tpos))
        f.fix_time = *t;
    else
        r.fail(kTimePosition, "time_position", "out of range");
    f.lat_deg = *lat;
    f.lon_deg = *lon;
    f.on_ground = r.boolean(kOnGround, "on_ground").value_or(false);
    const auto baro = r.number(kBaroAlt, "baro_altitude");
    const auto geo = r.number(kGeoAlt, "geo_altitude");
    if (geo) {
        f.altitude_m = *geo;
        f.altitude_kind = AltitudeKind::Geometric;
    } else if (baro) {
        f.altitude_m = *baro;
        f.altitude_kind = AltitudeKind::Barometric;
    } else if (f.on_ground) {
        f.altitude_kind = AltitudeKind::Barometric;
    } else if (!r.bad()) {
        r.fail(kGeoAlt, "geo_altitude", "no altitude (neither geo_altitude nor baro_altitude)");
    }
    f.ground_speed_mps = r.number(kVelocity, "velocity");
    f.track_deg = r.number(kTrack, "true_track");
    f.vertical_rate_mps = r.number(kVerticalRate, "vertical_rate").value_or(0.0);
    f.source_type = source_from_opensky(r.number(kPositionSource, "position_source"));
    if (r.bad())
        return std::nullopt;
    return f;
}

}  // namespace

ParseResult parse_opensky(const json& doc) {
    ParseResult out;
    out.format = Format::OpenSkyStates;
    if (!doc.is_object()) {
        out.error = "expected a JSON object";
        return out;
    }
    const auto time_it = doc.find("time");
    if (time_it == doc.end() || !time_it->is_number()) {
        out.error = "time: expected number";
        return out;
    }
    out.document_time = detail::unix_time(time_it->get<double>());
    if (!out.document_time) {
        out.error = "time: out of range";
        return out;
    }
    const auto states = doc.find("states");
    if (states == doc.end() || states->is_null())
        return out;  // nothing in the box
    if (!states->is_array()) {
        out.error = "states: expected array or null";
        return out;
    }
    out.entries = states->size();
    for (std::size_t i = 0; i < states->size(); ++i) {
        const json& row = (*states)[i];
        const std::string path = "states[" + std::to_string(i) + "]";
        if (!row.is_array()) {
            out.problems.push_back({path, "expected array"});
            continue;
        }
        ElementReader r(row, path);
        bool has_position = false;
        auto fix = parse_row(r, has_position);
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
