#pragma once
// Every local minimum of the angular separation between an aircraft and a body, found
// continuously: a scan whose step is bounded by how fast the separation can possibly shrink,
// fine steps only near the body, minima bracketed by the sign change of d(sep^2)/dt and
// refined to the time tolerance; then ingress/egress from |sep| = R.
#include <optional>
#include <vector>

#include "transit/aircraft_sky.h"
#include "transit/target_track.h"

namespace zc::transit {

struct SearchParams {
    double cutoff_rad = 0;  // minima above this are not wanted
    double refraction_margin_rad = 0;
    double fine_step_rad = 0;
    double time_tolerance_s = 1e-5;
};

struct Minimum {
    double t = 0;  // seconds since the window start
    double separation_rad = 0;
};

struct SearchStats {
    long evaluations = 0;
};

/// Squared chord between the apparent aircraft and body directions: monotonic in the angle and
/// smooth through zero, unlike the angle itself.
double chord2(const AircraftSky& sky, const TargetTrack& body, double t);

/// Minima with separation <= cutoff in [t0, t1] (interior ones only).
std::vector<Minimum> find_minima(const AircraftSky& sky, const TargetTrack& body, double t0,
                                 double t1, const SearchParams& params,
                                 SearchStats* stats = nullptr);

struct Crossing {
    double ingress = 0;
    double egress = 0;
};
/// When the aircraft enters and leaves the disc around a minimum at t_ca (nullopt: no contact).
std::optional<Crossing> disc_crossing(const AircraftSky& sky, const TargetTrack& body, double t_ca,
                                      double radius_rad, double time_tolerance_s);

}  // namespace zc::transit
