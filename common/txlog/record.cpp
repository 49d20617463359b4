#include "txlog/record.h"

#include <cmath>

#include "geo/geodesic.h"
#include "geo/local_frame.h"

namespace zc::txlog {

using nlohmann::ordered_json;

namespace {
double round_to(double v, int decimals) {
    const double k = std::pow(10.0, decimals);
    return std::round(v * k) / k;
}
ordered_json opt_string(const std::string& s) {
    return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}
ordered_json opt_time(const std::optional<UtcTime>& t) {
    return t ? ordered_json(format_iso8601(*t)) : ordered_json(nullptr);
}
}  // namespace

AircraftPosition aircraft_position(const geo::Geodetic& observer, const transit::Candidate& c) {
    const geo::LocalFrame frame(observer);
    const auto enu = geo::enu_direction(c.aircraft_az_deg, c.aircraft_alt_deg) * c.slant_range_m;
    const auto g = geo::ecef_to_geodetic(frame.enu_to_ecef(enu));
    AircraftPosition p;
    p.lat_deg = g.lat_deg;
    p.lon_deg = g.lon_deg;
    if (auto inv = geo::geodesic_inverse(observer.lat_deg, observer.lon_deg, g.lat_deg, g.lon_deg))
        p.ground_distance_m = inv->distance_m;
    else
        p.ground_distance_m = std::hypot(enu.x, enu.y);
    return p;
}

ordered_json make_record(const transit::Entry& e, transit::LogKind kind, UtcTime now,
                         const RecordContext& ctx) {
    using transit::to_string;
    const auto& c = e.candidate;
    ordered_json j;
    j["v"] = kSchemaVersion;
    j["logged"] = format_iso8601(now);
    j["line"] = to_string(kind);
    j["id"] = e.id;
    j["icao24"] = opt_string(c.icao24);
    j["callsign"] = opt_string(c.callsign);
    j["registration"] = opt_string(c.registration);
    j["aircraft_type"] = opt_string(c.aircraft_type);
    j["target"] = to_string(c.target);
    j["level"] = to_string(c.level);
    j["max_level"] = to_string(e.max_level);
    j["closest_approach"] = format_iso8601(c.closest_approach);
    j["seconds_to_ca"] = round_to(to_seconds(c.closest_approach - now), 3);
    j["separation_deg"] = round_to(c.separation_deg, 5);
    j["separation_radii"] = round_to(c.separation_radii, 4);
    j["body_radius_deg"] = round_to(c.body_radius_deg, 5);
    j["sigma_deg"] = round_to(c.sigma_deg, 5);
    j["sigma_time_s"] = round_to(c.sigma_time_s, 3);
    j["probability"] = round_to(c.probability, 4);
    j["ingress"] = opt_time(c.ingress);
    j["egress"] = opt_time(c.egress);
    j["duration_s"] = round_to(c.duration_s, 3);
    if (ctx.observer) {
        const auto p = aircraft_position(*ctx.observer, c);
        j["lat"] = round_to(p.lat_deg, 6);
        j["lon"] = round_to(p.lon_deg, 6);
        j["ground_distance_km"] = round_to(p.ground_distance_m / 1000.0, 3);
    } else {
        j["lat"] = nullptr;
        j["lon"] = nullptr;
        j["ground_distance_km"] = nullptr;
    }
    j["alt_m"] = round_to(c.altitude_m, 1);
    j["alt_kind"] = flights::to_string(c.altitude_kind);
    j["aircraft_alt_deg"] = round_to(c.aircraft_alt_deg, 4);
    j["aircraft_az_deg"] = round_to(c.aircraft_az_deg, 4);
    j["slant_range_km"] = round_to(c.slant_range_m / 1000.0, 3);
    j["body_alt_deg"] = round_to(c.body_alt_deg, 4);
    j["body_az_deg"] = round_to(c.body_az_deg, 4);
    j["source"] = flights::to_string(c.feed);
    j["position_source"] = flights::to_string(c.source_type);
    j["fix_age_s"] = round_to(c.fix_age_s, 3);
    j["state"] = to_string(e.stage);
    j["reason"] = opt_string(e.reason);
    j["alerted_level"] = to_string(e.alerted_level);
    j["imminent_sent"] = e.imminent_sent;
    j["capture"] = to_string(e.capture);
    j["capture_reason"] = opt_string(e.capture_reason);
    j["scope_connected"] =
        ctx.scope_connected ? ordered_json(*ctx.scope_connected) : ordered_json(nullptr);
    j["scope_mode"] = opt_string(ctx.scope_mode);
    j["first_seen"] = format_iso8601(e.first_seen);
    return j;
}

}  // namespace zc::txlog
