#pragma once
// The observer as users enter it (elevation above mean sea level) turned into the astronomy
// site (height above the WGS84 ellipsoid): h = elevation + N, N from EGM96 or an override.
#include <optional>
#include <string>

#include "astro/body.h"

namespace zc::geoid {

struct ObserverSite {
    astro::Site site;        // ellipsoidal height
    double geoid_m = 0;      // N that was applied
    bool from_grid = false;  // N came from the EGM96 grid (not an override, not the fallback 0)
    std::string warning;     // non-empty when the grid was needed but unusable (N = 0 used)
};

/// geoid_override_m (e.g. config observer.geoid_height) wins over the grid; grid_path is the
/// GTX file (config observer.geoid_grid). Never throws.
ObserverSite site_from_msl(double lat_deg, double lon_deg, double elevation_msl_m,
                           std::optional<double> geoid_override_m = std::nullopt,
                           const std::string& grid_path = ZC_EGM96_GRID);

}  // namespace zc::geoid
