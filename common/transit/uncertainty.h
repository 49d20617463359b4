#pragma once
// How uncertain a predicted closest approach is: 1-sigma error budgets for the aircraft's
// position (NACp or a per-source default), velocity (NACv), time stamp (per feed), height
// (geometric vs barometric) and unmodelled turns, grown with the lead time and projected onto
// the sky at the closest approach. Documented in docs/transit-model.md.
#include <optional>

#include "flights/fix.h"
#include "geo/vec3.h"

namespace zc::transit {

struct UncertaintyModel {
    /// Horizontal 1-sigma position error (m) by source type when NACp is unknown.
    double position_sigma_m(flights::SourceType type) const;
    /// Time-stamp error (s) by feed: latency not accounted for by the feed's own timestamps
    /// plus their quantisation.
    double latency_sigma_s(flights::Feed feed) const;

    double default_velocity_sigma_mps = 1.5;  // no NACv
    double geometric_height_sigma_m = 15;
    double barometric_height_sigma_m = 150;  // pressure vs geometric: hundreds of metres
    double vertical_rate_sigma_mps = 0.5;
    double barometric_vertical_rate_sigma_mps = 1.5;
    double track_rate_sigma_dps = 0.02;        // unmodelled gentle heading drift
    double turning_track_rate_fraction = 0.2;  // a reported turn rate is this uncertain
    double observer_horizontal_sigma_m = 5;
    double observer_vertical_sigma_m = 3;
};

/// 95 % containment bounds of the ADS-B accuracy categories (DO-260B), as 1-sigma per axis.
std::optional<double> nacp_sigma_m(int nac_p);
std::optional<double> nacv_sigma_mps(int nac_v);

/// Geometry at the closest approach, in the observer's ENU frame.
struct ApproachGeometry {
    geo::Vec3 direction;     // unit, observer -> aircraft
    geo::Vec3 sky_velocity;  // d/dt of (aircraft - body) direction, rad/s, tangent
    geo::Vec3 velocity_mps;  // aircraft velocity
    geo::Vec3 up;            // ellipsoid normal at the aircraft
    double range_m = 0;
    double lead_time_s = 0;  // time from the fix to the closest approach
    double separation_rad = 0;
    double radius_rad = 0;
};

struct Sigmas {
    double separation_rad = 0;  // across the sky path (changes the miss distance)
    double time_s = 0;          // along it (changes the time)
};

Sigmas approach_sigmas(const ApproachGeometry& g, const flights::Fix& fix,
                       const UncertaintyModel& m);

/// P(|b + e| <= R), e ~ N(0, sigma): the chance the aircraft actually crosses the disc.
double crossing_probability(double separation_rad, double radius_rad, double sigma_rad);

}  // namespace zc::transit
