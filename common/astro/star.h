#pragma once
// Fixed stars (ICRS catalogue places) to and from the observed frame, for pointing the mount and
// for cross-checks. Thin wrappers over eraAtco13 / eraAtoc13 with ERFA's own refraction model
// (A tan z + B tan^3 z; poor below ~10 deg), airless when pressure is 0.
#include "astro/body.h"

namespace zc::astro {

struct AzAlt {
    double az_deg = 0;
    double alt_deg = 0;
};
struct RaDec {
    double ra_deg = 0;
    double dec_deg = 0;
};

/// ICRS (J2000 catalogue, no proper motion/parallax) to observed azimuth/altitude.
AzAlt icrs_to_observed(const RaDec& icrs, UtcTime t, const Site& site, const Atmosphere& atmosphere,
                       const EarthOrientation& eop = {});
/// Observed azimuth/altitude back to an ICRS astrometric place.
RaDec observed_to_icrs(const AzAlt& observed, UtcTime t, const Site& site,
                       const Atmosphere& atmosphere, const EarthOrientation& eop = {});

}  // namespace zc::astro
