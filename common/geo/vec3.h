#pragma once
// A plain 3-vector for ECEF and ENU arithmetic. Kept header-only and trivially copyable so the
// hot transit loop inlines everything.
#include <cmath>

namespace zc::geo {

struct Vec3 {
    double x = 0, y = 0, z = 0;

    constexpr Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
    constexpr Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
    constexpr Vec3 operator-() const { return {-x, -y, -z}; }
    constexpr Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
    constexpr Vec3 operator/(double s) const { return {x / s, y / s, z / s}; }
    constexpr Vec3& operator+=(const Vec3& o) {
        x += o.x;
        y += o.y;
        z += o.z;
        return *this;
    }
    constexpr Vec3& operator-=(const Vec3& o) {
        x -= o.x;
        y -= o.y;
        z -= o.z;
        return *this;
    }
};

constexpr Vec3 operator*(double s, const Vec3& v) {
    return v * s;
}
constexpr double dot(const Vec3& a, const Vec3& b) {
    return a.x * b.x + a.y * b.y + a.z * b.z;
}
constexpr Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(const Vec3& v) {
    return std::sqrt(dot(v, v));
}
inline Vec3 normalized(const Vec3& v) {
    return v / norm(v);
}

/// Angle between two directions, well conditioned near 0 and pi (atan2 of |u x v| and u.v),
/// unlike acos of the dot product.
inline double angle_between(const Vec3& u, const Vec3& v) {
    return std::atan2(norm(cross(u, v)), dot(u, v));
}

}  // namespace zc::geo
