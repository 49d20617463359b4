#include "txlog/csv.h"

#include <cctype>
#include <cmath>
#include <vector>

#include "time/clock.h"
#include "txlog/local_time.h"

namespace zc::txlog {

using nlohmann::json;

namespace {

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string str(const json& r, const char* key) {
    auto it = r.find(key);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> num(const json& r, const char* key) {
    auto it = r.find(key);
    if (it == r.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

std::string num_text(const json& r, const char* key, int decimals) {
    auto v = num(r, key);
    return v ? number(*v, decimals) : std::string();
}

int level_number(const std::string& level) {
    if (level == "HIGH")
        return 3;
    if (level == "MEDIUM")
        return 2;
    if (level == "LOW")
        return 1;
    return 0;
}

// The original's position_source values: adsb, mlat, asterix, flarm, other, opensky,
// flightaware, detection.
std::string position_source(const json& r) {
    if (str(r, "source") == "flightaware")
        return "flightaware";
    const auto s = str(r, "position_source");
    if (s == "adsb_icao" || s == "adsb_icao_nt" || s == "adsr" || s == "adsc")
        return "adsb";
    if (s == "mlat" || s == "flarm")
        return s;
    return "other";
}

}  // namespace

const std::string& csv_header() {
    static const std::string h =
        "timestamp,id,fa_flight_id,origin,destination,latitude,longitude,aircraft_elevation,"
        "aircraft_elevation_feet,aircraft_type,speed,is_possible_transit,possibility_level,"
        "elevation_change,direction,alt_diff,az_diff,time,target_alt,plane_alt,target_az,"
        "plane_az,target,distance_nm,position_source,scope_connected,scope_mode";
    return h;
}

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string normalised_callsign(std::string_view callsign) {
    std::string out;
    for (char c : callsign) {
        const auto u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if ((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9'))
            out += u;
        if (out.size() == 7)
            break;
    }
    return out;
}

std::string csv_row(const json& r) {
    std::vector<std::string> f;
    f.reserve(27);
    const auto logged = parse_iso8601(str(r, "logged"));
    const auto ca = parse_iso8601(str(r, "closest_approach"));
    f.push_back(logged ? format_local(*logged, "%Y-%m-%d %H:%M:%S") : "");
    auto id = normalised_callsign(str(r, "callsign"));
    if (id.empty())
        id = normalised_callsign(str(r, "icao24"));
    f.push_back(id);
    f.push_back("");  // fa_flight_id: no FlightAware enrichment
    f.push_back("");  // origin, destination: no source of ours reports a route
    f.push_back("");
    f.push_back(num_text(r, "lat", 6));  // at closest approach (the original: at t = 0)
    f.push_back(num_text(r, "lon", 6));
    const auto alt = num(r, "alt_m");
    f.push_back(alt ? number(*alt, 1) : "");
    f.push_back(alt ? std::to_string(std::lround(*alt / 0.3048)) : "");
    f.push_back(str(r, "aircraft_type"));
    f.push_back("");  // speed: not carried by a candidate
    const int level = level_number(str(r, "level"));
    f.push_back(level >= 1 ? "1" : "0");
    f.push_back(std::to_string(level));
    f.push_back("");  // elevation_change
    f.push_back("");  // direction
    const auto pa = num(r, "aircraft_alt_deg"), ta = num(r, "body_alt_deg");
    const auto pz = num(r, "aircraft_az_deg"), tz = num(r, "body_az_deg");
    f.push_back(pa && ta ? number(std::fabs(*pa - *ta), 3) : "");
    if (pz && tz) {
        double d = std::fmod(std::fabs(*pz - *tz), 360.0);
        f.push_back(number(d > 180.0 ? 360.0 - d : d, 3));  // the shortest arc
    } else {
        f.push_back("");
    }
    f.push_back(logged && ca ? number(to_seconds(*ca - *logged) / 60.0, 3) : "");
    f.push_back(ta ? number(*ta, 3) : "");
    f.push_back(pa ? number(*pa, 3) : "");
    f.push_back(tz ? number(*tz, 3) : "");
    f.push_back(pz ? number(*pz, 3) : "");
    f.push_back(str(r, "target"));
    const auto gd = num(r, "ground_distance_km");
    f.push_back(gd ? number(*gd / 1.852, 2) : "");
    f.push_back(position_source(r));
    const auto sc = r.find("scope_connected");
    f.push_back(sc != r.end() && sc->is_boolean() && sc->get<bool>() ? "True" : "False");
    f.push_back(str(r, "scope_mode"));
    std::string line;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (i)
            line += ',';
        line += csv_field(f[i]);
    }
    return line;
}

}  // namespace zc::txlog
