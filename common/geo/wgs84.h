#pragma once
// WGS84 ellipsoid and the conversions between geodetic coordinates and ECEF.
#include "geo/vec3.h"

namespace zc::geo {

namespace wgs84 {
inline constexpr double kA = 6378137.0;            // semi-major axis (m)
inline constexpr double kF = 1.0 / 298.257223563;  // flattening
inline constexpr double kB = kA * (1.0 - kF);      // semi-minor axis (m)
inline constexpr double kE2 = kF * (2.0 - kF);     // first eccentricity squared
inline constexpr double kEp2 = kE2 / (1.0 - kE2);  // second eccentricity squared
}  // namespace wgs84

/// Geodetic position: latitude/longitude in degrees (east positive), height above the ellipsoid.
struct Geodetic {
    double lat_deg = 0;
    double lon_deg = 0;
    double height_m = 0;
};

Vec3 geodetic_to_ecef(const Geodetic& g);
/// Closed form (Vermeille 2004): sub-millimetre everywhere outside the Earth's core.
Geodetic ecef_to_geodetic(const Vec3& p);

/// Outward ellipsoid normal (the local "up") at a geodetic latitude/longitude.
Vec3 ellipsoid_normal(double lat_deg, double lon_deg);

/// Meridional (M) and prime-vertical (N) radii of curvature at a latitude.
double meridian_radius(double lat_deg);
double prime_vertical_radius(double lat_deg);
/// Radius of curvature of the normal section in the given azimuth (Euler's formula).
double radius_in_azimuth(double lat_deg, double azimuth_deg);

}  // namespace zc::geo
