#include "transit/target_track.h"

#include <algorithm>
#include <cmath>

#include "geo/angles.h"

namespace zc::transit {

using geo::Vec3;

namespace {
astro::Body to_body(Target t) {
    return t == Target::Sun ? astro::Body::Sun : astro::Body::Moon;
}
}  // namespace

TargetTrack::TargetTrack(Target target, UtcTime start, double span_s, const Observer& observer,
                         double step_s)
    : target_(target), start_(start), span_s_(span_s), step_s_(step_s) {
    const astro::Body body = to_body(target);
    build([&](UtcTime t) {
        return astro::body_position(body, t, observer.site, observer.atmosphere, observer.eop);
    });
}

TargetTrack::TargetTrack(Target target, UtcTime start, double span_s, const Source& source,
                         double step_s)
    : target_(target), start_(start), span_s_(span_s), step_s_(step_s) {
    build(source);
}

void TargetTrack::build(const Source& source) {
    step_s_ = std::max(step_s_, 0.1);
    const auto n = static_cast<std::size_t>(std::ceil(span_s_ / step_s_)) + 3;
    nodes_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (static_cast<double>(i) - 1.0) * step_s_;
        const astro::BodyPosition p = source(start_ + from_seconds(t));
        Node& node = nodes_[i];
        node.enu = geo::normalized(Vec3{p.enu[0], p.enu[1], p.enu[2]});
        node.alt_deg = p.alt_deg;
        node.radius_deg = p.radius_deg;
        node.distance_km = p.distance_km;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t lo = i == 0 ? 0 : i - 1, hi = std::min(i + 1, n - 1);
        nodes_[i].slope =
            (nodes_[hi].enu - nodes_[lo].enu) / (static_cast<double>(hi - lo) * step_s_);
        max_rate_ = std::max(max_rate_, geo::norm(nodes_[i].slope));
    }
}

std::size_t TargetTrack::segment(double t, double& u) const {
    const double x = std::clamp(t / step_s_ + 1.0, 0.0, static_cast<double>(nodes_.size() - 1));
    auto i = static_cast<std::size_t>(x);
    if (i >= nodes_.size() - 1)
        i = nodes_.size() - 2;
    u = x - static_cast<double>(i);
    return i;
}

Vec3 TargetTrack::direction(double t) const {
    double u;
    const std::size_t i = segment(t, u);
    const Node& a = nodes_[i];
    const Node& b = nodes_[i + 1];
    const double u2 = u * u, u3 = u2 * u;
    const double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2,
                 h11 = u3 - u2;
    return geo::normalized(a.enu * h00 + a.slope * (h10 * step_s_) + b.enu * h01 +
                           b.slope * (h11 * step_s_));
}

TargetSample TargetTrack::at(double t) const {
    double u;
    const std::size_t i = segment(t, u);
    const Node& a = nodes_[i];
    const Node& b = nodes_[i + 1];
    const double u2 = u * u, u3 = u2 * u;
    const double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2,
                 h11 = u3 - u2;
    const Vec3 p =
        a.enu * h00 + a.slope * (h10 * step_s_) + b.enu * h01 + b.slope * (h11 * step_s_);
    // d/du of the Hermite basis, divided by the step for d/dt.
    const double d00 = 6 * u2 - 6 * u, d10 = 3 * u2 - 4 * u + 1, d01 = -6 * u2 + 6 * u,
                 d11 = 3 * u2 - 2 * u;
    const Vec3 dp = (a.enu * d00 + b.enu * d01) / step_s_ + a.slope * d10 + b.slope * d11;
    TargetSample s;
    const double len = geo::norm(p);
    s.enu = p / len;
    s.enu_rate = (dp - s.enu * dot(s.enu, dp)) / len;
    s.alt_deg = geo::rad2deg(std::asin(std::clamp(s.enu.z, -1.0, 1.0)));
    s.radius_deg = a.radius_deg + (b.radius_deg - a.radius_deg) * u;
    s.distance_km = a.distance_km + (b.distance_km - a.distance_km) * u;
    return s;
}

std::vector<std::pair<double, double>> TargetTrack::above(double alt_deg) const {
    std::vector<std::pair<double, double>> out;
    bool inside = false;
    double begin = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const double t = (static_cast<double>(i) - 1.0) * step_s_;
        const bool up = nodes_[i].alt_deg >= alt_deg;
        if (up && !inside) {
            begin = std::max(0.0, t - step_s_);
            inside = true;
        } else if (!up && inside) {
            out.emplace_back(begin, std::min(span_s_, t));
            inside = false;
        }
    }
    if (inside)
        out.emplace_back(begin, span_s_);
    // Widening can make neighbours overlap.
    std::vector<std::pair<double, double>> merged;
    for (const auto& iv : out) {
        if (iv.first >= iv.second)
            continue;
        if (!merged.empty() && iv.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, iv.second);
        } else {
            merged.push_back(iv);
        }
    }
    return merged;
}

}  // namespace zc::transit
