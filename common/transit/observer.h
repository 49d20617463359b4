#pragma once
#include "astro/body.h"
#include "geo/wgs84.h"

namespace zc::transit {

/// Where the observer stands (ellipsoidal height) and the air there.
struct Observer {
    astro::Site site;
    astro::Atmosphere atmosphere;
    astro::EarthOrientation eop;

    geo::Geodetic geodetic() const { return {site.lat_deg, site.lon_deg, site.height_m}; }
};

}  // namespace zc::transit
