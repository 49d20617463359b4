#include "transit/aircraft_sky.h"

#include <cmath>

#include "astro/refraction.h"
#include "geo/angles.h"

namespace zc::transit {

using geo::Vec3;

AircraftSky::AircraftSky(geo::Propagator propagator, const geo::LocalFrame& frame,
                         const astro::Atmosphere& atmosphere, double fix_offset_s)
    : propagator_(std::move(propagator)),
      frame_(&frame),
      atmosphere_(atmosphere),
      fix_offset_s_(fix_offset_s) {}

double AircraftSky::lift_deg(double el_airless_deg, double range_m, double height_m) const {
    if (atmosphere_.pressure_hpa <= 0)
        return 0.0;
    return astro::aircraft_refraction_deg(el_airless_deg, range_m, height_m, atmosphere_,
                                          frame_->origin().height_m);
}

AircraftState AircraftSky::state(double t, bool with_rate) const {
    const geo::KinematicState k = propagator_.at(t + fix_offset_s_);
    AircraftState s;
    s.enu = frame_->to_enu(k.position);
    s.velocity = frame_->rotate_to_enu(k.velocity);
    s.up = frame_->rotate_to_enu(k.up);
    s.height_m = k.height_m;
    s.range_m = geo::norm(s.enu);
    const Vec3 u = s.enu / s.range_m;
    const double horiz = std::hypot(u.x, u.y);
    const double el = std::atan2(u.z, horiz);
    s.el_airless_deg = geo::rad2deg(el);
    const double lift = lift_deg(s.el_airless_deg, s.range_m, s.height_m);
    s.el_deg = s.el_airless_deg + lift;
    // Refraction only raises: keep the azimuth and replace the elevation.
    const Vec3 h = horiz > 0 ? Vec3{u.x / horiz, u.y / horiz, 0} : Vec3{0, 1, 0};
    const double ea = geo::deg2rad(s.el_deg);
    const double ce = std::cos(ea), se = std::sin(ea);
    s.direction = lift == 0 ? u : Vec3{h.x * ce, h.y * ce, se};
    if (!with_rate)
        return s;

    // Geometric direction rate, then the chain rule through the elevation lift.
    const Vec3 du = (s.velocity - u * dot(u, s.velocity)) / s.range_m;
    if (lift == 0 && !refracting()) {
        s.direction_rate = du;
        return s;
    }
    const double cos_el = std::cos(el);
    const double el_rate = cos_el > 1e-9 ? du.z / cos_el : 0.0;
    const Vec3 e_az{h.y, -h.x, 0};  // d(h)/d(azimuth)
    const double az_rate = horiz > 1e-12 ? (du.x * e_az.x + du.y * e_az.y) / horiz : 0.0;
    constexpr double kDel = 0.01;  // deg, for d(lift)/d(el)
    const double dlift = (lift_deg(s.el_airless_deg + kDel, s.range_m, s.height_m) -
                          lift_deg(s.el_airless_deg - kDel, s.range_m, s.height_m)) /
                         (2 * kDel);
    const double ea_rate = el_rate * (1.0 + dlift);
    s.direction_rate = e_az * (ce * az_rate) + (Vec3{-h.x * se, -h.y * se, ce} * ea_rate);
    return s;
}

}  // namespace zc::transit
