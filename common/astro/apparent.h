#pragma once
// The ERFA chain behind body_position, exposed with its intermediate places so that tests can
// compare like with like against published vectors (astrometric vs apparent, geocentric vs
// topocentric, GCRS axes vs true equator and equinox of date).
//
// Model: Earth from eraEpv00 (VSOP2000 fit, <= 0.015" vs DE405), Moon from eraMoon98 (truncated
// ELP2000/82, ~3" RMS), observer barycentric position and velocity from eraApco (WGS84 site,
// diurnal terms, polar motion), light time iterated, stellar aberration with the observer's
// velocity (relativistic, eraAb), IAU 2006/2000A bias-precession-nutation, CIO-based Earth
// rotation (eraAtioq). TDB is taken as TT (|TDB-TT| < 2 ms: < 0.001" of Moon motion).
// Light deflection by the Sun is omitted: ERFA suppresses it for the Sun itself, and for the Moon
// (light path 1.3 light-seconds long) it is below 1 microarcsecond.
#include "astro/body.h"

namespace zc::astro {

struct ApparentPlace {
    // Astrometric place: light-time corrected geometric direction, ICRS axes.
    double astrometric_ra_deg = 0;
    double astrometric_dec_deg = 0;
    // Apparent place on GCRS axes (aberration applied).
    double apparent_ra_deg = 0;
    double apparent_dec_deg = 0;
    // Apparent place on the true equator and equinox of date (what HORIZONS and Meeus print).
    double tod_ra_deg = 0;
    double tod_dec_deg = 0;
    // Distance in the observer's frame between the observer at t and the body at t - light time
    // (what sets the apparent disc size). Meeus's and ERFA's geometric distances compare to this.
    double distance_km = 0;
    // Light time in the BCRS: |body(t - tau) - observer(t)| / c, as HORIZONS and Skyfield report
    // it (their "astrometric distance" is this times c; it differs from distance_km by the
    // observer's motion along the line of sight during tau, <= 36 km for the Moon).
    double light_time_s = 0;
    // Topocentric only (zero for geocentric): airless observed azimuth and altitude.
    double az_deg = 0;
    double alt_deg = 0;
};

/// As seen from the site (topocentric). 60-150 us per call (the nutation series dominate).
ApparentPlace topocentric_place(Body body, UtcTime t, const Site& site,
                                const EarthOrientation& eop = {});
/// As seen from the geocentre (az/alt stay zero; no Earth rotation involved, so no dut1).
ApparentPlace geocentric_place(Body body, UtcTime t);

/// Angular radius of the disc seen from distance_km: Sun 695 700 km (IAU 2015 nominal),
/// Moon 1737.4 km; asin(R / d) in degrees.
double angular_radius_deg(Body body, double distance_km);

}  // namespace zc::astro
