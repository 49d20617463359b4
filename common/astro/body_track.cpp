#include "astro/body_track.h"

#include <algorithm>
#include <cmath>

#include "astro/apparent.h"

namespace zc::astro {

namespace {
constexpr double kRad2Deg = 57.29577951308232087679815;
}

BodyTrack::BodyTrack(Body body, UtcTime start, UtcTime end, const Site& site,
                     const Atmosphere& atmosphere, const EarthOrientation& eop, Duration step)
    : body_(body),
      start_(start),
      end_(end < start ? start : end),
      first_node_(start - step),
      step_(step.count() > 0 ? step : std::chrono::seconds(60)),
      site_(site),
      atmosphere_(atmosphere),
      eop_(eop) {
    first_node_ = start_ - step_;
    // One node before start and two past end so that every t in [start, end] has a full
    // 4-point stencil (nodes i-1 .. i+2 around the interval [i, i+1] holding t).
    const auto span = (end_ - start_).count();
    const auto intervals = (span + step_.count() - 1) / step_.count();
    const auto count = static_cast<std::size_t>(intervals + 4);
    nodes_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const UtcTime t = first_node_ + step_ * static_cast<long>(i);
        const ApparentPlace p = topocentric_place(body_, t, site_, eop_);
        nodes_.push_back({enu_from_az_alt(p.az_deg, p.alt_deg), p.distance_km});
    }
}

std::array<double, 3> BodyTrack::airless_enu(UtcTime t, double* distance_km) const {
    const double x = to_seconds(t - first_node_) / to_seconds(step_);
    auto i = static_cast<long>(std::floor(x));
    if (t < start_ || t > end_ || i < 1 || i + 2 >= static_cast<long>(nodes_.size())) {
        const ApparentPlace p = topocentric_place(body_, t, site_, eop_);
        if (distance_km != nullptr)
            *distance_km = p.distance_km;
        return enu_from_az_alt(p.az_deg, p.alt_deg);
    }
    // Lagrange weights for nodes i-1, i, i+1, i+2 at u = x - i in [0, 1).
    const double u = x - static_cast<double>(i);
    const double w0 = -u * (u - 1) * (u - 2) / 6.0;
    const double w1 = (u + 1) * (u - 1) * (u - 2) / 2.0;
    const double w2 = -(u + 1) * u * (u - 2) / 2.0;
    const double w3 = (u + 1) * u * (u - 1) / 6.0;
    const auto idx = static_cast<std::size_t>(i);
    const Node& a = nodes_[idx - 1];
    const Node& b = nodes_[idx];
    const Node& c = nodes_[idx + 1];
    const Node& d = nodes_[idx + 2];
    std::array<double, 3> v{};
    for (std::size_t k = 0; k < 3; ++k)
        v[k] = w0 * a.enu[k] + w1 * b.enu[k] + w2 * c.enu[k] + w3 * d.enu[k];
    const double norm = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    for (double& e : v)
        e /= norm;
    if (distance_km != nullptr)
        *distance_km =
            w0 * a.distance_km + w1 * b.distance_km + w2 * c.distance_km + w3 * d.distance_km;
    return v;
}

BodyPosition BodyTrack::at(UtcTime t) const {
    double distance = 0;
    const auto v = airless_enu(t, &distance);
    double az = std::atan2(v[0], v[1]) * kRad2Deg;
    if (az < 0)
        az += 360.0;
    const double alt = std::asin(std::clamp(v[2], -1.0, 1.0)) * kRad2Deg;
    return observe(body_, az, alt, distance, atmosphere_);
}

}  // namespace zc::astro
