#pragma once
// Where the flight pipeline asks its sources for aircraft. Either the user's fixed box (area.*)
// or, by default, a corridor per target (Sun, Moon) around its line of sight: every place an
// aircraft up to max_height could be while on the line of sight (the ground projection of the
// sight line from the observer out to where it reaches that height, which is hundreds of km for
// a low target), widened by how far an aircraft at max_speed travels within the prediction
// horizon. The result is a set of latitude/longitude boxes (split at the antimeridian) for box
// APIs and one enclosing circle for point APIs; each source then gets it capped to what its API
// allows. Geometry and worked example: docs/flight-pipeline.md.
#include <optional>
#include <string>
#include <vector>

#include "geo/wgs84.h"
#include "time/clock.h"
#include "transit/observer.h"
#include "transit/options.h"

namespace zc::flights {

/// A latitude/longitude box; lon_min <= lon_max always (the antimeridian splits boxes).
struct AreaBox {
    double lat_min = 0, lat_max = 0, lon_min = 0, lon_max = 0;
    double area_deg2() const { return (lat_max - lat_min) * (lon_max - lon_min); }
};

/// One sampled direction of a target over the prediction window.
struct Sight {
    transit::Target target = transit::Target::Sun;
    double offset_s = 0;           // after "now"
    double az_deg = 0;             // observed azimuth
    double alt_deg = 0;            // observed (refracted) altitude
    double airless_alt_deg = 0;    // the geometric ray an aircraft sits on, at the lowest
    double ground_distance_m = 0;  // observer -> where the ray reaches the ceiling
};

struct SearchArea {
    std::vector<AreaBox> boxes;  // empty = nowhere to look
    double center_lat = 0, center_lon = 0;
    double radius_km = 0;       // the circle encloses the boxes
    bool fixed = false;         // the user's area.* box (no corridor)
    std::vector<Sight> sights;  // the corridor's sight lines (empty for a fixed box)
    double widening_km = 0;     // corridor half-width: max_speed * horizon

    bool empty() const { return boxes.empty(); }
    double radius_nm() const { return radius_km / 1.852; }
};

struct CorridorOptions {
    double max_height_m = 13000;          // highest aircraft considered (ellipsoidal)
    double max_speed_mps = 1000.0 / 3.6;  // 1,000 km/h
    double horizon_s = 900;               // transit.horizon
    int samples = 7;                      // target directions over [now, now + horizon]
};

/// Per-source limit: the enclosing circle's radius (point APIs: 250 nm for the readsb family,
/// 100 nm for ADS-B Exchange) and a box area (box APIs: OpenSky credits grow with it). 0 = none.
struct AreaCaps {
    double max_radius_km = 0;
    double max_box_deg2 = 0;
};

/// Ground distance (m, along the surface) from the observer to the point under a ray of
/// geometric elevation `elevation_deg` where the ray reaches `height_m` above the ellipsoid.
/// Spherical Earth with the ellipsoid's radius of curvature in that azimuth; 0 when the
/// observer is above that height.
double sight_ground_distance_m(const geo::Geodetic& observer, double az_deg, double elevation_deg,
                               double height_m);

/// The target directions to build a corridor around: every selected target sampled over the
/// window, kept where its observed altitude is at least the horizon and the minimum altitude
/// of its quadrant. Empty when every target stays below.
std::vector<Sight> target_sights(const transit::Observer& observer, UtcTime now,
                                 const transit::Options& options, const CorridorOptions& corridor);

/// The corridor around `sights` (their ground_distance_m is filled in here). Empty area when
/// there are no sights.
SearchArea corridor_area(const geo::Geodetic& observer, std::vector<Sight> sights,
                         const CorridorOptions& corridor);

/// The user's box (area.lat_lower_left ... area.lon_upper_right); a west edge east of the east
/// edge crosses the antimeridian. nullopt and `error` naming the problem for an unusable box.
std::optional<SearchArea> box_area(double lat_lower_left, double lon_lower_left,
                                   double lat_upper_right, double lon_upper_right,
                                   std::string* error = nullptr);

/// The area as one source may ask for it: the circle shrunk to max_radius_km (its widening
/// first, then towards the observer, so that the near part of the sight lines stays) and
/// every box clipped to the circle's bounding box and to max_box_deg2.
SearchArea cap_area(const SearchArea& area, const geo::Geodetic& observer, const AreaCaps& caps);

/// Boxes of a circle (split at the antimeridian; the whole longitude range around a pole).
std::vector<AreaBox> circle_boxes(double lat_deg, double lon_deg, double radius_km);

}  // namespace zc::flights
