#pragma once
// Geodesics on the WGS84 ellipsoid (Vincenty 1975, sub-millimetre for the distances an aircraft
// covers in a prediction horizon). The direct problem is split into a per-line setup and a cheap
// per-distance evaluation because the transit solver walks one line many times.
#include <optional>

#include "geo/vec3.h"
#include "geo/wgs84.h"

namespace zc::geo {

struct GeodesicPoint {
    double lat_deg = 0;
    double lon_deg = 0;
    double azimuth_deg = 0;  // forward azimuth of the line at this point
};

/// Point on the ellipsoid with its local frame, as the propagation needs it: ECEF at the
/// surface, the outward normal, and the unit ECEF vector of the line's forward direction.
struct SurfacePoint {
    Vec3 surface;
    Vec3 normal;
    Vec3 forward;
};

class GeodesicLine {
  public:
    GeodesicLine(double lat_deg, double lon_deg, double azimuth_deg);

    /// Distance along the line in metres (negative goes backwards).
    GeodesicPoint point(double distance_m) const;
    SurfacePoint surface_point(double distance_m) const;

  private:
    struct Sigma {
        double sin_s, cos_s, cos_2sm;
        double sigma;
    };
    Sigma solve_sigma(double distance_m) const;
    double lon_offset(const Sigma& s) const;

    double lon1_rad_;
    double sin_u1_, cos_u1_;
    double sin_a1_, cos_a1_;
    double sigma1_;
    double sin_alpha_, cos2_alpha_;
    double a_coef_, b_coef_, c_coef_;
};

/// Direct problem: where a line from (lat, lon) at azimuth ends after distance_m.
GeodesicPoint geodesic_direct(double lat_deg, double lon_deg, double azimuth_deg,
                              double distance_m);

struct GeodesicInverse {
    double distance_m = 0;
    double azimuth1_deg = 0;  // at the first point
    double azimuth2_deg = 0;  // forward azimuth at the second point
};
/// Inverse problem; nullopt for nearly antipodal points where Vincenty does not converge.
std::optional<GeodesicInverse> geodesic_inverse(double lat1_deg, double lon1_deg, double lat2_deg,
                                                double lon2_deg);

}  // namespace zc::geo
