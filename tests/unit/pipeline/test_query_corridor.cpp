// The query area: the user's box, or a corridor around each target's line of sight, built from
// real Sun positions for a London observer.
#include <catch2/catch.hpp>
#include <cmath>

#include "astro/body.h"
#include "flights/query_corridor.h"
#include "geo/angles.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"

using namespace zc;
using namespace zc::flights;

namespace {

transit::Observer london() {
    transit::Observer o;
    o.site = {51.4779, -0.0015, 92};  // ellipsoidal
    o.atmosphere = {1013.25, 15, 0};
    return o;
}

transit::Options sun_only(double min_alt = 0) {
    transit::Options o;
    o.targets = transit::TargetSelection::Sun;
    o.min_altitude = {min_alt, min_alt, min_alt, min_alt};
    return o;
}

/// The first instant (minute steps) of 2026-06-21 when the Sun's observed altitude passes
/// `alt_deg` rising.
UtcTime sun_rising_through(const transit::Observer& o, double alt_deg) {
    UtcTime t = *parse_iso8601("2026-06-21T02:00:00Z");
    for (int i = 0; i < 600; ++i, t += std::chrono::minutes(1)) {
        const auto p = astro::body_position(astro::Body::Sun, t, o.site, o.atmosphere);
        if (p.alt_deg >= alt_deg)
            return t;
    }
    FAIL("the Sun never rose");
    return t;
}

bool in_boxes(const SearchArea& a, double lat, double lon) {
    for (const auto& b : a.boxes)
        if (lat >= b.lat_min && lat <= b.lat_max && lon >= b.lon_min && lon <= b.lon_max)
            return true;
    return false;
}

double km_between(double lat1, double lon1, double lat2, double lon2) {
    return geo::geodesic_inverse(lat1, lon1, lat2, lon2)->distance_m / 1000;
}

bool in_circle(const SearchArea& a, double lat, double lon) {
    return km_between(a.center_lat, a.center_lon, lat, lon) <= a.radius_km;
}

geo::GeodesicPoint from(const transit::Observer& o, double az, double km) {
    return geo::geodesic_direct(o.site.lat_deg, o.site.lon_deg, az, km * 1000);
}

}  // namespace

TEST_CASE("the sight-line distance puts a 13 km aircraft on the ray", "[pipeline]") {
    const transit::Observer o = london();
    const geo::LocalFrame frame(o.geodetic());
    for (double el : {-0.5, 0.0, 1.0, 3.0, 5.0, 10.0, 30.0, 60.0, 89.0}) {
        for (double az : {0.0, 90.0, 225.0}) {
            const double d = sight_ground_distance_m(o.geodetic(), az, el, 13000);
            // Independent check with the ellipsoid: the point at that ground distance, 13 km up,
            // is seen at that elevation (to the sphere-vs-ellipsoid approximation).
            const auto g = geo::geodesic_direct(o.site.lat_deg, o.site.lon_deg, az, d);
            const auto look = frame.look_at(geo::geodetic_to_ecef({g.lat_deg, g.lon_deg, 13000}));
            INFO("el " << el << " az " << az << " d " << d);
            CHECK(look.el_deg == Approx(el).margin(0.02));
            CHECK(geo::wrap_180(look.az_deg - az) == Approx(0).margin(0.01));
        }
    }
    // Far for low targets: ~400 km at the horizon, ~130 km at 5 deg (the Earth curves away
    // under the ray), ~7.5 km at 60 deg.
    CHECK(sight_ground_distance_m(o.geodetic(), 90, 0, 13000) / 1000 == Approx(407).margin(10));
    CHECK(sight_ground_distance_m(o.geodetic(), 90, 5, 13000) / 1000 == Approx(132).margin(3));
    CHECK(sight_ground_distance_m(o.geodetic(), 90, 60, 13000) / 1000 == Approx(7.45).margin(0.1));
    CHECK(sight_ground_distance_m({0, 0, 14000}, 90, 10, 13000) == 0);
}

TEST_CASE("low Sun: a long corridor toward the Sun's azimuth", "[pipeline]") {
    const transit::Observer o = london();
    const UtcTime now = sun_rising_through(o, 3.0);
    CorridorOptions co;
    co.horizon_s = 900;
    const auto sights = target_sights(o, now, sun_only(), co);
    REQUIRE(sights.size() == 7);  // up over the whole window
    const SearchArea a = corridor_area(o.geodetic(), sights, co);
    REQUIRE_FALSE(a.empty());
    CHECK_FALSE(a.fixed);
    CHECK(a.widening_km == Approx(250));
    const Sight& first = a.sights.front();
    CHECK(first.alt_deg == Approx(3.0).margin(0.2));
    CHECK(first.airless_alt_deg < first.alt_deg);  // refraction lifts the Sun
    CHECK(first.az_deg > 45);                      // north-east at midsummer sunrise
    CHECK(first.az_deg < 70);
    // The ray reaches 13 km a couple of hundred km out; the Sun climbs, so later lines are shorter.
    CHECK(first.ground_distance_m / 1000 > 180);
    CHECK(a.sights.back().ground_distance_m < first.ground_distance_m);

    // Every sampled sight line, from the observer to its far end, is inside the boxes and the
    // circle, and so is a margin of nearly the widening around it.
    for (const Sight& s : a.sights) {
        for (double f : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            const auto p = from(o, s.az_deg, f * s.ground_distance_m / 1000);
            CHECK(in_boxes(a, p.lat_deg, p.lon_deg));
            CHECK(in_circle(a, p.lat_deg, p.lon_deg));
            for (double side : {-90.0, 90.0, 0.0, 180.0}) {
                const auto q = geo::geodesic_direct(p.lat_deg, p.lon_deg, s.az_deg + side,
                                                    0.98 * a.widening_km * 1000);
                CHECK(in_boxes(a, q.lat_deg, q.lon_deg));
                CHECK(in_circle(a, q.lat_deg, q.lon_deg));
            }
        }
    }
    // The circle's centre lies toward the Sun, about half the line out.
    const auto g =
        geo::geodesic_inverse(o.site.lat_deg, o.site.lon_deg, a.center_lat, a.center_lon);
    CHECK(geo::wrap_180(g->azimuth1_deg - first.az_deg) == Approx(0).margin(15));
    CHECK(g->distance_m / 1000 == Approx(first.ground_distance_m / 2000).margin(30));
    CHECK(a.radius_km == Approx(first.ground_distance_m / 2000 + 250).margin(30));
    // Away from the Sun the area ends at the widening.
    const auto away = from(o, first.az_deg + 180, 1.1 * a.widening_km);
    CHECK_FALSE(in_circle(a, away.lat_deg, away.lon_deg));
}

TEST_CASE("the lower the Sun, the longer the corridor", "[pipeline]") {
    const transit::Observer o = london();
    CorridorOptions co;
    co.horizon_s = 60;
    co.samples = 2;
    double previous = 0;
    for (double alt : {30.0, 10.0, 5.0, 2.0, 0.5}) {
        const auto sights = target_sights(o, sun_rising_through(o, alt), sun_only(), co);
        REQUIRE_FALSE(sights.empty());
        const SearchArea a = corridor_area(o.geodetic(), sights, co);
        INFO("alt " << alt << " line " << a.sights.front().ground_distance_m / 1000 << " km");
        CHECK(a.radius_km > previous);
        previous = a.radius_km;
    }
    CHECK(previous > 200);  // 0.5 deg: ~400 km line, 16.7 km widening in a minute
}

TEST_CASE("high Sun: a small area around the observer", "[pipeline]") {
    const transit::Observer o = london();
    const UtcTime noon = *parse_iso8601("2026-06-21T12:00:00Z");
    CorridorOptions co;
    co.horizon_s = 120;  // 33 km of widening
    const auto sights = target_sights(o, noon, sun_only(15), co);
    REQUIRE(sights.size() == 7);
    CHECK(sights.front().alt_deg > 60);
    const SearchArea a = corridor_area(o.geodetic(), sights, co);
    CHECK(km_between(o.site.lat_deg, o.site.lon_deg, a.center_lat, a.center_lon) < 5);
    CHECK(a.radius_km == Approx(33.3 + 3.7).margin(1.5));
    REQUIRE(a.boxes.size() == 1);
    CHECK(a.boxes[0].lat_max - a.boxes[0].lat_min < 0.75);
    CHECK(in_boxes(a, o.site.lat_deg, o.site.lon_deg));
}

TEST_CASE("targets below the horizon or the minimum altitude give no area", "[pipeline]") {
    const transit::Observer o = london();
    CorridorOptions co;
    const UtcTime midnight = *parse_iso8601("2026-06-21T00:00:00Z");
    CHECK(target_sights(o, midnight, sun_only(), co).empty());
    CHECK(corridor_area(o.geodetic(), {}, co).empty());
    // Up at 3 deg but under a 15 deg tree line to the east for the whole window.
    const UtcTime low = sun_rising_through(o, 3.0);
    CHECK(target_sights(o, low, sun_only(15), co).empty());
    // Rising into view during the window: only the later samples count.
    co.horizon_s = 3600;
    const auto rising = target_sights(o, sun_rising_through(o, -1.0), sun_only(), co);
    REQUIRE_FALSE(rising.empty());
    CHECK(rising.size() < 7);
    CHECK(rising.front().offset_s > 0);
}

TEST_CASE("Sun and Moon in different directions give a box each", "[pipeline]") {
    const transit::Observer o = london();
    // 2026-06-21 18:00 UTC: the Sun low in the west-north-west, the waxing Moon in the south.
    const UtcTime t = *parse_iso8601("2026-06-21T18:00:00Z");
    transit::Options opt;
    opt.min_altitude = {0, 0, 0, 0};
    CorridorOptions co;
    co.horizon_s = 300;
    const auto sights = target_sights(o, t, opt, co);
    bool sun = false, moon = false;
    for (const auto& s : sights)
        (s.target == transit::Target::Sun ? sun : moon) = true;
    REQUIRE(sun);
    REQUIRE(moon);
    const SearchArea a = corridor_area(o.geodetic(), sights, co);
    for (const Sight& s : a.sights) {
        const auto end = from(o, s.az_deg, s.ground_distance_m / 1000);
        CHECK(in_boxes(a, end.lat_deg, end.lon_deg));
        CHECK(in_circle(a, end.lat_deg, end.lon_deg));
    }
}

TEST_CASE("boxes are split at the antimeridian", "[pipeline]") {
    transit::Observer o;
    o.site = {-17.7, 179.6, 10};  // Fiji
    CorridorOptions co;
    co.horizon_s = 300;
    Sight s;
    s.az_deg = 90;
    s.alt_deg = 5;
    s.airless_alt_deg = 4.85;
    const SearchArea a = corridor_area(o.geodetic(), {s}, co);
    REQUIRE(a.boxes.size() == 2);
    for (const auto& b : a.boxes) {
        CHECK(b.lon_min <= b.lon_max);
        CHECK(b.lon_min >= -180);
        CHECK(b.lon_max <= 180);
    }
    CHECK(in_boxes(a, -17.7, 179.6));
    CHECK(in_boxes(a, -17.7, -179.0));  // east of the line, toward the Sun
    CHECK(in_boxes(a, -17.7, 179.0));
    CHECK(a.center_lon < 0);  // the line's middle is ~1 deg east, across the antimeridian
}

TEST_CASE("near a pole the box takes every longitude", "[pipeline]") {
    transit::Observer o;
    o.site = {88.5, 20, 0};
    Sight s;
    s.az_deg = 10;
    s.alt_deg = 20;
    s.airless_alt_deg = 19.95;
    const SearchArea a = corridor_area(o.geodetic(), {s}, CorridorOptions{});
    REQUIRE(a.boxes.size() == 1);
    CHECK(a.boxes[0].lon_min == -180);
    CHECK(a.boxes[0].lon_max == 180);
    CHECK(a.boxes[0].lat_max == 90);
}

TEST_CASE("the user's box", "[pipeline]") {
    std::string err;
    const auto a = box_area(50.5, -1.5, 52.5, 1.0, &err);
    REQUIRE(a);
    CHECK(a->fixed);
    REQUIRE(a->boxes.size() == 1);
    CHECK(a->boxes[0].lat_min == 50.5);
    CHECK(a->boxes[0].lon_max == 1.0);
    CHECK(a->center_lat == Approx(51.5));
    CHECK(a->center_lon == Approx(-0.25));
    // The circle encloses every corner.
    for (const auto& [lat, lon] : {std::pair{50.5, -1.5}, {50.5, 1.0}, {52.5, -1.5}, {52.5, 1.0}})
        CHECK(km_between(a->center_lat, a->center_lon, lat, lon) <= a->radius_km + 1e-6);

    const auto wrap = box_area(-20, 178, -15, -178, &err);
    REQUIRE(wrap);
    REQUIRE(wrap->boxes.size() == 2);
    CHECK(wrap->boxes[0].lon_min == 178);
    CHECK(wrap->boxes[0].lon_max == 180);
    CHECK(wrap->boxes[1].lon_min == -180);
    CHECK(wrap->boxes[1].lon_max == -178);
    CHECK(std::abs(wrap->center_lon) == Approx(180));

    CHECK_FALSE(box_area(52.5, -1.5, 50.5, 1.0, &err));
    CHECK_THAT(err, Catch::Contains("area.lat_lower_left"));
    CHECK_FALSE(box_area(0, 0, 0, 0, &err));  // the Python original's degenerate default
    CHECK_FALSE(box_area(50, std::nan(""), 52, 1, &err));
    CHECK_THAT(err, Catch::Contains("all four"));
}

TEST_CASE("caps: the circle shrinks, the observer's end of the corridor stays", "[pipeline]") {
    const transit::Observer o = london();
    const UtcTime now = sun_rising_through(o, 1.0);
    CorridorOptions co;
    co.horizon_s = 1800;  // 500 km of widening
    const SearchArea a = corridor_area(o.geodetic(), target_sights(o, now, sun_only(), co), co);
    REQUIRE(a.radius_km > 463);

    const SearchArea readsb = cap_area(a, o.geodetic(), {463, 0});  // 250 nm
    CHECK(readsb.radius_km == Approx(463));
    CHECK(readsb.radius_nm() == Approx(250).margin(0.1));
    CHECK(in_circle(readsb, o.site.lat_deg, o.site.lon_deg));

    const SearchArea adsbx = cap_area(a, o.geodetic(), {185.2, 0});  // 100 nm
    CHECK(adsbx.radius_km == Approx(185.2));
    CHECK(in_circle(adsbx, o.site.lat_deg, o.site.lon_deg));
    // Toward the Sun, not away from it.
    const auto g =
        geo::geodesic_inverse(o.site.lat_deg, o.site.lon_deg, adsbx.center_lat, adsbx.center_lon);
    CHECK(geo::wrap_180(g->azimuth1_deg - a.sights.front().az_deg) == Approx(0).margin(20));
    // Boxes clipped to the capped circle's extent.
    const auto ext = circle_boxes(adsbx.center_lat, adsbx.center_lon, adsbx.radius_km);
    REQUIRE_FALSE(adsbx.boxes.empty());
    for (const auto& b : adsbx.boxes) {
        CHECK(b.lat_min >= ext[0].lat_min - 1e-9);
        CHECK(b.lat_max <= ext[0].lat_max + 1e-9);
    }

    const SearchArea credits = cap_area(a, o.geodetic(), {0, 25});  // OpenSky's 1-credit size
    for (const auto& b : credits.boxes)
        CHECK(b.area_deg2() <= 25 + 1e-9);
    CHECK(cap_area(a, o.geodetic(), {5000, 1e6}).radius_km == a.radius_km);  // under the cap
}
