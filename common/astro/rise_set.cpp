#include "astro/rise_set.h"

#include <algorithm>

#include "astro/apparent.h"
#include "astro/refraction.h"

namespace zc::astro {

namespace {

// Positive when the upper limb is above the horizon. Working in airless altitude against the
// refracted horizon avoids the cut-off of the refraction model at -1 deg, which would otherwise
// make the observed altitude jump and could fake a crossing.
double limb_height(Body body, UtcTime t, const Site& site, const Atmosphere& atm,
                   const EarthOrientation& eop) {
    const ApparentPlace p = topocentric_place(body, t, site, eop);
    return p.alt_deg - horizon_altitude_deg(angular_radius_deg(body, p.distance_km), atm);
}

}  // namespace

double horizon_altitude_deg(double radius_deg, const Atmosphere& atmosphere) {
    return -(bennett_refraction_deg(0.0, atmosphere.temperature_c, atmosphere.pressure_hpa) +
             radius_deg);
}

RiseSet next_rise_set(Body body, UtcTime from, const Site& site, const Atmosphere& atmosphere,
                      const EarthOrientation& eop, Duration window) {
    constexpr Duration kStep = std::chrono::minutes(5);
    constexpr Duration kTolerance = std::chrono::milliseconds(1);
    RiseSet out;
    double f0 = limb_height(body, from, site, atmosphere, eop);
    out.up_at_start = f0 > 0;
    UtcTime t0 = from;
    while (t0 - from < window && !(out.rise && out.set)) {
        const UtcTime t1 = std::min(t0 + kStep, from + window);
        const double f1 = limb_height(body, t1, site, atmosphere, eop);
        if ((f0 > 0) != (f1 > 0)) {
            UtcTime lo = t0, hi = t1;
            double flo = f0;
            while (hi - lo > kTolerance) {
                const UtcTime mid = lo + (hi - lo) / 2;
                const double fm = limb_height(body, mid, site, atmosphere, eop);
                if ((fm > 0) == (flo > 0)) {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            const UtcTime event = lo + (hi - lo) / 2;
            if (f1 > 0) {
                if (!out.rise)
                    out.rise = event;
            } else if (!out.set) {
                out.set = event;
            }
        }
        t0 = t1;
        f0 = f1;
    }
    return out;
}

}  // namespace zc::astro
