#include "geo/wgs84.h"

#include <cmath>

#include "geo/angles.h"

namespace zc::geo {

using namespace wgs84;

Vec3 geodetic_to_ecef(const Geodetic& g) {
    const double phi = deg2rad(g.lat_deg), lam = deg2rad(g.lon_deg);
    const double sphi = std::sin(phi), cphi = std::cos(phi);
    const double n = kA / std::sqrt(1.0 - kE2 * sphi * sphi);
    return {(n + g.height_m) * cphi * std::cos(lam), (n + g.height_m) * cphi * std::sin(lam),
            (n * (1.0 - kE2) + g.height_m) * sphi};
}

Geodetic ecef_to_geodetic(const Vec3& p) {
    // Vermeille (2004), "Direct transformation from geocentric coordinates to geodetic
    // coordinates", J. Geodesy 76: exact closed form, no iteration.
    const double e4 = kE2 * kE2;
    const double a2 = kA * kA;
    const double w2 = p.x * p.x + p.y * p.y;
    const double w = std::sqrt(w2);
    const double pp = w2 / a2;
    const double q = (1.0 - kE2) * p.z * p.z / a2;
    const double r = (pp + q - e4) / 6.0;
    const double s = e4 * pp * q / (4.0 * r * r * r);
    const double t = std::cbrt(1.0 + s + std::sqrt(s * (2.0 + s)));
    const double u = r * (1.0 + t + 1.0 / t);
    const double v = std::sqrt(u * u + e4 * q);
    const double uv = u + v;
    const double wk = kE2 * (uv - q) / (2.0 * v);
    const double k = uv / (std::sqrt(wk * wk + uv) + wk);
    const double d = k * w / (k + kE2);
    const double hyp = std::sqrt(d * d + p.z * p.z);
    Geodetic g;
    g.height_m = (k + kE2 - 1.0) / k * hyp;
    g.lat_deg = rad2deg(2.0 * std::atan2(p.z, d + hyp));
    g.lon_deg = (w2 > 0) ? rad2deg(std::atan2(p.y, p.x)) : 0.0;
    return g;
}

Vec3 ellipsoid_normal(double lat_deg, double lon_deg) {
    const double phi = deg2rad(lat_deg), lam = deg2rad(lon_deg);
    return {std::cos(phi) * std::cos(lam), std::cos(phi) * std::sin(lam), std::sin(phi)};
}

double meridian_radius(double lat_deg) {
    const double s = std::sin(deg2rad(lat_deg));
    const double w = 1.0 - kE2 * s * s;
    return kA * (1.0 - kE2) / (w * std::sqrt(w));
}

double prime_vertical_radius(double lat_deg) {
    const double s = std::sin(deg2rad(lat_deg));
    return kA / std::sqrt(1.0 - kE2 * s * s);
}

double radius_in_azimuth(double lat_deg, double azimuth_deg) {
    const double c = std::cos(deg2rad(azimuth_deg)), s = std::sin(deg2rad(azimuth_deg));
    return 1.0 / (c * c / meridian_radius(lat_deg) + s * s / prime_vertical_radius(lat_deg));
}

}  // namespace zc::geo
