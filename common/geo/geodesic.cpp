#include "geo/geodesic.h"

#include <cmath>
#include <numbers>

#include "geo/angles.h"

namespace zc::geo {

using namespace wgs84;

namespace {
constexpr double kOneMinusF = 1.0 - kF;
}

GeodesicLine::GeodesicLine(double lat_deg, double lon_deg, double azimuth_deg) {
    lon1_rad_ = deg2rad(lon_deg);
    const double a1 = deg2rad(azimuth_deg);
    sin_a1_ = std::sin(a1);
    cos_a1_ = std::cos(a1);
    const double tan_u1 = kOneMinusF * std::tan(deg2rad(lat_deg));
    cos_u1_ = 1.0 / std::sqrt(1.0 + tan_u1 * tan_u1);
    sin_u1_ = tan_u1 * cos_u1_;
    sigma1_ = std::atan2(tan_u1, cos_a1_);
    sin_alpha_ = cos_u1_ * sin_a1_;
    cos2_alpha_ = 1.0 - sin_alpha_ * sin_alpha_;
    const double u2 = cos2_alpha_ * (kA * kA - kB * kB) / (kB * kB);
    a_coef_ = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)));
    b_coef_ = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)));
    c_coef_ = kF / 16.0 * cos2_alpha_ * (4.0 + kF * (4.0 - 3.0 * cos2_alpha_));
}

GeodesicLine::Sigma GeodesicLine::solve_sigma(double distance_m) const {
    const double s0 = distance_m / (kB * a_coef_);
    Sigma s{};
    s.sigma = s0;
    // Converges geometrically with ratio ~B (1e-3): three rounds reach 1e-12 rad for any
    // distance; a fixed count keeps the hot path branch-free.
    for (int i = 0; i < 4; ++i) {
        s.sin_s = std::sin(s.sigma);
        s.cos_s = std::cos(s.sigma);
        s.cos_2sm = std::cos(2.0 * sigma1_ + s.sigma);
        const double c2 = s.cos_2sm * s.cos_2sm;
        const double ds =
            b_coef_ * s.sin_s *
            (s.cos_2sm + b_coef_ / 4.0 *
                             (s.cos_s * (-1.0 + 2.0 * c2) - b_coef_ / 6.0 * s.cos_2sm *
                                                                (-3.0 + 4.0 * s.sin_s * s.sin_s) *
                                                                (-3.0 + 4.0 * c2)));
        s.sigma = s0 + ds;
    }
    s.sin_s = std::sin(s.sigma);
    s.cos_s = std::cos(s.sigma);
    s.cos_2sm = std::cos(2.0 * sigma1_ + s.sigma);
    return s;
}

double GeodesicLine::lon_offset(const Sigma& s) const {
    const double lam =
        std::atan2(s.sin_s * sin_a1_, cos_u1_ * s.cos_s - sin_u1_ * s.sin_s * cos_a1_);
    const double c = c_coef_;
    return lam -
           (1.0 - c) * kF * sin_alpha_ *
               (s.sigma +
                c * s.sin_s * (s.cos_2sm + c * s.cos_s * (-1.0 + 2.0 * s.cos_2sm * s.cos_2sm)));
}

GeodesicPoint GeodesicLine::point(double distance_m) const {
    const Sigma s = solve_sigma(distance_m);
    const double x = sin_u1_ * s.sin_s - cos_u1_ * s.cos_s * cos_a1_;
    const double sin_u2 = sin_u1_ * s.cos_s + cos_u1_ * s.sin_s * cos_a1_;
    GeodesicPoint p;
    p.lat_deg = rad2deg(std::atan2(sin_u2, kOneMinusF * std::hypot(sin_alpha_, x)));
    p.lon_deg = wrap_180(rad2deg(lon1_rad_ + lon_offset(s)));
    p.azimuth_deg = wrap_360(rad2deg(std::atan2(sin_alpha_, -x)));
    return p;
}

SurfacePoint GeodesicLine::surface_point(double distance_m) const {
    const Sigma s = solve_sigma(distance_m);
    const double x = sin_u1_ * s.sin_s - cos_u1_ * s.cos_s * cos_a1_;
    const double sin_u2 = sin_u1_ * s.cos_s + cos_u1_ * s.sin_s * cos_a1_;
    const double cos_u2 = std::hypot(sin_alpha_, x);
    const double lon = lon1_rad_ + lon_offset(s);
    const double cl = std::cos(lon), sl = std::sin(lon);
    // Reduced latitude gives the surface point without the geodetic round trip; the geodetic
    // latitude (for the normal) follows from tan(phi) = tan(U) / (1 - f).
    const double nx = kOneMinusF * cos_u2, nz = sin_u2;
    const double inv = 1.0 / std::hypot(nx, nz);
    const double cphi = nx * inv, sphi = nz * inv;
    SurfacePoint p;
    p.surface = {kA * cos_u2 * cl, kA * cos_u2 * sl, kB * sin_u2};
    p.normal = {cphi * cl, cphi * sl, sphi};
    const Vec3 east{-sl, cl, 0.0};
    const Vec3 north{-sphi * cl, -sphi * sl, cphi};
    if (cos_u2 > 0) {
        p.forward = east * (sin_alpha_ / cos_u2) + north * (-x / cos_u2);
    } else {
        p.forward = north;  // at a pole every direction is south; any horizontal vector will do
    }
    return p;
}

GeodesicPoint geodesic_direct(double lat_deg, double lon_deg, double azimuth_deg,
                              double distance_m) {
    return GeodesicLine(lat_deg, lon_deg, azimuth_deg).point(distance_m);
}

std::optional<GeodesicInverse> geodesic_inverse(double lat1_deg, double lon1_deg, double lat2_deg,
                                                double lon2_deg) {
    const double l = deg2rad(wrap_180(lon2_deg - lon1_deg));
    const double u1 = std::atan(kOneMinusF * std::tan(deg2rad(lat1_deg)));
    const double u2 = std::atan(kOneMinusF * std::tan(deg2rad(lat2_deg)));
    const double su1 = std::sin(u1), cu1 = std::cos(u1), su2 = std::sin(u2), cu2 = std::cos(u2);
    double lam = l;
    double sin_s = 0, cos_s = 1, sigma = 0, cos2a = 1, cos_2sm = 0, sin_l = 0, cos_l = 1;
    for (int iter = 0; iter < 200; ++iter) {
        sin_l = std::sin(lam);
        cos_l = std::cos(lam);
        sin_s = std::hypot(cu2 * sin_l, cu1 * su2 - su1 * cu2 * cos_l);
        if (sin_s == 0)
            return GeodesicInverse{0.0, 0.0, 0.0};  // coincident points
        cos_s = su1 * su2 + cu1 * cu2 * cos_l;
        sigma = std::atan2(sin_s, cos_s);
        const double sin_a = cu1 * cu2 * sin_l / sin_s;
        cos2a = 1.0 - sin_a * sin_a;
        cos_2sm = cos2a != 0 ? cos_s - 2.0 * su1 * su2 / cos2a : 0.0;  // equatorial line
        const double c = kF / 16.0 * cos2a * (4.0 + kF * (4.0 - 3.0 * cos2a));
        const double prev = lam;
        lam =
            l + (1.0 - c) * kF * sin_a *
                    (sigma + c * sin_s * (cos_2sm + c * cos_s * (-1.0 + 2.0 * cos_2sm * cos_2sm)));
        if (std::abs(lam - prev) < 1e-13) {
            const double u2sq = cos2a * (kA * kA - kB * kB) / (kB * kB);
            const double a =
                1.0 + u2sq / 16384.0 * (4096.0 + u2sq * (-768.0 + u2sq * (320.0 - 175.0 * u2sq)));
            const double b =
                u2sq / 1024.0 * (256.0 + u2sq * (-128.0 + u2sq * (74.0 - 47.0 * u2sq)));
            const double c2 = cos_2sm * cos_2sm;
            const double ds = b * sin_s *
                              (cos_2sm + b / 4.0 *
                                             (cos_s * (-1.0 + 2.0 * c2) -
                                              b / 6.0 * cos_2sm * (-3.0 + 4.0 * sin_s * sin_s) *
                                                  (-3.0 + 4.0 * c2)));
            sin_l = std::sin(lam);
            cos_l = std::cos(lam);
            GeodesicInverse r;
            r.distance_m = kB * a * (sigma - ds);
            r.azimuth1_deg =
                wrap_360(rad2deg(std::atan2(cu2 * sin_l, cu1 * su2 - su1 * cu2 * cos_l)));
            r.azimuth2_deg =
                wrap_360(rad2deg(std::atan2(cu1 * sin_l, -su1 * cu2 + cu1 * su2 * cos_l)));
            return r;
        }
    }
    return std::nullopt;
}

}  // namespace zc::geo
