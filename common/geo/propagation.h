#pragma once
// Dead reckoning of an aircraft from its fix: along the WGS84 geodesic at constant ground speed
// and track, or a constant-rate turn when a track rate is known, with the height following the
// vertical rate inside sane bounds. Time is seconds since the fix (negative goes back).
#include <optional>

#include "geo/geodesic.h"
#include "geo/vec3.h"
#include "geo/wgs84.h"

namespace zc::geo {

struct Motion {
    Geodetic start;  // height above the ellipsoid
    double ground_speed_mps = 0;
    double track_deg = 0;                      // over ground, true
    double vertical_rate_mps = 0;              // positive climbing
    std::optional<double> track_rate_dps;      // positive = turning right
    std::optional<double> level_off_height_m;  // where a climb or descent stops (selected altitude)
};

struct PropagationLimits {
    double min_height_m = 0;
    double max_height_m = 20000;
    double max_vertical_rate_mps = 30;
    /// ADS-B track rates below this are quantisation noise (a few hundredths of deg/s); treat as
    /// straight flight.
    double min_track_rate_dps = 0.1;
    double max_track_rate_dps = 6;
    /// A turn does not go on forever: after this much heading change the aircraft flies straight.
    double max_turn_deg = 180;
};

struct KinematicState {
    Vec3 position;  // ECEF, m
    Vec3 velocity;  // ECEF, m/s
    Vec3 up;        // ellipsoid normal at the aircraft
    double height_m = 0;
};

class Propagator {
  public:
    explicit Propagator(const Motion& motion, const PropagationLimits& limits = {});

    KinematicState at(double dt_s) const;
    double height_at(double dt_s) const;
    /// Upper bound of the speed (m/s) at any time, for step-size bounds.
    double max_speed_mps() const { return max_speed_; }
    bool turning() const { return turn_rate_rad_ != 0; }

  private:
    /// Distance along the surface whose subpoint track corresponds to flying `gs * dt` at height
    /// h: ground speed is the aircraft's own speed, so its subpoint moves slower by R / (R + h).
    double surface_distance(double dt_s, double from_dt_s) const;
    KinematicState from_surface(const SurfacePoint& sp, double dt_s) const;

    Motion m_;
    PropagationLimits lim_;
    double vr_ = 0;  // clamped vertical rate
    double h_lo_ = 0, h_hi_ = 0;
    double radius_ = 0;  // radius of curvature along the initial track
    double turn_rate_rad_ = 0;
    double turn_end_s_ = 0;  // only when turning
    double max_speed_ = 0;
    GeodesicLine initial_;   // from the fix along its track
    GeodesicLine straight_;  // the same, or from the end of the turn
};

}  // namespace zc::geo
