#include "transit/closest_approach.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace zc::transit {

using geo::Vec3;

namespace {

constexpr double kHalfPi = std::numbers::pi / 2;
constexpr double kMinStep = 1e-3;  // s: guards against a stall when the aircraft is at the observer

struct Slope {
    double t, g;  // g = d(chord^2)/dt
};

double slope(const AircraftSky& sky, const TargetTrack& body, double t, SearchStats* stats) {
    if (stats)
        ++stats->evaluations;
    const AircraftState a = sky.state(t, true);
    const TargetSample b = body.at(t);
    return 2.0 * dot(a.direction - b.enu, a.direction_rate - b.enu_rate);
}

/// Illinois (modified regula falsi) on a bracketed sign change: superlinear on the nearly
/// linear functions met here, and it never leaves the bracket.
template <typename Fn>
double illinois(Fn&& f, double a, double fa, double b, double fb, double tol) {
    int side = 0;
    for (int iter = 0; iter < 60 && b - a > tol; ++iter) {
        double c = (a * fb - b * fa) / (fb - fa);
        if (!(c > a && c < b))
            c = 0.5 * (a + b);
        const double fc = f(c);
        if ((fc < 0) == (fa < 0)) {
            a = c;
            fa = fc;
            if (side == -1)
                fb *= 0.5;
            side = -1;
        } else {
            b = c;
            fb = fc;
            if (side == 1)
                fa *= 0.5;
            side = 1;
        }
        if (fc == 0)
            return c;
    }
    return (a * fb - b * fa) / (fb - fa);
}

double chord_to_angle(double c2) {
    return 2.0 * std::asin(std::min(1.0, 0.5 * std::sqrt(std::max(0.0, c2))));
}

}  // namespace

double chord2(const AircraftSky& sky, const TargetTrack& body, double t) {
    const Vec3 d = sky.direction(t) - body.direction(t);
    return dot(d, d);
}

std::vector<Minimum> find_minima(const AircraftSky& sky, const TargetTrack& body, double t0,
                                 double t1, const SearchParams& p, SearchStats* stats) {
    std::vector<Minimum> out;
    const double speed = std::max(sky.max_speed_mps(), 1e-3);
    const double body_rate = body.max_rate() * 1.1 + 1e-7;
    Slope prev{0, 0};
    bool have_prev = false;
    double t = t0;
    for (;;) {
        if (stats)
            ++stats->evaluations;
        const Vec3 pos = sky.enu_position(t);
        const double d = geo::norm(pos);
        const double theta = geo::angle_between(pos, body.direction(t));
        const double k = theta - p.refraction_margin_rad - p.cutoff_rad;
        double step;
        if (d < 1.0) {
            // At the observer itself the direction is undefined; a millisecond later it is not.
            step = kMinStep;
            have_prev = false;
        } else if (k > 0) {
            // Over a step the aircraft direction turns by at most asin(v dt / d) (it stays in a
            // ball of radius v dt) and the body by body_rate dt: step while the separation
            // provably stays above the cutoff.
            const double first = d * std::sin(std::min(k, kHalfPi)) / speed;
            step = d * std::sin(std::clamp(k - body_rate * first, 0.0, kHalfPi)) / speed;
            have_prev = false;
        } else {
            const double g = slope(sky, body, t, stats);
            if (have_prev && prev.g < 0 && g >= 0) {
                auto fn = [&](double x) { return slope(sky, body, x, stats); };
                const double tm = illinois(fn, prev.t, prev.g, t, g, p.time_tolerance_s);
                const double sep = chord_to_angle(chord2(sky, body, tm));
                if (sep <= p.cutoff_rad)
                    out.push_back({tm, sep});
            }
            prev = Slope{t, g};
            have_prev = true;
            step = std::min(d * std::sin(p.fine_step_rad) / speed, p.fine_step_rad / body_rate);
        }
        if (t >= t1)
            break;
        t = std::min(t + std::max(step, kMinStep), t1);
    }
    return out;
}

std::optional<Crossing> disc_crossing(const AircraftSky& sky, const TargetTrack& body, double t_ca,
                                      double radius_rad, double tol) {
    const double c = 2.0 * std::sin(0.5 * radius_rad);
    const double c2 = c * c;
    auto f = [&](double t) { return chord2(sky, body, t) - c2; };
    const double f0 = f(t_ca);
    if (f0 > 0)
        return std::nullopt;
    // First guess of the half chord from the local relative rate, then widen until outside.
    const AircraftState a = sky.state(t_ca, true);
    const double rate = geo::norm(a.direction_rate - body.at(t_ca).enu_rate);
    const double b = chord_to_angle(f0 + c2);
    double half = rate > 0 ? std::sqrt(std::max(0.0, radius_rad * radius_rad - b * b)) / rate : 1.0;
    half = std::clamp(half, 0.01, 60.0);
    Crossing x{};
    for (int side : {-1, 1}) {
        double span = 1.5 * half + 0.02;
        double fe = f(t_ca + side * span);
        for (int i = 0; i < 12 && fe <= 0; ++i) {
            span *= 2;
            fe = f(t_ca + side * span);
        }
        if (fe <= 0)
            return std::nullopt;  // stays on the disc: no proper crossing
        const double lo = side < 0 ? t_ca - span : t_ca;
        const double hi = side < 0 ? t_ca : t_ca + span;
        const double flo = side < 0 ? fe : f0;
        const double fhi = side < 0 ? f0 : fe;
        const double root = illinois(f, lo, flo, hi, fhi, tol);
        (side < 0 ? x.ingress : x.egress) = root;
    }
    return x;
}

}  // namespace zc::transit
