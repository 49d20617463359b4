#pragma once
// The Sun's or Moon's observed (refracted) direction over one prediction run, sampled every
// few seconds with astro::body_position and interpolated with a cubic Hermite. It is built
// once per run and shared by every aircraft: body_position costs tens of microseconds, the
// interpolation tens of nanoseconds, and the body turns only ~0.004 deg/s so the
// interpolation error is far below a milliarcsecond (a test checks it).
#include <functional>
#include <utility>
#include <vector>

#include "astro/body.h"
#include "geo/vec3.h"
#include "time/clock.h"
#include "transit/observer.h"
#include "transit/options.h"

namespace zc::transit {

struct TargetSample {
    geo::Vec3 enu;       // unit, observed direction
    geo::Vec3 enu_rate;  // d(enu)/dt, 1/s
    double alt_deg = 0;  // observed
    double radius_deg = 0;
    double distance_km = 0;
};

class TargetTrack {
  public:
    using Source = std::function<astro::BodyPosition(UtcTime)>;

    /// The real body as seen by the observer, over [start, start + span_s].
    TargetTrack(Target target, UtcTime start, double span_s, const Observer& observer,
                double step_s = 30);
    /// Any direction source (tests use synthetic bodies).
    TargetTrack(Target target, UtcTime start, double span_s, const Source& source,
                double step_s = 30);

    Target target() const { return target_; }
    UtcTime start() const { return start_; }
    double span_s() const { return span_s_; }

    /// t is seconds since start; clamped to the sampled range.
    TargetSample at(double t) const;
    /// Unit direction only (the hot path).
    geo::Vec3 direction(double t) const;

    /// Time intervals (seconds since start) where the body is at or above alt_deg, widened by
    /// one sample step so that no crossing is lost to the sampling.
    std::vector<std::pair<double, double>> above(double alt_deg) const;
    /// Largest angular rate of the body over the track (rad/s), for step bounds.
    double max_rate() const { return max_rate_; }

  private:
    struct Node {
        geo::Vec3 enu, slope;  // slope in 1/s, from central differences
        double alt_deg, radius_deg, distance_km;
    };
    void build(const Source& source);
    std::size_t segment(double t, double& u) const;

    Target target_;
    UtcTime start_;
    double span_s_;
    double step_s_;
    std::vector<Node> nodes_;  // node i at t = (i - 1) * step (one extra on each side)
    double max_rate_ = 0;
};

}  // namespace zc::transit
