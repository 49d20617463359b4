#pragma once
// Where the Sun and the Moon are, as seen by an observer on the WGS84 ellipsoid.
// This is the contract between the astronomy code (ERFA) and the transit calculator.
#include <array>

#include "time/clock.h"

namespace zc::astro {

enum class Body { Sun, Moon };

/// Observer site on the WGS84 ellipsoid. Height is ellipsoidal (not above mean sea level).
struct Site {
    double lat_deg = 0;
    double lon_deg = 0;  // east positive
    double height_m = 0;
};

/// Weather at the observer for refraction. pressure_hpa == 0 means airless (no refraction).
struct Atmosphere {
    double pressure_hpa = 1013.25;
    double temperature_c = 15.0;
    double relative_humidity = 0.0;
};

/// Earth orientation beyond the leap-second table: UT1 - UTC and polar motion.
struct EarthOrientation {
    double dut1_s = 0.0;
    double xp_arcsec = 0.0;
    double yp_arcsec = 0.0;
};

struct BodyPosition {
    double az_deg = 0;           // observed azimuth, from north through east
    double alt_deg = 0;          // observed (refracted) altitude
    double alt_airless_deg = 0;  // topocentric apparent altitude before refraction
    double distance_km = 0;      // topocentric distance
    double radius_deg = 0;       // apparent angular radius of the disc
    std::array<double, 3> enu{};  // unit vector of the observed direction, local East-North-Up
};

BodyPosition body_position(Body body, UtcTime t, const Site& site, const Atmosphere& atmosphere,
                           const EarthOrientation& eop = {});

}  // namespace zc::astro
