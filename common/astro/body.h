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
    double az_deg = 0;            // observed azimuth, from north through east
    double alt_deg = 0;           // observed (refracted) altitude
    double alt_airless_deg = 0;   // topocentric apparent altitude before refraction
    double distance_km = 0;       // topocentric distance
    double radius_deg = 0;        // apparent angular radius of the disc
    std::array<double, 3> enu{};  // unit vector of the observed direction, local East-North-Up
};

/// Topocentric apparent Sun or Moon (ERFA; see astro/apparent.h for the model), refracted with
/// Bennett's formula for `atmosphere` (astro/refraction.h; pressure 0 = airless, no refraction
/// for airless altitudes below -1 deg). Accuracy: Sun < 0.05", Moon ~1-4" vs DE405/HORIZONS.
/// Cost: 60-150 us per call measured (IAU 2000A nutation dominates). For many evaluations over a
/// window use astro::BodyTrack (astro/body_track.h): ~0.2 us per call, within 1e-5" of this.
BodyPosition body_position(Body body, UtcTime t, const Site& site, const Atmosphere& atmosphere,
                           const EarthOrientation& eop = {});

/// Unit vector (East, North, Up) for an azimuth (from north through east) and altitude.
std::array<double, 3> enu_from_az_alt(double az_deg, double alt_deg);

/// A BodyPosition from an airless topocentric direction and distance: refracts the altitude and
/// fills the radius and the ENU vector. Used by body_position and BodyTrack.
BodyPosition observe(Body body, double az_deg, double airless_alt_deg, double distance_km,
                     const Atmosphere& atmosphere);

}  // namespace zc::astro
