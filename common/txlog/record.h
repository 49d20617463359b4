#pragma once
// One line of possible_transits.log: a JSON object with the stable fields documented in
// docs/lifecycle.md (schema "v": 1). Lines are written when a candidate is first seen, when it
// changes (level, state, capture, closest-approach time) and once with its outcome.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "geo/wgs84.h"
#include "time/clock.h"
#include "transit/lifecycle.h"

namespace zc::txlog {

inline constexpr int kSchemaVersion = 1;
inline constexpr const char* kFileName = "possible_transits.log";

struct RecordContext {
    /// The observer, to place the aircraft at closest approach (lat/lon); nullopt = null.
    std::optional<geo::Geodetic> observer;
    std::optional<bool> scope_connected;  // nullopt: no telescope configured
    std::string scope_mode;               // sun, moon, or empty when unknown
};

struct AircraftPosition {
    double lat_deg = 0, lon_deg = 0;
    double ground_distance_m = 0;  // from the observer to the point below the aircraft
};
/// Where the aircraft is at closest approach, from the observer and the candidate's
/// azimuth, elevation and slant range.
AircraftPosition aircraft_position(const geo::Geodetic& observer, const transit::Candidate& c);

nlohmann::ordered_json make_record(const transit::Entry& e, transit::LogKind kind, UtcTime now,
                                   const RecordContext& ctx);

}  // namespace zc::txlog
