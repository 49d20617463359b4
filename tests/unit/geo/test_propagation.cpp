#include <catch2/catch.hpp>

#include "geo/angles.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"
#include "geo/propagation.h"

using namespace zc::geo;

TEST_CASE("straight flight follows the geodesic at ground speed", "[geo]") {
    Motion m;
    m.start = {33.11, -117.31, 0};
    m.ground_speed_mps = 250;
    m.track_deg = 37;
    const Propagator p(m);
    for (double t : {0.0, 1.0, 60.0, 900.0}) {
        const GeodesicPoint g = geodesic_direct(33.11, -117.31, 37, 250 * t);
        CHECK(norm(p.at(t).position - geodetic_to_ecef({g.lat_deg, g.lon_deg, 0})) < 1e-3);
    }
}

TEST_CASE("at cruise height the aircraft itself moves at ground speed", "[geo]") {
    Motion m;
    m.start = {51.5, -0.4, 11000};
    m.ground_speed_mps = 240;
    m.track_deg = 285;
    const Propagator p(m);
    // Chord over 60 s vs arc at R+h: equal to ~1e-6 relative.
    const double chord = norm(p.at(60).position - p.at(0).position);
    CHECK(chord == Approx(240 * 60).epsilon(2e-5));
    const KinematicState s = p.at(300);
    CHECK(norm(s.velocity) == Approx(240).epsilon(1e-9));
    // velocity matches the finite difference of position
    const Vec3 fd = (p.at(300.5).position - p.at(299.5).position);
    CHECK(norm(fd - s.velocity) < 0.01);
    const Geodetic g = ecef_to_geodetic(s.position);
    CHECK(g.height_m == Approx(11000).margin(1e-3));
}

TEST_CASE("vertical rate is clamped and the height bounded", "[geo]") {
    Motion m;
    m.start = {40, -105, 1000};
    m.ground_speed_mps = 100;
    m.vertical_rate_mps = 80;  // implausible: clamped to 30
    const Propagator p(m);
    CHECK(p.height_at(10) == Approx(1300));
    CHECK(p.height_at(900) == Approx(20000));  // ceiling
    m.vertical_rate_mps = -20;
    const Propagator down(m);
    CHECK(down.height_at(40) == Approx(200));
    CHECK(down.height_at(100) == Approx(0));  // floor
    CHECK(down.at(100).height_m == Approx(0));
    SECTION("level-off at the selected altitude") {
        m.vertical_rate_mps = 10;
        m.level_off_height_m = 3000;
        const Propagator lvl(m);
        CHECK(lvl.height_at(100) == Approx(2000));
        CHECK(lvl.height_at(500) == Approx(3000));
        CHECK(dot(lvl.at(500).velocity, lvl.at(500).up) == Approx(0).margin(1e-9));
    }
}

TEST_CASE("constant-rate turn", "[geo]") {
    Motion m;
    m.start = {47.0, 8.0, 5000};
    m.ground_speed_mps = 120;
    m.track_deg = 90;
    m.track_rate_dps = 3.0;
    PropagationLimits lim;
    lim.max_turn_deg = 360;
    const Propagator p(m, lim);
    const LocalFrame f(m.start);
    SECTION("heading grows at the track rate") {
        for (double t : {0.0, 10.0, 30.0, 60.0, 100.0}) {
            const KinematicState s = p.at(t);
            const Geodetic g = ecef_to_geodetic(s.position);
            const LocalFrame here(g);
            const Vec3 v = here.rotate_to_enu(s.velocity);
            const double track = rad2deg(std::atan2(v.x, v.y));
            // The plane-to-ellipsoid mapping bends headings by ~rho/R (0.02 deg at 2 km).
            CHECK(wrap_180(track - (90 + 3.0 * t)) == Approx(0).margin(0.05));
        }
    }
    SECTION("radius v/omega and a closed circle") {
        const double r = 120 / deg2rad(3.0);
        // After half a circle the aircraft is 2r away, due south of the start (turning right
        // from east), and back at the start after a full one.
        const Vec3 half = f.to_enu(p.at(60).position);
        CHECK(std::hypot(half.x, half.y) == Approx(2 * r * 5000 / 5000).epsilon(1e-3));
        CHECK(half.y < 0);
        CHECK(std::abs(half.x) < 2);
        CHECK(norm(p.at(120).position - p.at(0).position) < 1.0);
    }
    SECTION("velocity matches the finite difference of position") {
        const Vec3 fd = p.at(20.5).position - p.at(19.5).position;
        CHECK(norm(fd - p.at(20).velocity) < 0.05);
    }
    SECTION("the turn stops after max_turn_deg and the flight continues straight") {
        PropagationLimits quarter;
        quarter.max_turn_deg = 90;
        const Propagator q(m, quarter);
        const KinematicState end = q.at(30);
        const KinematicState later = q.at(60);
        const Vec3 d = later.position - end.position;
        CHECK(norm(d) == Approx(120 * 30).epsilon(1e-3));
        CHECK(norm(normalized(d) - normalized(end.velocity)) < 1e-3);
        // continuity across the switch
        CHECK(norm(q.at(30 + 1e-3).position - q.at(30 - 1e-3).position) < 0.5);
    }
    SECTION("tiny track rates are noise") {
        m.track_rate_dps = -0.03;
        CHECK_FALSE(Propagator(m).turning());
    }
}
