#include "transit/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace zc::transit {

using flights::Feed;
using flights::SourceType;
using geo::Vec3;

namespace {
// A 95 % bound on a 2-D (horizontal) circular error is 2.448 sigma per axis.
constexpr double k95Horizontal = 2.4477;
}  // namespace

std::optional<double> nacp_sigma_m(int nac_p) {
    static constexpr double kEpu[] = {0,     18520, 7408, 3704, 1852, 926,
                                      555.6, 185.2, 92.6, 30,   10,   3};
    if (nac_p <= 0 || nac_p > 11)
        return std::nullopt;
    return kEpu[nac_p] / k95Horizontal;
}

std::optional<double> nacv_sigma_mps(int nac_v) {
    static constexpr double kBound[] = {0, 10, 3, 1, 0.3};
    if (nac_v <= 0 || nac_v > 4)
        return std::nullopt;
    return kBound[nac_v] / k95Horizontal;
}

double UncertaintyModel::position_sigma_m(SourceType type) const {
    switch (type) {
        case SourceType::AdsbIcao:
            return 38;  // NACp 8, the usual airliner
        case SourceType::Adsr:
            return 40;
        case SourceType::AdsbIcaoNt:
            return 100;
        case SourceType::Flarm:
            return 50;
        case SourceType::Mlat:
            return 150;
        case SourceType::Tisb:
            return 150;
        case SourceType::Adsc:
            return 200;
        case SourceType::ModeS:
            return 300;
        case SourceType::Other:
            return 200;
        case SourceType::Unknown:
            break;
    }
    return 100;
}

double UncertaintyModel::latency_sigma_s(Feed feed) const {
    switch (feed) {
        case Feed::ReadsbLocal:
            return 0.2;
        case Feed::ReadsbApi:
            return 0.5;
        case Feed::AdsbFi:
            return 0.5;
        case Feed::OpenSky:
            return 1.0;  // whole-second time_position
        case Feed::FlightAware:
            return 2.0;
    }
    return 1.0;
}

Sigmas approach_sigmas(const ApproachGeometry& g, const flights::Fix& fix,
                       const UncertaintyModel& m) {
    const double tau = std::abs(g.lead_time_s);
    const double sp = (fix.nac_p ? nacp_sigma_m(*fix.nac_p) : std::nullopt)
                          .value_or(m.position_sigma_m(fix.source_type));
    const double sv = (fix.nac_v ? nacv_sigma_mps(*fix.nac_v) : std::nullopt)
                          .value_or(m.default_velocity_sigma_mps);
    const bool baro = fix.altitude_kind == flights::AltitudeKind::Barometric;
    const double sh = baro ? m.barometric_height_sigma_m : m.geometric_height_sigma_m;
    const double svr = baro ? m.barometric_vertical_rate_sigma_mps : m.vertical_rate_sigma_mps;
    double sw = m.track_rate_sigma_dps;
    if (fix.track_rate_dps)
        sw = std::hypot(sw, m.turning_track_rate_fraction * *fix.track_rate_dps);
    sw *= std::numbers::pi / 180.0;

    // Aircraft error axes: along its horizontal velocity, across it, and up.
    const Vec3 horiz = g.velocity_mps - g.up * dot(g.velocity_mps, g.up);
    const double gs = geo::norm(horiz);
    const Vec3 along = gs > 1e-6 ? horiz / gs : geo::normalized(geo::cross(g.up, Vec3{1, 0, 0}));
    const Vec3 across = geo::cross(g.up, along);
    const double s_along =
        std::sqrt(sp * sp + sv * tau * sv * tau + std::pow(gs * m.latency_sigma_s(fix.feed), 2));
    const double s_across =
        std::sqrt(sp * sp + sv * tau * sv * tau + std::pow(0.5 * gs * sw * tau * tau, 2));
    const double s_up = std::hypot(sh, svr * tau);

    // Sky axes at the aircraft: along the relative sky motion and across it.
    const double w = geo::norm(g.sky_velocity);
    Vec3 w_hat =
        w > 0 ? g.sky_velocity / w : geo::normalized(geo::cross(g.direction, Vec3{0, 0, 1}));
    const Vec3 c_hat = geo::cross(g.direction, w_hat);

    double var_b = 0, var_a = 0;
    auto add = [&](const Vec3& axis, double sigma_m) {
        const double kb = dot(c_hat, axis) * sigma_m / g.range_m;
        const double ka = dot(w_hat, axis) * sigma_m / g.range_m;
        var_b += kb * kb;
        var_a += ka * ka;
    };
    add(along, s_along);
    add(across, s_across);
    add(g.up, s_up);
    // The observer's own position error moves the line of sight the same way.
    add(Vec3{1, 0, 0}, m.observer_horizontal_sigma_m);
    add(Vec3{0, 1, 0}, m.observer_horizontal_sigma_m);
    add(Vec3{0, 0, 1}, m.observer_vertical_sigma_m);

    Sigmas s;
    s.separation_rad = std::sqrt(var_b);
    s.time_s = w > 0 ? std::sqrt(var_a) / w : 1e9;
    return s;
}

double crossing_probability(double b, double r, double sigma) {
    if (!(sigma > 0))
        return b <= r ? 1.0 : 0.0;
    auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
    return std::max(0.0, phi((r - b) / sigma) - phi((-r - b) / sigma));
}

}  // namespace zc::transit
