#include "transit/predictor.h"

#include <algorithm>
#include <cmath>

#include "geo/angles.h"
#include "transit/classify.h"
#include "transit/uncertainty.h"

namespace zc::transit {

using geo::Vec3;

namespace {

std::vector<TargetTrack> make_tracks(const Observer& observer, UtcTime now, const Options& o) {
    std::vector<TargetTrack> tracks;
    if (o.targets != TargetSelection::Moon)
        tracks.emplace_back(Target::Sun, now, o.horizon_s, observer, o.body_step_s);
    if (o.targets != TargetSelection::Sun)
        tracks.emplace_back(Target::Moon, now, o.horizon_s, observer, o.body_step_s);
    return tracks;
}

/// Position angle on the sky at direction `at` of a tangent vector: 0 towards the zenith, 90
/// towards increasing azimuth.
double position_angle_deg(const Vec3& at, const Vec3& v) {
    Vec3 up = Vec3{0, 0, 1} - at * at.z;
    const double n = geo::norm(up);
    if (n < 1e-12)
        return 0;  // at the zenith every direction is "down"
    up = up / n;
    const Vec3 right = geo::cross(at, up);
    return geo::wrap_360(geo::rad2deg(std::atan2(dot(v, right), dot(v, up))));
}

}  // namespace

Predictor::Predictor(const Observer& observer, UtcTime now, const Options& options)
    : Predictor(observer, now, options, make_tracks(observer, now, options)) {}

Predictor::Predictor(const Observer& observer, UtcTime now, const Options& options,
                     std::vector<TargetTrack> tracks)
    : observer_(observer),
      now_(now),
      options_(options),
      frame_(observer.geodetic()),
      tracks_(std::move(tracks)) {
    // Search only where the body can pass the quadrant limit; the exact check is at t_CA.
    for (const TargetTrack& t : tracks_)
        searchable_.push_back(t.above(options_.min_altitude.lowest()));
}

SearchParams Predictor::search_params() const {
    SearchParams p;
    p.cutoff_rad = geo::deg2rad(options_.cutoff_deg());
    p.refraction_margin_rad =
        observer_.atmosphere.pressure_hpa > 0 ? geo::deg2rad(options_.refraction_margin_deg) : 0;
    p.fine_step_rad = geo::deg2rad(options_.fine_step_deg);
    p.time_tolerance_s = options_.time_tolerance_s;
    return p;
}

Skip Predictor::check(const flights::Fix& fix) const {
    if (fix.on_ground)
        return Skip::OnGround;
    if (!fix.ground_speed_mps || !fix.track_deg)
        return Skip::NoVelocity;
    if (to_seconds(now_ - fix.fix_time) > options_.max_fix_age_s)
        return Skip::TooOld;
    return Skip::None;
}

std::optional<AircraftSky> Predictor::sky_for(const flights::Fix& fix) const {
    if (check(fix) != Skip::None)
        return std::nullopt;
    geo::Motion m;
    m.start = {fix.lat_deg, fix.lon_deg, fix.altitude_m};
    const bool baro = fix.altitude_kind == flights::AltitudeKind::Barometric;
    const double n = baro && options_.geoid_undulation_m
                         ? options_.geoid_undulation_m(fix.lat_deg, fix.lon_deg)
                         : 0.0;
    m.start.height_m += n;
    m.ground_speed_mps = *fix.ground_speed_mps;
    m.track_deg = *fix.track_deg;
    m.vertical_rate_mps = fix.vertical_rate_mps;
    m.track_rate_dps = fix.track_rate_dps;
    // The selected altitude is a pressure altitude: comparable with a barometric fix only.
    if (fix.selected_altitude_m && baro)
        m.level_off_height_m = *fix.selected_altitude_m + n;
    return AircraftSky(geo::Propagator(m, options_.propagation), frame_, observer_.atmosphere,
                       to_seconds(now_ - fix.fix_time));
}

std::vector<Candidate> Predictor::predict(const flights::Fix& fix, SearchStats* stats) const {
    std::vector<Candidate> out;
    const auto sky = sky_for(fix);
    if (!sky)
        return out;
    const SearchParams params = search_params();
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        for (const auto& [t0, t1] : searchable_[i]) {
            for (const Minimum& m : find_minima(*sky, tracks_[i], t0, t1, params, stats)) {
                if (auto c = candidate(fix, *sky, tracks_[i], m))
                    out.push_back(std::move(*c));
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        return a.closest_approach < b.closest_approach;
    });
    return out;
}

std::vector<Candidate> Predictor::predict(const std::vector<flights::Fix>& fixes) const {
    std::vector<Candidate> out;
    for (const flights::Fix& f : fixes) {
        auto c = predict(f);
        out.insert(out.end(), std::make_move_iterator(c.begin()), std::make_move_iterator(c.end()));
    }
    std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        return a.closest_approach < b.closest_approach;
    });
    return out;
}

std::optional<Candidate> Predictor::candidate(const flights::Fix& fix, const AircraftSky& sky,
                                              const TargetTrack& track, const Minimum& m) const {
    const TargetSample body = track.at(m.t);
    const AircraftState ac = sky.state(m.t, true);
    const double body_az = geo::wrap_360(geo::rad2deg(std::atan2(body.enu.x, body.enu.y)));
    if (body.alt_deg < options_.min_altitude.for_azimuth(body_az))
        return std::nullopt;
    if (ac.el_deg < options_.min_aircraft_elevation_deg)
        return std::nullopt;

    Candidate c;
    c.target = track.target();
    c.icao24 = fix.icao24;
    c.callsign = fix.callsign;
    c.key = fix.key();
    c.closest_approach = now_ + from_seconds(m.t);
    c.separation_deg = geo::rad2deg(m.separation_rad);
    c.body_radius_deg = body.radius_deg;
    c.separation_radii = body.radius_deg > 0 ? c.separation_deg / body.radius_deg : 0;
    c.body_alt_deg = body.alt_deg;
    c.body_az_deg = body_az;
    c.body_distance_km = body.distance_km;
    c.aircraft_alt_deg = ac.el_deg;
    c.aircraft_az_deg = geo::wrap_360(geo::rad2deg(std::atan2(ac.direction.x, ac.direction.y)));
    c.slant_range_m = ac.range_m;
    c.altitude_m = ac.height_m;
    c.altitude_kind = fix.altitude_kind;
    c.fix_age_s = to_seconds(now_ - fix.fix_time);
    c.lead_time_s = m.t;
    c.source_type = fix.source_type;
    c.feed = fix.feed;
    c.aircraft_type = fix.aircraft_type;
    c.registration = fix.registration;

    const Vec3 rel_rate = ac.direction_rate - body.enu_rate;
    c.angular_rate_deg_s = geo::rad2deg(geo::norm(rel_rate));
    c.path_angle_deg = position_angle_deg(body.enu, rel_rate);
    c.miss_angle_deg = position_angle_deg(body.enu, ac.direction - body.enu);

    const double radius_rad = geo::deg2rad(body.radius_deg);
    if (auto x = disc_crossing(sky, track, m.t, radius_rad, options_.time_tolerance_s)) {
        c.ingress = now_ + from_seconds(x->ingress);
        c.egress = now_ + from_seconds(x->egress);
        c.duration_s = x->egress - x->ingress;
    }

    ApproachGeometry g;
    g.direction = ac.direction;
    g.sky_velocity = rel_rate;
    g.velocity_mps = ac.velocity;
    g.up = ac.up;
    g.range_m = ac.range_m;
    g.lead_time_s = m.t + sky.fix_offset_s();
    g.separation_rad = m.separation_rad;
    g.radius_rad = radius_rad;
    const Sigmas s = approach_sigmas(g, fix, options_.uncertainty);
    c.sigma_deg = geo::rad2deg(s.separation_rad);
    c.sigma_time_s = s.time_s;
    c.probability = crossing_probability(m.separation_rad, radius_rad, s.separation_rad);
    c.level = classify(c.separation_deg, c.body_radius_deg, c.sigma_deg, options_);

    // Central line: the observer must see the aircraft (lifted by its refraction) on the body,
    // i.e. along the body direction lowered by the aircraft's lift. Project the aircraft back
    // along it onto the observer's horizontal plane and take the nearest point of the shadow's
    // ground track.
    const double lift = geo::deg2rad(ac.el_deg - ac.el_airless_deg);
    const double horiz = std::hypot(body.enu.x, body.enu.y);
    if (horiz > 1e-9) {
        const double el = std::asin(std::clamp(body.enu.z, -1.0, 1.0)) - lift;
        const Vec3 u{body.enu.x / horiz * std::cos(el), body.enu.y / horiz * std::cos(el),
                     std::sin(el)};
        if (u.z > 1e-6) {
            const Vec3 o = ac.enu - u * (ac.enu.z / u.z);
            const Vec3 s_rate = ac.velocity - u * (ac.velocity.z / u.z);
            const double s2 = s_rate.x * s_rate.x + s_rate.y * s_rate.y;
            const double tau = s2 > 1e-9 ? -(o.x * s_rate.x + o.y * s_rate.y) / s2 : 0.0;
            const Vec3 near = o + s_rate * tau;
            c.ground_offset_m = std::hypot(near.x, near.y);
            c.ground_offset_bearing_deg = geo::wrap_360(geo::rad2deg(std::atan2(near.x, near.y)));
        }
    }
    return c;
}

std::vector<Candidate> predict(const std::vector<flights::Fix>& fixes, const Observer& observer,
                               UtcTime now, const Options& options) {
    return Predictor(observer, now, options).predict(fixes);
}

}  // namespace zc::transit
