#include "geo/local_frame.h"

#include <cmath>

#include "geo/angles.h"

namespace zc::geo {

LocalFrame::LocalFrame(const Geodetic& origin) : origin_(origin) {
    origin_ecef_ = geodetic_to_ecef(origin);
    const double phi = deg2rad(origin.lat_deg), lam = deg2rad(origin.lon_deg);
    const double sp = std::sin(phi), cp = std::cos(phi), sl = std::sin(lam), cl = std::cos(lam);
    east_ = {-sl, cl, 0.0};
    north_ = {-sp * cl, -sp * sl, cp};
    up_ = {cp * cl, cp * sl, sp};
}

AzElRange LocalFrame::look_at(const Vec3& ecef_point) const {
    return az_el_range(to_enu(ecef_point));
}

AzElRange az_el_range(const Vec3& enu) {
    AzElRange r;
    const double horiz = std::hypot(enu.x, enu.y);
    r.range_m = norm(enu);
    r.el_deg = rad2deg(std::atan2(enu.z, horiz));
    r.az_deg = horiz > 0 ? wrap_360(rad2deg(std::atan2(enu.x, enu.y))) : 0.0;
    return r;
}

Vec3 enu_direction(double az_deg, double el_deg) {
    const double a = deg2rad(az_deg), e = deg2rad(el_deg);
    return {std::cos(e) * std::sin(a), std::cos(e) * std::cos(a), std::sin(e)};
}

}  // namespace zc::geo
