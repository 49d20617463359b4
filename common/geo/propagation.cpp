#include "geo/propagation.h"

#include <algorithm>
#include <cmath>

#include "geo/angles.h"

namespace zc::geo {

namespace {

struct TurnOffset {
    double east, north, heading_rad;
};

/// Planar circle in the tangent plane at the start: heading psi(t) = psi0 + w t.
TurnOffset turn_offset(double psi0, double w, double speed, double t) {
    const double psi = psi0 + w * t;
    const double r = speed / w;
    return {r * (std::cos(psi0) - std::cos(psi)), r * (std::sin(psi) - std::sin(psi0)), psi};
}

}  // namespace

Propagator::Propagator(const Motion& motion, const PropagationLimits& limits)
    : m_(motion),
      lim_(limits),
      initial_(motion.start.lat_deg, motion.start.lon_deg, motion.track_deg),
      straight_(initial_) {
    vr_ = std::clamp(m_.vertical_rate_mps, -lim_.max_vertical_rate_mps, lim_.max_vertical_rate_mps);
    h_lo_ = lim_.min_height_m;
    h_hi_ = lim_.max_height_m;
    const double h0 = std::clamp(m_.start.height_m, h_lo_, h_hi_);
    if (m_.level_off_height_m) {
        const double lvl = *m_.level_off_height_m;
        if (vr_ > 0 && lvl > h0)
            h_hi_ = std::min(h_hi_, lvl);
        if (vr_ < 0 && lvl < h0)
            h_lo_ = std::max(h_lo_, lvl);
    }
    radius_ = radius_in_azimuth(m_.start.lat_deg, m_.track_deg);
    max_speed_ = std::hypot(m_.ground_speed_mps, vr_);

    if (m_.track_rate_dps && std::abs(*m_.track_rate_dps) >= lim_.min_track_rate_dps &&
        m_.ground_speed_mps > 0) {
        const double rate =
            std::clamp(*m_.track_rate_dps, -lim_.max_track_rate_dps, lim_.max_track_rate_dps);
        turn_rate_rad_ = deg2rad(rate);
        turn_end_s_ = lim_.max_turn_deg / std::abs(rate);
        // The straight leg after the turn starts where the turn ends, heading where it ends.
        const TurnOffset off =
            turn_offset(deg2rad(m_.track_deg), turn_rate_rad_, m_.ground_speed_mps, turn_end_s_);
        const double rho = std::hypot(off.east, off.north) * radius_ /
                           (radius_ + 0.5 * (h0 + height_at(turn_end_s_)));
        const double az = rad2deg(std::atan2(off.east, off.north));
        const GeodesicPoint end = geodesic_direct(m_.start.lat_deg, m_.start.lon_deg, az, rho);
        const double heading = rad2deg(off.heading_rad) - az + end.azimuth_deg;
        straight_ = GeodesicLine(end.lat_deg, end.lon_deg, heading);
    }
}

double Propagator::height_at(double dt_s) const {
    const double h0 = std::clamp(m_.start.height_m, lim_.min_height_m, lim_.max_height_m);
    const double h = h0 + vr_ * dt_s;
    // A fix already outside the level-off band keeps its height rather than jumping.
    return std::clamp(h, std::min(h_lo_, h0), std::max(h_hi_, h0));
}

double Propagator::surface_distance(double dt_s, double from_dt_s) const {
    const double h_mid = 0.5 * (height_at(dt_s) + height_at(from_dt_s));
    return m_.ground_speed_mps * (dt_s - from_dt_s) * radius_ / (radius_ + h_mid);
}

KinematicState Propagator::from_surface(const SurfacePoint& sp, double dt_s) const {
    KinematicState s;
    s.height_m = height_at(dt_s);
    s.position = sp.surface + sp.normal * s.height_m;
    const double h_rate = (s.height_m > h_lo_ && s.height_m < h_hi_) ? vr_ : 0.0;
    s.velocity = sp.forward * m_.ground_speed_mps + sp.normal * h_rate;
    s.up = sp.normal;
    return s;
}

KinematicState Propagator::at(double dt_s) const {
    if (turn_rate_rad_ == 0)
        return from_surface(straight_.surface_point(surface_distance(dt_s, 0)), dt_s);
    if (dt_s > turn_end_s_) {
        return from_surface(straight_.surface_point(surface_distance(dt_s, turn_end_s_)), dt_s);
    }
    // Map the tangent-plane circle onto the ellipsoid by azimuthal equidistance from the fix:
    // the distortion is ~(rho/R)^2/6, a few centimetres for any realistic turn.
    const double psi0 = deg2rad(m_.track_deg);
    const TurnOffset off = turn_offset(psi0, turn_rate_rad_, m_.ground_speed_mps, dt_s);
    const double rho_plane = std::hypot(off.east, off.north);
    if (rho_plane < 1e-6)
        return from_surface(initial_.surface_point(0), dt_s);
    const double h_mid = 0.5 * (height_at(dt_s) + height_at(0));
    const double rho = rho_plane * radius_ / (radius_ + h_mid);
    const double az = rad2deg(std::atan2(off.east, off.north));
    const GeodesicLine radial(m_.start.lat_deg, m_.start.lon_deg, az);
    SurfacePoint sp = radial.surface_point(rho);
    // Heading relative to the radial line is what the plane preserves, so rotate the radial
    // line's forward vector by (psi - az) about the local normal.
    const double rel = off.heading_rad - deg2rad(az);
    // forward x normal points to the right of forward (N x U = E), and headings grow clockwise.
    const Vec3 right = cross(sp.forward, sp.normal);
    sp.forward = sp.forward * std::cos(rel) + right * std::sin(rel);
    return from_surface(sp, dt_s);
}

}  // namespace zc::geo
