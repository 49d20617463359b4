#include "geoid/site.h"

#include "geoid/egm96.h"

namespace zc::geoid {

ObserverSite site_from_msl(double lat_deg, double lon_deg, double elevation_msl_m,
                           std::optional<double> geoid_override_m, const std::string& grid_path) {
    ObserverSite out;
    if (geoid_override_m) {
        out.geoid_m = *geoid_override_m;
    } else if (std::string error; const Grid* grid = cached_grid(grid_path, &error)) {
        out.geoid_m = grid->undulation_m(lat_deg, lon_deg);
        out.from_grid = true;
    } else {
        out.warning = error + "; using geoid height 0 (heights may be off by up to 100 m)";
    }
    out.site = astro::Site{lat_deg, lon_deg, elevation_msl_m + out.geoid_m};
    return out;
}

}  // namespace zc::geoid
