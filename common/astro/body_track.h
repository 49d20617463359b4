#pragma once
// A body's topocentric direction over a time window, precomputed on a grid and interpolated, for
// code that evaluates the Sun or Moon thousands of times (the transit search). The airless ENU
// direction and the distance are smooth (the direction turns at <= 15"/s), so 4-point Lagrange
// interpolation on a 60 s grid reproduces body_position to < 1e-5" (tests assert 1e-4"), and
// refraction is applied per call on the interpolated altitude, exactly as body_position does.
// Cost: one body_position per grid node at construction (60-150 us each: a 15-minute window is
// ~20 nodes, ~1.2 ms), then 0.1-0.3 us per at(). Immutable after construction: safe to share
// between threads.
#include <vector>

#include "astro/body.h"

namespace zc::astro {

class BodyTrack {
  public:
    /// Covers [start, end]; times outside it fall back to body_position (exact, slow).
    BodyTrack(Body body, UtcTime start, UtcTime end, const Site& site, const Atmosphere& atmosphere,
              const EarthOrientation& eop = {}, Duration step = std::chrono::seconds(60));

    BodyPosition at(UtcTime t) const;
    /// Airless topocentric unit vector (East, North, Up) and distance (km) at t.
    std::array<double, 3> airless_enu(UtcTime t, double* distance_km = nullptr) const;

    Body body() const { return body_; }
    UtcTime start() const { return start_; }
    UtcTime end() const { return end_; }

  private:
    struct Node {
        std::array<double, 3> enu;  // airless
        double distance_km;
    };
    Body body_;
    UtcTime start_, end_, first_node_;
    Duration step_;
    Site site_;
    Atmosphere atmosphere_;
    EarthOrientation eop_;
    std::vector<Node> nodes_;
};

}  // namespace zc::astro
