#pragma once
// Synthetic transits built from the geometry: an aircraft placed so that, seen through the
// same refraction model as the predictor uses, it is exactly on a chosen sky direction at t0.
#include <cmath>
#include <optional>
#include <stdexcept>

#include "astro/body.h"
#include "astro/refraction.h"
#include "flights/fix.h"
#include "geo/angles.h"
#include "geo/local_frame.h"
#include "geo/propagation.h"
#include "transit/observer.h"

namespace zc::test {

inline transit::Observer make_observer(double lat, double lon, double h, double pressure = 1013.25,
                                       double temperature = 15) {
    transit::Observer o;
    o.site = {lat, lon, h};
    o.atmosphere.pressure_hpa = pressure;
    o.atmosphere.temperature_c = temperature;
    return o;
}

/// ECEF point at ellipsoidal height `height` on the ray from the observer at (az, el).
inline geo::Vec3 point_on_ray(const geo::LocalFrame& f, double az_deg, double el_deg,
                              double height) {
    const geo::Vec3 dir = f.rotate_to_ecef(geo::enu_direction(az_deg, el_deg));
    double lo = 0, hi = 3.0e6;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (geo::ecef_to_geodetic(f.origin_ecef() + dir * mid).height_m < height)
            lo = mid;
        else
            hi = mid;
    }
    return f.origin_ecef() + dir * (0.5 * (lo + hi));
}

/// ECEF position of an aircraft at `height` that appears (refracted) at apparent (az, el).
inline geo::Vec3 place_apparent(const transit::Observer& obs, const geo::LocalFrame& f,
                                double az_deg, double el_app_deg, double height) {
    double el = el_app_deg;
    geo::Vec3 p{};
    for (int i = 0; i < 30; ++i) {
        p = point_on_ray(f, az_deg, el, height);
        const double range = geo::norm(p - f.origin_ecef());
        const double lift = obs.atmosphere.pressure_hpa > 0
                                ? astro::aircraft_refraction_deg(el, range, height, obs.atmosphere,
                                                                 obs.site.height_m)
                                : 0.0;
        el = el_app_deg - lift;
    }
    return p;
}

struct Flight {
    double speed_mps = 230;
    double track_deg = 90;
    double vertical_rate_mps = 0;
    std::optional<double> track_rate_dps;
    flights::AltitudeKind kind = flights::AltitudeKind::Geometric;
};

/// A fix at t0 - lead_s that the propagator carries exactly onto `p_ecef` at t0.
inline flights::Fix fix_reaching(const geo::Vec3& p_ecef, UtcTime t0, double lead_s,
                                 const Flight& fl, const geo::PropagationLimits& lim = {}) {
    const geo::Geodetic g = geo::ecef_to_geodetic(p_ecef);
    geo::Motion m;
    m.start = g;
    m.ground_speed_mps = fl.speed_mps;
    m.track_deg = fl.track_deg;
    m.vertical_rate_mps = fl.vertical_rate_mps;
    m.track_rate_dps = fl.track_rate_dps;
    const geo::Propagator back(m, lim);
    const geo::KinematicState s = back.at(-lead_s);
    const geo::Geodetic start = geo::ecef_to_geodetic(s.position);
    const geo::LocalFrame here(start);
    const geo::Vec3 v = here.rotate_to_enu(s.velocity);
    flights::Fix f;
    f.icao24 = "abc123";
    f.callsign = "TEST1";
    f.fix_time = t0 - from_seconds(lead_s);
    f.lat_deg = start.lat_deg;
    f.lon_deg = start.lon_deg;
    f.altitude_m = start.height_m;
    f.altitude_kind = fl.kind;
    f.ground_speed_mps = fl.speed_mps;
    f.track_deg = geo::wrap_360(geo::rad2deg(std::atan2(v.x, v.y)));
    f.vertical_rate_mps = fl.vertical_rate_mps;
    f.track_rate_dps = fl.track_rate_dps;
    f.nac_p = 9;
    f.nac_v = 2;
    f.source_type = flights::SourceType::AdsbIcao;
    f.feed = flights::Feed::ReadsbLocal;
    return f;
}

}  // namespace zc::test
