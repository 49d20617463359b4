#pragma once
// Every tunable of the transit prediction, as a plain value type. The configuration layer maps
// transit.* options onto it; library code never reads configuration itself.
#include <functional>

#include "geo/propagation.h"
#include "transit/uncertainty.h"

namespace zc::transit {

enum class Target { Sun, Moon };
enum class TargetSelection { Sun, Moon, Auto };  // Auto = both

/// Minimum altitude of the target by the quadrant of its azimuth at the time of closest
/// approach (N = 315..45, E = 45..135, S = 135..225, W = 225..315): a building or a tree line
/// on one side.
struct MinAltitudes {
    double north_deg = 15, east_deg = 15, south_deg = 15, west_deg = 15;
    double for_azimuth(double az_deg) const;
    double lowest() const;
};

struct Options {
    TargetSelection targets = TargetSelection::Auto;
    double horizon_s = 900;
    MinAltitudes min_altitude;
    double min_aircraft_elevation_deg = 0;  // below the horizon: ignored

    // Levels (inclusive): HIGH sep <= high_radii R; MEDIUM sep <= medium_radii R or
    // sep - R <= medium_sigmas * sigma; LOW sep <= low_threshold_deg.
    double high_radii = 1.0;
    double medium_radii = 2.0;
    double medium_sigmas = 2.0;
    double low_threshold_deg = 2.0;
    /// Minima farther than this from the body are not reported at all. Defaults to the LOW
    /// threshold (0 means "use low_threshold_deg").
    double report_cutoff_deg = 0;

    double max_fix_age_s = 120;  // older fixes are not propagated
    double body_step_s = 30;     // sampling of the Sun/Moon track (interpolation error ~0.05 mas)
    double time_tolerance_s = 1e-5;
    /// Upper bound of the aircraft's refraction lift (deg): the coarse scan uses airless
    /// geometry and keeps this much margin.
    double refraction_margin_deg = 0.9;
    /// Angle (deg) the aircraft may move between two fine samples near the body.
    double fine_step_deg = 0.5;

    /// Geoid undulation N(lat, lon) in metres. When set, a barometric height (pressure altitude,
    /// roughly above mean sea level) is raised by N to approximate a height above the
    /// ellipsoid; its sigma stays large. Unset: used as is (the library does no I/O itself).
    std::function<double(double lat_deg, double lon_deg)> geoid_undulation_m;

    geo::PropagationLimits propagation;
    UncertaintyModel uncertainty;

    double cutoff_deg() const {
        return report_cutoff_deg > 0 ? report_cutoff_deg : low_threshold_deg;
    }
};

}  // namespace zc::transit
