#include "astro/body.h"

#include <cmath>

#include "astro/apparent.h"
#include "astro/refraction.h"

namespace zc::astro {

namespace {
constexpr double kDeg2Rad = 1.745329251994329576923691e-2;
}

std::array<double, 3> enu_from_az_alt(double az_deg, double alt_deg) {
    const double az = az_deg * kDeg2Rad;
    const double alt = alt_deg * kDeg2Rad;
    return {std::cos(alt) * std::sin(az), std::cos(alt) * std::cos(az), std::sin(alt)};
}

BodyPosition observe(Body body, double az_deg, double airless_alt_deg, double distance_km,
                     const Atmosphere& atmosphere) {
    BodyPosition out;
    out.az_deg = az_deg;
    out.alt_airless_deg = airless_alt_deg;
    out.alt_deg = apparent_from_airless_deg(airless_alt_deg, atmosphere);
    out.distance_km = distance_km;
    out.radius_deg = angular_radius_deg(body, distance_km);
    out.enu = enu_from_az_alt(az_deg, out.alt_deg);
    return out;
}

BodyPosition body_position(Body body, UtcTime t, const Site& site, const Atmosphere& atmosphere,
                           const EarthOrientation& eop) {
    const ApparentPlace p = topocentric_place(body, t, site, eop);
    return observe(body, p.az_deg, p.alt_deg, p.distance_km, atmosphere);
}

}  // namespace zc::astro
