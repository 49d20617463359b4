#include <catch2/catch.hpp>

#include "geo/angles.h"
#include "geo/local_frame.h"
#include "geo/wgs84.h"

using namespace zc::geo;

TEST_CASE("geodetic to ECEF on the axes", "[geo]") {
    const Vec3 p = geodetic_to_ecef({0, 0, 0});
    CHECK(p.x == Approx(wgs84::kA).margin(1e-6));
    CHECK(p.y == Approx(0).margin(1e-6));
    const Vec3 pole = geodetic_to_ecef({90, 0, 100});
    CHECK(pole.z == Approx(wgs84::kB + 100).margin(1e-6));
    CHECK(std::abs(pole.x) < 1e-6);
    const Vec3 east = geodetic_to_ecef({0, 90, 0});
    CHECK(east.y == Approx(wgs84::kA).margin(1e-6));
}

TEST_CASE("geodetic -> ECEF -> geodetic round trip below a millimetre", "[geo]") {
    for (double lat = -89.5; lat <= 89.5; lat += 7.3) {
        for (double lon = -179.0; lon <= 180.0; lon += 23.7) {
            for (double h : {-100.0, 0.0, 50.0, 11000.0, 20000.0, 400000.0}) {
                const Geodetic g{lat, lon, h};
                const Geodetic back = ecef_to_geodetic(geodetic_to_ecef(g));
                const Vec3 d = geodetic_to_ecef(back) - geodetic_to_ecef(g);
                REQUIRE(norm(d) < 1e-3);
                REQUIRE(back.height_m == Approx(h).margin(1e-3));
                REQUIRE(back.lat_deg == Approx(lat).margin(1e-9));
                REQUIRE(wrap_180(back.lon_deg - lon) == Approx(0).margin(1e-9));
            }
        }
    }
}

TEST_CASE("ENU axes and signs", "[geo]") {
    const LocalFrame f({37.77, -122.42, 50});
    // Unit, orthogonal, right-handed.
    CHECK(norm(f.east()) == Approx(1));
    CHECK(dot(f.east(), f.north()) == Approx(0).margin(1e-15));
    const Vec3 c = cross(f.east(), f.north());
    CHECK(norm(c - f.up()) < 1e-12);

    SECTION("zenith: same lat/lon at any height is el 90") {
        for (double h : {100.0, 10000.0, 500000.0}) {
            const AzElRange r = f.look_at(geodetic_to_ecef({37.77, -122.42, 50 + h}));
            CHECK(r.el_deg == Approx(90).margin(1e-9));
            CHECK(r.range_m == Approx(h).margin(1e-6));
        }
    }
    SECTION("north, east, south, west") {
        CHECK(wrap_180(f.look_at(geodetic_to_ecef({37.87, -122.42, 1050})).az_deg) ==
              Approx(0).margin(0.01));
        CHECK(f.look_at(geodetic_to_ecef({37.77, -122.30, 1050})).az_deg == Approx(90).margin(0.1));
        CHECK(f.look_at(geodetic_to_ecef({37.67, -122.42, 1050})).az_deg ==
              Approx(180).margin(0.01));
        CHECK(f.look_at(geodetic_to_ecef({37.77, -122.54, 1050})).az_deg ==
              Approx(270).margin(0.1));
        CHECK(f.look_at(geodetic_to_ecef({37.87, -122.42, 1050})).el_deg > 0);
        // Far away at the observer's height the Earth's curvature puts it below the horizon.
        CHECK(f.look_at(geodetic_to_ecef({38.77, -122.42, 50})).el_deg < 0);
    }
    SECTION("flat-earth check within 2 km") {
        const AzElRange r = f.look_at(geodetic_to_ecef({37.78, -122.42, 550}));
        const double d = 0.01 * meridian_radius(37.775) * kDegToRad;
        CHECK(r.el_deg == Approx(rad2deg(std::atan(500.0 / d))).margin(0.02));
    }
    SECTION("ENU round trip") {
        const Vec3 p = geodetic_to_ecef({38.1, -121.9, 9000});
        CHECK(norm(f.enu_to_ecef(f.to_enu(p)) - p) < 1e-6);
    }
    SECTION("§6.6 sectors at 10 km") {
        CHECK(std::abs(wrap_180(f.look_at(geodetic_to_ecef({42.77, -122.42, 10000})).az_deg)) < 90);
        const double s = f.look_at(geodetic_to_ecef({32.77, -122.42, 10000})).az_deg;
        CHECK((s > 90 && s < 270));
        const double e = f.look_at(geodetic_to_ecef({37.77, -117.42, 10000})).az_deg;
        CHECK((e > 45 && e < 135));
        const double w = f.look_at(geodetic_to_ecef({37.77, -127.42, 10000})).az_deg;
        CHECK((w > 225 && w < 315));
        CHECK(f.look_at(geodetic_to_ecef({37.77, -122.42, 500000})).el_deg > 80);
        CHECK(f.look_at(geodetic_to_ecef({37.9, -122.3, 100000})).el_deg >
              f.look_at(geodetic_to_ecef({37.9, -122.3, 1000})).el_deg);
    }
}

TEST_CASE("angular separations from the reference vectors", "[geo]") {
    auto sep = [](double a1, double z1, double a2, double z2) {
        return rad2deg(angle_between(enu_direction(z1, a1), enu_direction(z2, a2)));
    };
    CHECK(sep(89, 0, 89, 90) == Approx(1.4142).margin(1e-4));
    CHECK(sep(88, 100, 88, 150) == Approx(1.6902).margin(1e-4));
    CHECK(sep(30, 180, 31, 180) == Approx(1.0).margin(1e-9));
    CHECK(sep(30, 180, 35, 180) == Approx(5.0).margin(1e-9));
    CHECK(sep(0, 10, 0, 40) == Approx(30.0).margin(1e-9));
    CHECK(sep(45, 10, 45, 10) == 0.0);
}

TEST_CASE("az/el of an ENU vector", "[geo]") {
    const AzElRange r = az_el_range({1, 1, std::sqrt(2.0)});
    CHECK(r.az_deg == Approx(45));
    CHECK(r.el_deg == Approx(45));
    CHECK(r.range_m == Approx(2));
    CHECK(az_el_range({-1, 0, 0}).az_deg == Approx(270));
}
