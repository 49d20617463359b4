#pragma once
#include <cmath>
#include <numbers>

namespace zc::geo {

inline constexpr double kDegToRad = std::numbers::pi / 180.0;
inline constexpr double kRadToDeg = 180.0 / std::numbers::pi;

constexpr double deg2rad(double deg) {
    return deg * kDegToRad;
}
constexpr double rad2deg(double rad) {
    return rad * kRadToDeg;
}

/// Wraps to [0, 360).
inline double wrap_360(double deg) {
    double r = std::fmod(deg, 360.0);
    if (r < 0)
        r += 360.0;
    return r >= 360.0 ? 0.0 : r;
}
/// Wraps to [-180, 180).
inline double wrap_180(double deg) {
    return wrap_360(deg + 180.0) - 180.0;
}

}  // namespace zc::geo
