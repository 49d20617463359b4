#pragma once
// One predicted close approach of an aircraft to the Sun or the Moon.
#include <optional>
#include <string>
#include <string_view>

#include "flights/fix.h"
#include "time/clock.h"
#include "transit/options.h"

namespace zc::transit {

enum class Level { None, Low, Medium, High };
std::string_view to_string(Level level);
std::string_view to_string(Target target);

struct Candidate {
    Target target = Target::Sun;
    std::string icao24, callsign, key;
    Level level = Level::None;

    UtcTime closest_approach{};
    double separation_deg = 0;
    double separation_radii = 0;
    double body_radius_deg = 0;
    /// Only when the path crosses the disc.
    std::optional<UtcTime> ingress, egress;
    double duration_s = 0;
    /// Direction of the aircraft's motion across the disc, and where on the disc it passes
    /// closest: position angles measured on the sky from the zenith direction (0) towards
    /// increasing azimuth (90).
    double path_angle_deg = 0;
    double miss_angle_deg = 0;
    double angular_rate_deg_s = 0;  // relative to the body

    double body_alt_deg = 0, body_az_deg = 0, body_distance_km = 0;
    double aircraft_alt_deg = 0, aircraft_az_deg = 0;
    double slant_range_m = 0;
    double altitude_m = 0;  // at the closest approach, of the kind below
    flights::AltitudeKind altitude_kind = flights::AltitudeKind::Geometric;

    double fix_age_s = 0;    // at prediction time
    double lead_time_s = 0;  // closest approach - prediction time

    double sigma_deg = 0;     // 1-sigma of the separation (cross-path)
    double sigma_time_s = 0;  // 1-sigma of the time (along the path)
    double probability = 0;   // of crossing the disc

    /// Where the observer would stand for a central transit: metres and bearing from here.
    double ground_offset_m = 0;
    double ground_offset_bearing_deg = 0;

    flights::SourceType source_type = flights::SourceType::Unknown;
    flights::Feed feed = flights::Feed::ReadsbLocal;
    std::string aircraft_type, registration;
};

}  // namespace zc::transit
