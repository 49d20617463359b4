#pragma once
// The observer's local East-North-Up frame (tangent to the ellipsoid, up = ellipsoid normal),
// and sky directions (azimuth from north through east, elevation above the tangent plane).
#include "geo/vec3.h"
#include "geo/wgs84.h"

namespace zc::geo {

struct AzElRange {
    double az_deg = 0;  // [0, 360)
    double el_deg = 0;
    double range_m = 0;
};

class LocalFrame {
  public:
    explicit LocalFrame(const Geodetic& origin);

    const Geodetic& origin() const { return origin_; }
    const Vec3& origin_ecef() const { return origin_ecef_; }
    const Vec3& east() const { return east_; }
    const Vec3& north() const { return north_; }
    const Vec3& up() const { return up_; }

    /// ECEF point -> ENU offset from the origin (metres).
    Vec3 to_enu(const Vec3& ecef_point) const { return rotate_to_enu(ecef_point - origin_ecef_); }
    /// ECEF direction/vector -> ENU components (no translation).
    Vec3 rotate_to_enu(const Vec3& v) const { return {dot(v, east_), dot(v, north_), dot(v, up_)}; }
    /// ENU components -> ECEF vector (no translation).
    Vec3 rotate_to_ecef(const Vec3& enu) const {
        return east_ * enu.x + north_ * enu.y + up_ * enu.z;
    }
    Vec3 enu_to_ecef(const Vec3& enu) const { return origin_ecef_ + rotate_to_ecef(enu); }

    AzElRange look_at(const Vec3& ecef_point) const;

  private:
    Geodetic origin_;
    Vec3 origin_ecef_, east_, north_, up_;
};

/// Azimuth/elevation of an ENU vector (range = its length).
AzElRange az_el_range(const Vec3& enu);
/// Unit ENU vector for an azimuth/elevation.
Vec3 enu_direction(double az_deg, double el_deg);

}  // namespace zc::geo
