#include "transit/candidate_json.h"

#include <cmath>

namespace zc::transit {

using nlohmann::json;

namespace {
/// Rounds to `decimals` places for stable, readable output (far below the values' own
/// uncertainty). Dividing by the power of ten gives the double nearest the decimal.
double round_to(double v, int decimals) {
    const double k = std::pow(10.0, decimals);
    return std::round(v * k) / k;
}
json opt_time(const std::optional<UtcTime>& t) {
    return t ? json(format_iso8601(*t)) : json(nullptr);
}
json opt_string(const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
}
}  // namespace

json to_json(const Candidate& c) {
    json j;
    j["target"] = to_string(c.target);
    j["icao24"] = opt_string(c.icao24);
    j["callsign"] = opt_string(c.callsign);
    j["key"] = c.key;
    j["level"] = to_string(c.level);
    j["closest_approach"] = format_iso8601(c.closest_approach);
    j["separation_deg"] = round_to(c.separation_deg, 5);
    j["separation_radii"] = round_to(c.separation_radii, 4);
    j["body_radius_deg"] = round_to(c.body_radius_deg, 5);
    j["sigma_deg"] = round_to(c.sigma_deg, 5);
    j["sigma_time_s"] = round_to(c.sigma_time_s, 3);
    j["probability"] = round_to(c.probability, 4);
    j["ingress"] = opt_time(c.ingress);
    j["egress"] = opt_time(c.egress);
    j["duration_s"] = round_to(c.duration_s, 3);
    j["path_angle_deg"] = round_to(c.path_angle_deg, 1);
    j["miss_angle_deg"] = round_to(c.miss_angle_deg, 1);
    j["angular_rate_deg_s"] = round_to(c.angular_rate_deg_s, 4);
    j["body_alt_deg"] = round_to(c.body_alt_deg, 4);
    j["body_az_deg"] = round_to(c.body_az_deg, 4);
    j["aircraft_alt_deg"] = round_to(c.aircraft_alt_deg, 4);
    j["aircraft_az_deg"] = round_to(c.aircraft_az_deg, 4);
    j["slant_range_km"] = round_to(c.slant_range_m / 1000.0, 3);
    j["altitude_m"] = round_to(c.altitude_m, 1);
    j["altitude_kind"] = flights::to_string(c.altitude_kind);
    j["fix_age_s"] = round_to(c.fix_age_s, 3);
    j["lead_time_s"] = round_to(c.lead_time_s, 3);
    j["ground_offset_m"] = round_to(c.ground_offset_m, 1);
    j["ground_offset_bearing_deg"] = round_to(c.ground_offset_bearing_deg, 1);
    j["source_type"] = flights::to_string(c.source_type);
    j["feed"] = flights::to_string(c.feed);
    j["aircraft_type"] = opt_string(c.aircraft_type);
    j["registration"] = opt_string(c.registration);
    return j;
}

json to_json(const std::vector<Candidate>& candidates) {
    json arr = json::array();
    for (const Candidate& c : candidates)
        arr.push_back(to_json(c));
    return arr;
}

}  // namespace zc::transit
